/**
 * Loading keys for the CLI. Private keys come from a 0600 file (`--key-file`) or the
 * IMLADRI_SIGNING_KEY variable (CI secret stores), never from a command-line value, and their
 * contents never reach an error message.
 */
import * as fs from "node:fs";
import type { CryptoProvider } from "../core/crypto/provider.js";
import { JsonSyntaxError, parseJson } from "../core/json/parse.js";
import { readPrivateJwk, readPublicJwk, type PrivateKey, type PublicKey } from "../core/jws/jwk.js";
import { decodeUtf8Strict } from "../core/encoding/utf8.js";
import { hasMember, isJsonObject, type JsonValue } from "../core/json/value.js";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { readError } from "../io/files.js";

export const SIGNING_KEY_ENV = "IMLADRI_SIGNING_KEY";

/** Like ssh: a private key readable by group or others is refused. */
function assertPrivateFileMode(file: string): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch (e) {
    throw readError(e, file, "key file");
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new CliError(
      ExitCode.dataError,
      `${file}: private key is readable by group or others (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  }
}

/** A key file must be a file: a folder is named as one (exit 66, like any unreadable input). */
function assertRegularFile(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw readError(e, file, "key file");
  }
  if (st.isDirectory()) throw new CliError(ExitCode.noInput, `${file}: is a folder, not a key file (a private JWK file, mode 0600)`, [], "input.unreadable");
}

/** Parses key material without ever echoing it: errors carry only position and kind. */
function parseKeyText(text: string | undefined, where: string): JsonValue {
  if (text === undefined) throw new CliError(ExitCode.dataError, `${where}: not valid UTF-8`);
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CliError(ExitCode.dataError, `${where}: not a JSON JWK (${e.code} at line ${e.line}, column ${e.column})`);
    throw e;
  }
}

function readKeyFile(file: string): string | undefined {
  try {
    return decodeUtf8Strict(fs.readFileSync(file));
  } catch (e) {
    throw readError(e, file, "key file");
  }
}

function looksLikeInlineKey(value: string): boolean {
  return value.trimStart().startsWith("{");
}

/**
 * The signing key from `--key-file`, else from IMLADRI_SIGNING_KEY; undefined when neither is
 * given (the caller decides whether `--unsigned` allows that).
 */
export function loadSigningKey(crypto: CryptoProvider, keyFile: string | undefined): PrivateKey | undefined {
  if (keyFile === undefined) {
    const env = process.env[SIGNING_KEY_ENV];
    if (env === undefined || env === "") return undefined;
    return privateKeyOf(crypto, parseKeyText(env, SIGNING_KEY_ENV), SIGNING_KEY_ENV);
  }
  if (looksLikeInlineKey(keyFile)) {
    throw new CliError(ExitCode.usage, `--key-file takes a file path, not key material: a private key is never passed on the command line (use a 0600 file or ${SIGNING_KEY_ENV})`);
  }
  // Issue 11: what is wrong with the file comes first (a folder, not a JWK, a public key); the
  // file mode matters only for a private key, and chmod is advised for nothing else.
  assertRegularFile(keyFile);
  const doc = parseKeyText(readKeyFile(keyFile), keyFile);
  if (isJsonObject(doc) && !hasMember(doc, "d") && hasMember(doc, "x")) {
    throw new CliError(ExitCode.dataError, `${keyFile}: holds a public key (no "d" member); --key-file takes the private signing key (verifiers give the public one to --key)`);
  }
  assertPrivateFileMode(keyFile);
  return privateKeyOf(crypto, doc, keyFile);
}

function privateKeyOf(crypto: CryptoProvider, doc: JsonValue, where: string): PrivateKey {
  const r = readPrivateJwk(crypto, doc);
  if (!r.ok) throw new CliError(ExitCode.dataError, `${where}: ${r.message}`);
  return r.key;
}

export interface LoadedPublicKey {
  key: PublicKey;
  file: string;
  /** True when the file held a private key: the caller warns that it should hold the public part. */
  hadPrivatePart: boolean;
}

export function loadPublicKeyFile(crypto: CryptoProvider, file: string): LoadedPublicKey {
  if (looksLikeInlineKey(file)) throw new CliError(ExitCode.usage, "--key takes a file path to a JWK, not key material");
  const r = readPublicJwk(crypto, parseKeyText(readKeyFile(file), file));
  if (!r.ok) throw new CliError(ExitCode.dataError, `${file}: ${r.message}`);
  return { key: r.key, file, hadPrivatePart: r.hadPrivatePart };
}
