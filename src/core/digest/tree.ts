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
import { canonicalize } from "../json/canonical.js";
import { appendPointer, escapeToken, type JsonPointer, ROOT_POINTER } from "../json/pointer.js";
import type { JsonValue } from "../json/value.js";

export const SALT_BYTES = 16;
export const SEED_BYTES = 32;

const TAG_LEAF = 0x00;
const TAG_OBJECT = 0x01;
const TAG_ARRAY = 0x02;

/*
 * Every node of every event is hashed (DESIGN §4: about 100 SHA-256 calls for a 1 KB event), so the
 * hash inputs are assembled in reused buffers instead of as strings and byte arrays per node: tag,
 * salt and JCS text for a leaf; the member names and the children's hex digests for a container.
 * A buffer is only written right before its hash, after every nested call for that node has
 * returned, so recursion never overwrites a pending input. An input larger than the buffer (a very
 * long string, an object with thousands of members) gets a one-off buffer. docs/performance.md
 * has the figures.
 */
const SCRATCH_BYTES = 64 * 1024;
/** Views are cached up to this length: a new subarray per hash costs about a third of the hash. */
const CACHED_VIEWS = 4096;

class Scratch {
  readonly bytes = new Uint8Array(SCRATCH_BYTES);
  private readonly views: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(CACHED_VIEWS + 1);

  /** This buffer when n bytes fit, else a one-off buffer of n bytes. */
  room(n: number): Uint8Array {
    return n <= SCRATCH_BYTES ? this.bytes : new Uint8Array(n);
  }

  /** The first n bytes of buf (this buffer or a one-off one), ready to hash. */
  head(buf: Uint8Array, n: number): Uint8Array {
    if (buf !== this.bytes || n > CACHED_VIEWS) return buf.subarray(0, n);
    return (this.views[n] ??= this.bytes.subarray(0, n));
  }
}

/** Leaf and container inputs. */
const nodeInput = new Scratch();
/** Salt inputs, seed || pointer: a separate buffer, so one event's seed is written once, not per leaf. */
const saltInput = new Scratch();
/** The seed now at the start of saltInput (an array owned by a seedSource, never a caller's). */
let saltInputSeed: Uint8Array | undefined;

const encoder = new TextEncoder();
const HEX_CODES = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** `"` + 64 hex digits + `"` of a child digest in a container body. */
const QUOTED_HEX = 66;

/** Writes `s` as UTF-8 at `o` (room for 3 bytes per UTF-16 unit is the caller's); returns the end. */
function writeText(buf: Uint8Array, o: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      const r = encoder.encodeInto(s, buf.subarray(o));
      // encodeInto stops silently when the buffer is full; a truncated input would be a wrong digest.
      if (r.read !== n) throw new RangeError("digest tree: hash input buffer too small");
      return o + r.written;
    }
    buf[o + i] = c;
  }
  return o + n;
}

/** True when JSON writes `s` as `"` + s + `"`: printable ASCII without `"` or `\`. */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** Room for JCS(s) of a string: at most 6 bytes per UTF-16 unit (`\u001f`), plus the quotes. */
function jsonStringRoom(s: string): number {
  return 6 * s.length + 2;
}

/** Writes JCS(s) of a string at `o`; returns the end. */
function writeJsonString(buf: Uint8Array, o: number, s: string): number {
  if (!plainAscii(s)) return writeText(buf, o, canonicalize(s));
  buf[o++] = 0x22;
  for (let i = 0; i < s.length; i++) buf[o++] = s.charCodeAt(i);
  buf[o++] = 0x22;
  return o;
}

function writeQuotedHex(buf: Uint8Array, o: number, digest: Uint8Array): number {
  buf[o++] = 0x22;
  for (let i = 0; i < digest.length; i++) {
    const b = digest[i]!;
    buf[o++] = HEX_CODES[b >> 4]!;
    buf[o++] = HEX_CODES[b & 15]!;
  }
  buf[o++] = 0x22;
  return o;
}

