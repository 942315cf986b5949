/**
 * Keyring and new-key files for the keys commands and for `proof verify --keyring` (DESIGN §7,
 * §11, docs/keys.md). The rules live in src/core/keyring; this file only reads, writes and says
 * what went wrong.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { CryptoProvider } from "../../core/crypto/provider.js";
import { bytesEqual } from "../../core/encoding/utf8.js";
import { JsonSyntaxError, parseJsonBytes } from "../../core/json/parse.js";
import { isKid, type Kid, type PrivateKey } from "../../core/jws/jwk.js";
import type { TrustStore } from "../../core/jws/trust.js";
import { privateJwkText } from "../../core/keyring/generate.js";
import { replayKeyring, type KeyringReplay } from "../../core/keyring/replay.js";
import { serializeKeyring } from "../../core/keyring/sign.js";
import { trustKeyring } from "../../core/keyring/trust.js";
import type { Keyring } from "../../core/keyring/types.js";
import type { Finding } from "../../core/verify/finding.js";
import { assertWritable, readError, readInputBytes, writeFileAtomic } from "../../io/files.js";
import { acquireLock } from "../../io/lock.js";
import { testPause } from "../../io/test-hooks.js";
import { MAX_LISTED_PROBLEMS } from "../../core/limits.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadSigningKey, SIGNING_KEY_ENV } from "../key-files.js";

export interface LoadedKeyring {
  file: string;
  /** The bytes read, to notice a concurrent change before the file is replaced. */
  bytes: Uint8Array;
  replay: KeyringReplay;
}

/** `--root`: a kid, as `keys list` prints it. */
export function parseRoot(v: string | undefined): Kid | undefined {
  if (v === undefined) return undefined;
  if (!isKid(v)) throw new CliError(ExitCode.usage, `--root ${JSON.stringify(v.slice(0, 60))}: expected a kid (43 base64url characters, as keys list prints it)`);
  return v;
}

/**
 * Reads and replays a keyring. A missing file is a usage-level error (exit 66); anything wrong
 * inside it is a finding, so `keys list` and `proof verify` can report every problem.
 */
export function readKeyringFile(crypto: CryptoProvider, file: string, root: Kid | undefined): LoadedKeyring {
  const bytes = readInputBytes(file, "keyring");
  try {
    return { file, bytes, replay: replayKeyring(crypto, parseJsonBytes(bytes), root === undefined ? {} : { root }) };
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    // DESIGN §2: strict I-JSON; a keyring that does not parse is a malformed keyring (§8: invalid).
    const finding: Finding = { code: "keyring.json", effect: "invalid", line: e.line, pointer: e.pointer, message: `not strict JSON (${e.code}): ${e.message}` };
    return { file, bytes, replay: { findings: [finding], dropped: {}, keys: [], root: [], ok: false, entries: 0, pinned: root !== undefined } };
  }
}

/**
 * For `proof verify --keyring`: adds a sound keyring's keys to `trust` and returns its findings
 * for the Verifier's `extraFindings` (a broken keyring makes the verdict `invalid`, DESIGN §7).
 */
export function keyringTrustFindings(crypto: CryptoProvider, file: string, root: string | undefined, trust: TrustStore): Finding[] {
  return trustKeyring(trust, readKeyringFile(crypto, file, parseRoot(root)).replay, file);
}

/** How long a keyring change waits for another one on the same keyring to finish. */
const KEYRING_LOCK_WAIT_MS = 15_000;

/**
 * Runs a keyring change under the keyring's exclusive lock, `<keyring>.lock` (io/lock.ts;
 * docs/keys.md "Locking"). The change must read the keyring inside `change`, so it applies to
 * what the previous change wrote, or is refused when it no longer applies (a key already revoked,
 * a signer no longer active): two concurrent changes never both succeed with one lost (issue 12).
 */
export async function withKeyringLock<T>(file: string, command: string, change: () => Promise<T>): Promise<T> {
  // A missing keyring is a missing input (exit 66), not a lock that cannot be made beside it.
  try {
    fs.statSync(file);
  } catch (e) {
    throw readError(e, file, "keyring");
  }
  const release = acquireLock(`${file}.lock`, {
    what: "keyring lock",
    owner: command,
    waitMs: KEYRING_LOCK_WAIT_MS,
    heldAdvice: "another key change is under way on this keyring: run the command again when it has finished",
  });
  try {
    return await change();
  } finally {
    release();
  }
}

