/**
 * Ed25519 JWKs (RFC 8037) and their RFC 7638 thumbprints. Keys are checked once, at the
 * boundary: canonical encoding and no small-order point (DESIGN §5).
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { checkEd25519PublicKey } from "../crypto/ed25519-key.js";
import { b64uDecode, b64uEncode } from "../encoding/base64url.js";
import { bytesEqual, utf8 } from "../encoding/utf8.js";
import { hasMember, isJsonObject, type JsonValue } from "../json/value.js";

/** An RFC 7638 thumbprint, base64url, 43 characters: the `kid` of every key. */
export type Kid = string & { readonly __brand: "Kid" };

export interface PublicKey {
  kid: Kid;
  /** base64url of the 32 raw bytes. */
  x: string;
  raw: Uint8Array;
}

export interface PrivateKey extends PublicKey {
  /** The 32-byte secret seed. Never printed, never logged. */
  readonly seed: Uint8Array;
}

export type KeyResult<T> = { ok: true; key: T; hadPrivatePart: boolean } | { ok: false; message: string };

export function isKid(v: unknown): v is Kid {
  return typeof v === "string" && /^[A-Za-z0-9_-]{43}$/.test(v);
}

/** RFC 7638: SHA-256 over {"crv","kty","x"} in lexicographic order, no whitespace. */
export function thumbprint(crypto: CryptoProvider, x: string): Kid {
  const json = `{"crv":"Ed25519","kty":"OKP","x":${JSON.stringify(x)}}`;
  return b64uEncode(crypto.sha256(utf8(json))) as Kid;
}

export function publicKeyFromRaw(crypto: CryptoProvider, raw: Uint8Array): PublicKey {
  const x = b64uEncode(raw);
  return { kid: thumbprint(crypto, x), x, raw };
}

/** The public JWK of a key, as written to keyrings and `.pub.jwk` files. */
export function publicJwk(key: PublicKey): { kty: "OKP"; crv: "Ed25519"; x: string; kid: Kid } {
  return { kty: "OKP", crv: "Ed25519", x: key.x, kid: key.kid };
}

/**
 * Reads a JWK that must hold an Ed25519 public key. A private JWK is accepted for its public part
 * (`hadPrivatePart` tells the caller to warn), its `d` is not kept.
 */
export function readPublicJwk(crypto: CryptoProvider, v: JsonValue): KeyResult<PublicKey> {
  const common = readCommon(crypto, v);
  if (!common.ok) return common;
  return { ok: true, key: common.key, hadPrivatePart: isJsonObject(v) && hasMember(v, "d") };
}

/** Reads a private Ed25519 JWK (with `d`); `x`, when present, must match `d`. */
export function readPrivateJwk(crypto: CryptoProvider, v: JsonValue): KeyResult<PrivateKey> {
  if (!isJsonObject(v)) return { ok: false, message: "a JWK must be a JSON object" };
  if (!hasMember(v, "d")) return { ok: false, message: 'not a private key: the JWK has no "d" member' };
  if (v.kty !== "OKP" || v.crv !== "Ed25519") return { ok: false, message: 'expected an Ed25519 key ("kty":"OKP","crv":"Ed25519")' };
  const seed = typeof v.d === "string" ? b64uDecode(v.d) : undefined;
  if (seed === undefined || seed.length !== 32) return { ok: false, message: '"d" must be 32 bytes of unpadded base64url' };
  const raw = crypto.ed25519PublicKey(seed);
  if (hasMember(v, "x")) {
    const x = typeof v.x === "string" ? b64uDecode(v.x) : undefined;
    if (x === undefined || !bytesEqual(x, raw)) return { ok: false, message: '"x" does not match "d": the file is damaged or mixes two keys' };
  }
  const pub = publicKeyFromRaw(crypto, raw);
  if (hasMember(v, "kid") && v.kid !== pub.kid) return { ok: false, message: `"kid" is not the RFC 7638 thumbprint of the key (expected ${pub.kid})` };
  return { ok: true, key: { ...pub, seed }, hadPrivatePart: true };
}

function readCommon(crypto: CryptoProvider, v: JsonValue): KeyResult<PublicKey> {
  if (!isJsonObject(v)) return { ok: false, message: "a JWK must be a JSON object" };
  if (v.kty !== "OKP") return { ok: false, message: `expected "kty":"OKP" (an Ed25519 key), got ${JSON.stringify(v.kty ?? null)}` };
  if (v.crv !== "Ed25519") return { ok: false, message: `expected "crv":"Ed25519", got ${JSON.stringify(v.crv ?? null)}` };
  const raw = typeof v.x === "string" ? b64uDecode(v.x) : undefined;
  if (raw === undefined || raw.length !== 32) return { ok: false, message: '"x" must be 32 bytes of unpadded base64url' };
  const check = checkEd25519PublicKey(raw);
  if (!check.ok) return { ok: false, message: `unusable public key: ${check.message}` };
  const key = publicKeyFromRaw(crypto, raw);
  if (hasMember(v, "kid") && v.kid !== key.kid) return { ok: false, message: `"kid" is not the RFC 7638 thumbprint of the key (expected ${key.kid})` };
  return { ok: true, key, hadPrivatePart: false };
}