/** DESIGN §4: the salt of the leaf at pointer p, derived from the event's seed. */
export function seedSalt(crypto: CryptoProvider, seed: Uint8Array, p: JsonPointer): Uint8Array {
  // The caller's array may have changed since it was last written: always write it again.
  saltInputSeed = undefined;
  return saltOf(crypto, seed, p);
}

function saltOf(crypto: CryptoProvider, seed: Uint8Array, p: JsonPointer): Uint8Array {
  const buf = saltInput.room(seed.length + 3 * p.length);
  // The seed stays in the buffer after the hash: it is a copy of what the bundle record holds, in
  // memory anyway. A one-off buffer always gets it written.
  if (buf !== saltInput.bytes || saltInputSeed !== seed) {
    buf.set(seed, 0);
    saltInputSeed = buf === saltInput.bytes ? seed : undefined;
  }
  const end = writeText(buf, seed.length, p);
  return crypto.sha256(saltInput.head(buf, end)).subarray(0, SALT_BYTES);
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
  // A private copy: saltOf writes a seed into its buffer once and then trusts the array's identity.
  const own = seed.slice();
  return { salt: (p) => saltOf(crypto, own, p), redacted: () => undefined };
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
    return leafHash(crypto, salt, v);
  }
  if (Array.isArray(v)) {
    const children: Uint8Array[] = new Array<Uint8Array>(v.length);
    for (let i = 0; i < v.length; i++) children[i] = nodeDigest(crypto, v[i]!, appendPointer(p, i), source);
    return arrayHash(crypto, children);
  }
  // JCS sorts member names by UTF-16 code units, which is what Array.prototype.sort does.
  const names = Object.keys(v).sort();
  const children: Uint8Array[] = new Array<Uint8Array>(names.length);
  for (let i = 0; i < names.length; i++) children[i] = nodeDigest(crypto, v[names[i]!]!, appendPointer(p, names[i]!), source);
  return objectHash(crypto, names, children);
}

/** digest(event) = N(event, "") for a disclosed record. */
export function eventDigest(crypto: CryptoProvider, event: JsonValue, seed: Uint8Array): Uint8Array {
  if (seed.length > PATH_ROOM) return nodeDigest(crypto, event, ROOT_POINTER, seedSource(crypto, seed));
  pathInput.bytes.set(seed, 0);
  return seedWalk(crypto, event, seed, seed.length);
}

/*
 * The same tree as nodeDigest with a seedSource, for the hot path (every event of an export or a
 * verify): the salt input seed || UTF8(p) is kept in pathInput as a byte path that grows and
 * shrinks with the walk, so no pointer string is built per node and the seed is written once per
 * event. A path that would not fit falls back to nodeDigest for that subtree.
 * test/perf/tree-buffers.test.ts checks both walks against each other and a plain reference.
 */
const PATH_ROOM = SCRATCH_BYTES;
const pathInput = new Scratch();
const pathDecoder = new TextDecoder();

/** N(v, p) where pathInput holds seed || UTF8(p) in its first `end` bytes. */
function seedWalk(crypto: CryptoProvider, v: JsonValue, seed: Uint8Array, end: number): Uint8Array {
  const buf = pathInput.bytes;
  if (v === null || typeof v !== "object") {
    // salt(p): the first 16 bytes of the digest (leafHash copies no more).
    return leafHash(crypto, crypto.sha256(pathInput.head(buf, end)), v);
  }
  if (Array.isArray(v)) {
    const children: Uint8Array[] = new Array<Uint8Array>(v.length);
    for (let i = 0; i < v.length; i++) {
      const index = String(i);
      if (end + 1 + index.length > PATH_ROOM) {
        children[i] = nodeDigest(crypto, v[i]!, appendPointer(pathOf(seed, end), i), seedSource(crypto, seed));
        continue;
      }
      buf[end] = 0x2f; // /
      for (let j = 0; j < index.length; j++) buf[end + 1 + j] = index.charCodeAt(j);
      children[i] = seedWalk(crypto, v[i]!, seed, end + 1 + index.length);
    }
    return arrayHash(crypto, children);
  }
  const names = Object.keys(v).sort();
  const children: Uint8Array[] = new Array<Uint8Array>(names.length);
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    // "/" + the escaped name, at most 3 UTF-8 bytes per UTF-16 unit (2 for "~0" and "~1").
    if (end + 1 + 3 * k.length > PATH_ROOM) {
      children[i] = nodeDigest(crypto, v[k]!, appendPointer(pathOf(seed, end), k), seedSource(crypto, seed));
      continue;
    }
    buf[end] = 0x2f; // /
    children[i] = seedWalk(crypto, v[k]!, seed, writeToken(buf, end + 1, k));
  }
  return objectHash(crypto, names, children);
}

