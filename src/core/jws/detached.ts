/**
 * Detached-payload JWS with Ed25519 (RFC 7515 General JSON Serialization, RFC 8037; DESIGN §5).
 * The protected header is exactly {"alg":"Ed25519","kid":K,"typ":T}, written as b64u(JCS(header)).
 * Verifiers accept the older alg name "EdDSA" and nothing else; any other member is refused.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { b64uDecode, b64uEncode } from "../encoding/base64url.js";
import { decodeUtf8Strict, utf8 } from "../encoding/utf8.js";
import { canonicalize } from "../json/canonical.js";
import { JsonSyntaxError, parseJson } from "../json/parse.js";
import { hasMember, isJsonObject, type JsonValue } from "../json/value.js";
import { isKid, type Kid, type PrivateKey, type PublicKey } from "./jwk.js";

export type JwsType = "imladri-statement+json" | "imladri-redaction+json" | "imladri-rotation+json";

/** One entry of a JWS General JSON Serialization's `signatures`, payload detached. */
export interface JwsSignature {
  protected: string;
  signature: string;
}

export function signDetached(crypto: CryptoProvider, key: PrivateKey, payload: Uint8Array, typ: JwsType): JwsSignature {
  const header = canonicalize({ alg: "Ed25519", kid: key.kid, typ });
  const protectedB64 = b64uEncode(utf8(header));
  const signature = crypto.ed25519Sign(key.seed, signingInput(protectedB64, payload));
  return { protected: protectedB64, signature: b64uEncode(signature) };
}

function signingInput(protectedB64: string, payload: Uint8Array): Uint8Array {
  return utf8(protectedB64 + "." + b64uEncode(payload));
}

export type EntryProblemCode =
  | "signature.malformed-entry"
  | "signature.header-malformed"
  | "signature.header-member"
  | "signature.alg"
  | "signature.typ"
  | "signature.kid"
  | "signature.encoding";

export type ReadEntryResult =
  | { ok: true; kid: Kid; protectedB64: string; signature: Uint8Array }
  | { ok: false; code: EntryProblemCode; message: string; pointer: string };

/**
 * Checks one signatures[] entry's shape and protected header, strictly. Pointers are relative to
 * the entry. Nothing in the entry ever supplies a key (DESIGN §5: no key is taken from a bundle).
 */
export function readSignatureEntry(entry: JsonValue | undefined, typ: JwsType): ReadEntryResult {
  if (!isJsonObject(entry)) return { ok: false, code: "signature.malformed-entry", message: "a signature entry must be an object", pointer: "" };
  for (const name of Object.keys(entry)) {
    if (name !== "protected" && name !== "signature") {
      return {
        ok: false,
        code: "signature.malformed-entry",
        message: `unexpected member "${name}" beside the signature (only "protected" and "signature" are allowed)`,
        pointer: "/" + name,
      };
    }
  }
  if (typeof entry.protected !== "string") return { ok: false, code: "signature.malformed-entry", message: 'missing "protected" string', pointer: "/protected" };
  if (typeof entry.signature !== "string") return { ok: false, code: "signature.malformed-entry", message: 'missing "signature" string', pointer: "/signature" };
  const sig = b64uDecode(entry.signature);
  if (sig === undefined || sig.length !== 64) {
    return { ok: false, code: "signature.encoding", message: "the signature must be 64 bytes of strict unpadded base64url", pointer: "/signature" };
  }
  const headerBytes = b64uDecode(entry.protected);
  const headerText = headerBytes === undefined ? undefined : decodeUtf8Strict(headerBytes);
  if (headerText === undefined) {
    return { ok: false, code: "signature.header-malformed", message: "the protected header is not strict base64url of UTF-8", pointer: "/protected" };
  }
  let header: JsonValue;
  try {
    header = parseJson(headerText);
  } catch (e) {
    const why = e instanceof JsonSyntaxError ? e.message : String(e);
    return { ok: false, code: "signature.header-malformed", message: `the protected header is not strict JSON: ${why}`, pointer: "/protected" };
  }
  if (!isJsonObject(header)) return { ok: false, code: "signature.header-malformed", message: "the protected header must be a JSON object", pointer: "/protected" };
  for (const name of Object.keys(header)) {
    if (name !== "alg" && name !== "kid" && name !== "typ") {
      return {
        ok: false,
        code: "signature.header-member",
        message: `the protected header has a forbidden member "${name}" (exactly alg, kid and typ are allowed)`,
        pointer: "/protected",
      };
    }
  }
  if (header.alg !== "Ed25519" && header.alg !== "EdDSA") {
    return { ok: false, code: "signature.alg", message: `alg ${JSON.stringify(header.alg ?? null)} is not accepted (expected "Ed25519")`, pointer: "/protected" };
  }
  if (header.typ !== typ) {
    return { ok: false, code: "signature.typ", message: `typ ${JSON.stringify(header.typ ?? null)} is not "${typ}"`, pointer: "/protected" };
  }
  if (!hasMember(header, "kid") || !isKid(header.kid)) {
    return { ok: false, code: "signature.kid", message: "kid must be an RFC 7638 thumbprint (43 base64url characters)", pointer: "/protected" };
  }
  // Writers emit b64u(JCS(header)); any other spelling is a different byte string that no
  // imladri writer produces, so it is refused rather than silently accepted.
  if (canonicalize(header) !== headerText) {
    return { ok: false, code: "signature.header-malformed", message: "the protected header is not in canonical (JCS) form", pointer: "/protected" };
  }
  return { ok: true, kid: header.kid, protectedB64: entry.protected, signature: sig };
}

export function verifyDetached(crypto: CryptoProvider, key: PublicKey, protectedB64: string, signature: Uint8Array, payload: Uint8Array): boolean {
  return crypto.ed25519Verify(key.raw, signingInput(protectedB64, payload), signature);
}