/** For the commands that extend a keyring (under {@link withKeyringLock}): refuses one that does not replay cleanly. */
export function loadKeyringForChange(crypto: CryptoProvider, file: string, root: Kid | undefined): LoadedKeyring & { keyring: Keyring } {
  const loaded = readKeyringFile(crypto, file, root);
  testPause("keyring-read");
  const { replay } = loaded;
  if (!replay.ok || replay.keyring === undefined) {
    const problems = replay.findings.filter((f) => f.effect === "invalid");
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((f) => `${f.code}${f.pointer ? ` [${f.pointer}]` : ""}${f.line !== undefined ? ` line ${f.line}` : ""}: ${f.message}`);
    const more = problems.length - listed.length + Object.values(replay.dropped).reduce((a, b) => a + b, 0);
    if (more > 0) listed.push(`... and ${more} more`);
    throw new CliError(ExitCode.dataError, `${file}: the keyring does not verify; refusing to extend it`, listed);
  }
  return { ...loaded, keyring: replay.keyring };
}

/** The signing key for a change, which must be an active key of the keyring (DESIGN §7). */
export function loadActiveSigner(crypto: CryptoProvider, keyFile: string | undefined, loaded: LoadedKeyring & { keyring: Keyring }): PrivateKey {
  const signer = loadSigningKey(crypto, keyFile);
  if (signer === undefined) {
    throw new CliError(ExitCode.usage, `no signing key: give --key-file <private jwk> (mode 0600) or set ${SIGNING_KEY_ENV}; it must be an active key of the keyring`);
  }
  const where = keyFile ?? SIGNING_KEY_ENV;
  const state = loaded.keyring.keys.find((k) => k.kid === signer.kid);
  if (state === undefined) throw new CliError(ExitCode.dataError, `${where}: key ${signer.kid} is not in ${loaded.file}; sign with one of its active keys`);
  if (state.status !== "active") {
    throw new CliError(ExitCode.dataError, `${where}: key ${signer.kid} is ${state.status} in ${loaded.file}; only an active key can change the keyring`);
  }
  return signer;
}

/**
 * Refuses early when a new private key's path is taken. Keys commands never replace a key file,
 * not even with --force (they have none): the file may be the only copy of a key that still signs.
 */
export function assertNewKeyPath(file: string, others: readonly string[] = []): void {
  for (const o of others) {
    if (path.resolve(o) === path.resolve(file)) throw new CliError(ExitCode.usage, `${file}: the new private key cannot go to the same path as ${o}`);
  }
  assertNewPath(file, "a private key is never overwritten: choose another path (or move the old file away yourself)", "private key");
}

/**
 * Exit 73 when `file` exists, with a message saying what to do instead. The keys commands have
 * no --force, so the generic "use --force" advice of assertWritable would be wrong here.
 */
export function assertNewPath(file: string, advice: string, what: string): void {
  if (fs.existsSync(file)) throw new CliError(ExitCode.cannotCreate, `${file}: already exists; ${advice}`, [], "output.exists");
  assertWritable(file, { what });
}

/** Writes a new private key: mode 0600, atomically, never over an existing file. */
export function writePrivateKeyFile(file: string, key: PrivateKey): void {
  writeFileAtomic(file, [privateJwkText(key)], { mode: 0o600, what: "private key" });
}

/** Writes a new keyring file (keys init): never over an existing one. */
export function writeNewKeyring(file: string, keyring: Keyring): void {
  writeFileAtomic(file, [serializeKeyring(keyring)], { what: "keyring" });
}

/**
 * Replaces a keyring with its extension, atomically. The keyring lock keeps other key changes
 * out; if the file changed anyway since it was read (a tool that does not take the lock, or a
 * person editing it), nothing is written: that change would otherwise be lost.
 */
export function replaceKeyring(loaded: LoadedKeyring, keyring: Keyring): void {
  const now = readInputBytes(loaded.file, "keyring");
  if (!bytesEqual(now, loaded.bytes)) {
    throw new CliError(ExitCode.cannotCreate, `${loaded.file}: the keyring changed while this command ran; nothing was written to it: run the command again`);
  }
  writeFileAtomic(loaded.file, [serializeKeyring(keyring)], { force: true, what: "keyring" });
}