/** Writes an RFC 6901 reference token (~ as ~0, / as ~1) as UTF-8 at `o`; returns the end. */
function writeToken(buf: Uint8Array, o: number, k: string): number {
  const start = o;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    // Beyond ASCII: write the whole escaped token again from its start (the ASCII bytes already
    // written are overwritten), so the path is exactly UTF8(pointer) as DESIGN §4 hashes it.
    if (c >= 0x80) return writeText(buf, start, escapeToken(k));
    if (c === 0x7e) {
      buf[o++] = 0x7e; // ~0
      buf[o++] = 0x30;
    } else if (c === 0x2f) {
      buf[o++] = 0x7e; // ~1
      buf[o++] = 0x31;
    } else buf[o++] = c;
  }
  return o;
}

/** The pointer whose bytes pathInput holds after the seed. */
function pathOf(seed: Uint8Array, end: number): JsonPointer {
  return pathDecoder.decode(pathInput.bytes.subarray(seed.length, end)) as JsonPointer;
}

/** H(0x00 || salt || JCS(v)) for a string, number, boolean or null; the salt's first 16 bytes are used. */
function leafHash(crypto: CryptoProvider, salt: Uint8Array, v: string | number | boolean | null): Uint8Array {
  let buf: Uint8Array;
  let o = 1 + SALT_BYTES;
  if (typeof v === "string") {
    buf = nodeInput.room(o + jsonStringRoom(v));
    o = writeJsonString(buf, o, v);
  } else {
    // canonicalize refuses what JSON cannot hold (NaN, Infinity); numbers, booleans and null are ASCII.
    const text = canonicalize(v);
    buf = nodeInput.room(o + text.length);
    for (let i = 0; i < text.length; i++) buf[o++] = text.charCodeAt(i);
  }
  buf[0] = TAG_LEAF;
  for (let i = 0; i < SALT_BYTES; i++) buf[1 + i] = salt[i]!;
  return crypto.sha256(nodeInput.head(buf, o));
}

/** H(0x02 || JCS([hex, ...])) over the children's digests. */
function arrayHash(crypto: CryptoProvider, children: readonly Uint8Array[]): Uint8Array {
  const n = children.length;
  const buf = nodeInput.room(3 + n * (QUOTED_HEX + 1));
  let o = 0;
  buf[o++] = TAG_ARRAY;
  buf[o++] = 0x5b; // [
  for (let i = 0; i < n; i++) {
    if (i > 0) buf[o++] = 0x2c; // ,
    o = writeQuotedHex(buf, o, children[i]!);
  }
  buf[o++] = 0x5d; // ]
  return crypto.sha256(nodeInput.head(buf, o));
}

/** H(0x01 || JCS({name: hex, ...})) over the sorted names and their children's digests. */
function objectHash(crypto: CryptoProvider, names: readonly string[], children: readonly Uint8Array[]): Uint8Array {
  const n = names.length;
  let size = 3;
  for (let i = 0; i < n; i++) size += jsonStringRoom(names[i]!) + 1 + QUOTED_HEX + 1;
  const buf = nodeInput.room(size);
  let o = 0;
  buf[o++] = TAG_OBJECT;
  buf[o++] = 0x7b; // {
  for (let i = 0; i < n; i++) {
    if (i > 0) buf[o++] = 0x2c; // ,
    o = writeJsonString(buf, o, names[i]!);
    buf[o++] = 0x3a; // :
    o = writeQuotedHex(buf, o, children[i]!);
  }
  buf[o++] = 0x7d; // }
  return crypto.sha256(nodeInput.head(buf, o));
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
