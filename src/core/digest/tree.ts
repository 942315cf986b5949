/**
 * The digest tree of one event (DESIGN §4, normative).
 *
 *   salt(p) = first 16 bytes of H(seed || UTF8(p))
 *   N(v, p) = H(0x00 || salt(p) || JCS(v))                          for a scalar
 *           = H(0x01 || JCS({ k: hex(N(v[k], p/esc(k))) }))         for an object
 *           = H(0x02 || JCS([ hex(N(v[i], p/i)) ]))                 for an array
 *
 * Every leaf has its own salt, so any subtree can be replaced by its node digest in a share
 * without re-signing and without exposing a guessable hash.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { canonicalBytes } from "../json/canonical.js";
import { appendPointer, type JsonPointer, ROOT_POINTER } from "../json/pointer.js";
import type { JsonValue } from "../json/value.js";
import { toHex } from "../encoding/hex.js";
import { utf8 } from "../encoding/utf8.js";

export const SALT_BYTES = 16;
export const SEED_BYTES = 32;

const TAG_LEAF = Uint8Array.of(0x00);
const TAG_OBJECT = Uint8Array.of(0x01);
const TAG_ARRAY = Uint8Array.of(0x02);

/** DESIGN §4: the salt of the leaf at pointer p, derived from the event's seed. */
export function seedSalt(crypto: CryptoProvider, seed: Uint8Array, p: JsonPointer): Uint8Array {
  return crypto.sha256Parts([seed, utf8(p)]).subarray(0, SALT_BYTES);
}

/**
 * Where the tree gets what it cannot compute from the value alone. For a full record both come
 * from the seed; for a partial record (a share) salts and redacted digests come from the record.
 */
export interface DigestSource {
  /** The salt of the scalar at p, or undefined when the record does not carry it. */
  salt(p: JsonPointer): Uint8Array | undefined;
  /** A node digest that stands in for the (redacted) value at p, if any. */
  redacted(p: JsonPointer): Uint8Array | undefined;
  /** Called for a scalar whose salt is missing; the digest then cannot match the signed one. */
  missingSalt?(p: JsonPointer): void;
}

export function seedSource(crypto: CryptoProvider, seed: Uint8Array): DigestSource {
  return { salt: (p) => seedSalt(crypto, seed, p), redacted: () => undefined };
}

const ZERO_SALT = new Uint8Array(SALT_BYTES);

/** N(v, p) per DESIGN §4, as raw 32 bytes. */
export function nodeDigest(crypto: CryptoProvider, v: JsonValue, p: JsonPointer, source: DigestSource): Uint8Array {
  const stand = source.redacted(p);
  if (stand !== undefined) return stand;
  if (v === null || typeof v !== "object") {
    let salt = source.salt(p);
    if (salt === undefined) {
      source.missingSalt?.(p);
      salt = ZERO_SALT;
    }
    return crypto.sha256Parts([TAG_LEAF, salt, canonicalBytes(v)]);
  }
  if (Array.isArray(v)) {
    let body = "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) body += ",";
      body += '"' + toHex(nodeDigest(crypto, v[i]!, appendPointer(p, i), source)) + '"';
    }
    return crypto.sha256Parts([TAG_ARRAY, utf8(body + "]")]);
  }
  // JCS sorts member names by UTF-16 code units, which is what Array.prototype.sort does.
  const names = Object.keys(v).sort();
  let body = "{";
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (i > 0) body += ",";
    body += JSON.stringify(k) + ':"' + toHex(nodeDigest(crypto, v[k]!, appendPointer(p, k), source)) + '"';
  }
  return crypto.sha256Parts([TAG_OBJECT, utf8(body + "}")]);
}

/** digest(event) = N(event, "") for a disclosed record. */
export function eventDigest(crypto: CryptoProvider, event: JsonValue, seed: Uint8Array): Uint8Array {
  return nodeDigest(crypto, event, ROOT_POINTER, seedSource(crypto, seed));
}

/** Nesting depth with the root container at level 1 (DESIGN §2, §4: events nest at most 60). */
export function nestingDepth(v: JsonValue): number {
  if (v === null || typeof v !== "object") return 0;
  let max = 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  for (const c of children) {
    const d = nestingDepth(c);
    if (d > max) max = d;
  }
  return max + 1;
}

export const MAX_EVENT_DEPTH = 60;
