/**
 * The portable CryptoProvider: @noble/hashes and @noble/ed25519, for browsers and any runtime with
 * `globalThis.crypto.getRandomValues`. Pure core: no runtime-specific imports.
 *
 * @example
 * import { nobleCrypto } from "./noble.js";
 * const digest = nobleCrypto.sha256(utf8("abc"));
 */
import { Point, getPublicKey, hashes, sign } from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { toHex } from "../encoding/hex.js";
import { bytesEqual } from "../encoding/utf8.js";
import { decodeEd25519PublicKey } from "./ed25519-key.js";
import type { CryptoProvider } from "./provider.js";

// @noble/ed25519's synchronous API needs a SHA-512; it ships none of its own.
hashes.sha512 = sha512;

/** Order of the prime-order subgroup, L = 2^252 + 27742317777372353535851937790883648493. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function littleEndian(bytes: Uint8Array): bigint {
  return BigInt("0x" + toHex(bytes.slice().reverse()));
}

/**
 * RFC 8032 §5.1.7, strict and cofactorless, the same algorithm as OpenSSL (the Node provider):
 *  - the key must pass the DESIGN §5 admission check (canonical, not small order);
 *  - S must be below L (no malleability);
 *  - R is not decoded: [S]B - [k]A is encoded and compared to R byte for byte, which refuses a
 *    non-canonical or off-curve R without a second decoder.
 * noble's own `verify` (even with `zip215: false`) checks the cofactored equation
 * [8][S]B = [8]R + [8][k]A, which accepts signatures whose R carries a small-order component that
 * OpenSSL refuses; two verifiers must never disagree on a bundle, so this one follows OpenSSL.
 */
function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const key = decodeEd25519PublicKey(publicKey);
  if (!key.ok) return false;
  const r = signature.subarray(0, 32);
  const s = littleEndian(signature.subarray(32, 64));
  if (s >= L) return false;
  const k = littleEndian(sha512.create().update(r).update(publicKey).update(message).digest()) % L;
  // multiply(_, false): variable time is fine for public inputs, and it admits the scalar 0.
  const rCheck = Point.BASE.multiply(s, false).subtract(key.point.multiply(k, false));
  return bytesEqual(rCheck.toBytes(), r);
}

/** getRandomValues fills at most 65536 bytes per call (Web Crypto). */
const RANDOM_CHUNK = 65536;

function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`randomBytes: bad length ${n}`);
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += RANDOM_CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + RANDOM_CHUNK)));
  }
  return out;
}

function checkSeed(secretSeed: Uint8Array): void {
  if (secretSeed.length !== 32) throw new RangeError(`Ed25519 secret seed is ${secretSeed.length} bytes; expected 32`);
}

export const nobleCrypto: CryptoProvider = {
  name: "noble",
  sha256: (data) => sha256(data),
  sha256Latin1: (data) => String.fromCharCode.apply(null, sha256(data) as unknown as number[]),
  sha256Stream: () => {
    const h = sha256.create();
    const stream = { update: (d: Uint8Array) => (h.update(d), stream), digest: () => h.digest() };
    return stream;
  },
  sha256Parts(parts) {
    const h = sha256.create();
    for (const part of parts) h.update(part);
    return h.digest();
  },
  ed25519Verify,
  ed25519Sign(secretSeed, message) {
    checkSeed(secretSeed);
    return sign(message, secretSeed);
  },
  ed25519PublicKey(secretSeed) {
    checkSeed(secretSeed);
    return getPublicKey(secretSeed);
  },
  randomBytes,
};
