/**
 * The Node CryptoProvider: node:crypto (OpenSSL) for SHA-256 and Ed25519, several times faster than
 * the portable noble provider. Both must give identical answers; test/core/crypto/vectors.test.ts
 * runs every public vector through each.
 *
 * @example
 * import { nodeCrypto } from "../platform/node-crypto.js";
 * const ok = nodeCrypto.ed25519Verify(rawPublicKey, message, signature);
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hash,
  randomFillSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { decodeEd25519PublicKey } from "../core/crypto/ed25519-key.js";
import type { CryptoProvider } from "../core/crypto/provider.js";

/** A plain Uint8Array over a Buffer's bytes: a Buffer's `slice` shares memory, a Uint8Array's copies. */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// --- SHA-256 -------------------------------------------------------------------------------------

/**
 * crypto.hash (Node >= 20.12) is a one-shot digest without a Hash object: the fastest path. Asked
 * for a "buffer" it allocates an external ArrayBuffer per call, which costs more than hashing a
 * small input; a latin1 ("binary") string is cheaper. The digest tree (about 100 hashes per event,
 * docs/performance.md) takes that string as it is.
 */
function sha256Latin1(data: Uint8Array): string {
  return hash("sha256", data, "binary"); // "binary" is latin1: one char per byte
}

/** Copied into a 32-byte (on-heap) Uint8Array: about 2.5x faster than asking for a "buffer". */
function sha256(data: Uint8Array): Uint8Array {
  const s = sha256Latin1(data);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Digest nodes and chain links hash a few small parts (a tag byte, a salt, a digest, a JCS text).
 * Copying them into one reused buffer and hashing once beats a Hash object with an update per part;
 * larger inputs stream through createHash instead of being copied.
 */
const SCRATCH = new Uint8Array(16 * 1024);

function sha256Parts(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  if (total <= SCRATCH.length) {
    let o = 0;
    for (const part of parts) {
      SCRATCH.set(part, o);
      o += part.length;
    }
    const digest = sha256(SCRATCH.subarray(0, total));
    // Seeds pass through here (DESIGN §4: salt = H(seed || pointer)); do not leave them lying around.
    SCRATCH.fill(0, 0, total);
    return digest;
  }
  const h = createHash("sha256");
  for (const part of parts) h.update(part);
  return plain(h.digest());
}

// --- Ed25519 -------------------------------------------------------------------------------------

// RFC 8410 DER wrappers for a raw Ed25519 key: SubjectPublicKeyInfo and PKCS #8 OneAsymmetricKey.
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * Imported public keys by hex of their raw bytes; `null` remembers a refused key. Bounded, least
 * recently used first out: a verifier checks many signatures by a handful of keys.
 */
const KEY_CACHE_LIMIT = 256;
const keyCache = new Map<string, KeyObject | null>();

function publicKeyObject(raw: Uint8Array): KeyObject | null {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("hex");
  const cached = keyCache.get(id);
  if (cached !== undefined) {
    keyCache.delete(id);
    keyCache.set(id, cached);
    return cached;
  }
  // DESIGN §5: OpenSSL accepts small-order and non-canonical keys (and a small-order key makes it
  // accept forged signatures), so the shared admission check runs first, as in the noble provider.
  let key: KeyObject | null = null;
  if (decodeEd25519PublicKey(raw).ok) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
    } catch {
      key = null;
    }
  }
  if (keyCache.size >= KEY_CACHE_LIMIT) {
    const oldest = keyCache.keys().next().value;
    if (oldest !== undefined) keyCache.delete(oldest);
  }
  keyCache.set(id, key);
  return key;
}

/**
 * RFC 8032 §5.1.7, strict and cofactorless: OpenSSL refuses S >= L and compares the encoding of
 * [S]B - [k]A with R byte for byte (so a non-canonical R never matches).
 */
function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const key = publicKeyObject(publicKey);
  if (key === null) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** Secret keys are imported per call and never cached; the DER copy of the seed is wiped. */
function privateKeyObject(secretSeed: Uint8Array): KeyObject {
  if (secretSeed.length !== 32) throw new RangeError(`Ed25519 secret seed is ${secretSeed.length} bytes; expected 32`);
  const der = Buffer.concat([PKCS8_PREFIX, secretSeed]);
  try {
    return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  } finally {
    der.fill(0);
  }
}

function ed25519Sign(secretSeed: Uint8Array, message: Uint8Array): Uint8Array {
  return plain(sign(null, message, privateKeyObject(secretSeed)));
}

function ed25519PublicKey(secretSeed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(secretSeed)).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(SPKI_PREFIX.length));
}

/** randomFillSync fills at most 2^31 - 1 bytes per call; more than any caller here asks for. */
function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`randomBytes: bad length ${n}`);
  return randomFillSync(new Uint8Array(n));
}

export const nodeCrypto: CryptoProvider = {
  name: "node",
  sha256,
  sha256Latin1,
  sha256Parts,
  sha256Stream: () => {
    const h = createHash("sha256");
    const stream = { update: (d: Uint8Array) => (h.update(d), stream), digest: () => plain(h.digest()) };
    return stream;
  },
  ed25519Verify,
  ed25519Sign,
  ed25519PublicKey,
  randomBytes,
};
