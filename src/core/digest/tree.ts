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
import { jcsStringRoom, writeJcsNumber, writeJcsString, type JcsByteWriter } from "../json/canonical.js";
import { appendPointer, escapeToken, type JsonPointer, ROOT_POINTER } from "../json/pointer.js";
import type { JsonObject, JsonValue } from "../json/value.js";

export const SALT_BYTES = 16;
export const SEED_BYTES = 32;

const TAG_LEAF = 0x00;
const TAG_OBJECT = 0x01;
const TAG_ARRAY = 0x02;

/*
 * Every node of every event is hashed (DESIGN §4: about 100 SHA-256 calls for a 1 KB event), so
 * the walk is built around the hash calls (docs/performance.md has the figures):
 *
 * - Node digests travel as the 32-character strings of CryptoProvider.sha256Latin1 (one
 *   character per byte), never as a byte array per node: a salt is the first 16 character codes,
 *   and a child's digest goes into its parent's input as hex, two bytes (four characters) per store.
 * - Hash inputs are written into reused buffers, never built as strings: a leaf's tag, salt and
 *   JCS text in `leafInput`; a container's body in the buffer of its level, written as its
 *   children return (member name and the child's digest). A container at level d owns levels[d]
 *   until it has hashed its body; its children use level d + 1 and up, so recursion never
 *   overwrites a pending input. `levelsInUse` is the first free level, restored by the public
 *   entry points even when a walk throws: a walk entered again from a DigestSource callback
 *   starts above every pending body.
 * - A buffer too small for an input grows (its pending bytes copied) and goes back to the
 *   default size after that hash, so one huge value does not keep a huge buffer alive.
 */
const SCRATCH_BYTES = 64 * 1024;
/** Views are cached up to this length: a new subarray per hash costs about a third of a small hash. */
const CACHED_VIEWS = 4096;

class Scratch {
  bytes = new Uint8Array(SCRATCH_BYTES);
  /** The same bytes, for writing a digest's hex four characters at a time. */
  data = new DataView(this.bytes.buffer);
  private views: (Uint8Array | undefined)[] = [];

  /** Makes room for `n` bytes, keeping the first `keep`. */
  room(n: number, keep: number): void {
    if (n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(n, 2 * this.bytes.length));
    bigger.set(this.bytes.subarray(0, keep));
    this.use(bigger);
  }

  /** The first n bytes, ready to hash. */
  head(n: number): Uint8Array {
    if (n > CACHED_VIEWS) return this.bytes.subarray(0, n);
    return (this.views[n] ??= this.bytes.subarray(0, n));
  }

  /** The digest of the first n bytes; a buffer that grew for them goes back to the default size. */
  hash(crypto: CryptoProvider, n: number): string {
    const digest = crypto.sha256Latin1(this.head(n));
    if (this.bytes.length > SCRATCH_BYTES) this.use(new Uint8Array(SCRATCH_BYTES));
    return digest;
  }

  private use(bytes: Uint8Array<ArrayBuffer>): void {
    this.bytes = bytes;
    this.data = new DataView(bytes.buffer);
    this.views = [];
  }
}

/** Leaf inputs: 0x00 || salt || JCS(v), hashed as soon as written. */
const leafInput = new Scratch();
/** Container bodies by level. */
const levels: Scratch[] = [];
let levelsInUse = 0;
/** One past the deepest level a walk has used: the nesting depth eventDigestAndDepth reports. */
let deepest = 0;

function level(d: number): Scratch {
  return (levels[d] ??= new Scratch());
}

/** Salt inputs, seed || pointer, for seedSalt and seedSource: the seed is written once per event, not per leaf. */
const saltInput = new Scratch();
/** The seed now at the start of saltInput (an array owned by a seedSource, never a caller's). */
let saltInputSeed: Uint8Array | undefined;

const encoder = new TextEncoder();
/** A byte as its two lowercase hex characters, the first in the low half (little-endian stores). */
const HEX_PAIR = new Uint16Array(256);
for (let b = 0; b < 256; b++) HEX_PAIR[b] = "0123456789abcdef".charCodeAt(b >> 4) | ("0123456789abcdef".charCodeAt(b & 15) << 8);
/** `,` + `"` + 64 hex digits + `"` of a child digest in a container body, and the closing bracket. */
const CHILD_ROOM = 68;

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

/** The first n bytes of a digest string. */
function digestBytes(digest: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = digest.charCodeAt(i);
  return out;
}

/** A 32-byte digest as a digest string. */
function digestString(bytes: Uint8Array): string {
  // A stand-in of another length would be hashed as some other text: a caller's bug, not data.
  if (bytes.length !== 32) throw new RangeError(`digest tree: a node digest is 32 bytes, got ${bytes.length}`);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Writes `"` + hex(digest) + `"` at `o` in the scratch's bytes; returns the end. */
function writeChild(s: Scratch, o: number, digest: string): number {
  const data = s.data;
  s.bytes[o] = 0x22;
  for (let i = 0; i < 32; i += 2) data.setUint32(o + 1 + 2 * i, HEX_PAIR[digest.charCodeAt(i)]! | (HEX_PAIR[digest.charCodeAt(i + 1)]! << 16), true);
  s.bytes[o + 65] = 0x22;
  return o + 66;
}

/** DESIGN §4: the salt of the leaf at pointer p, derived from the event's seed. */
export function seedSalt(crypto: CryptoProvider, seed: Uint8Array, p: JsonPointer): Uint8Array {
  // The caller's array may have changed since it was last written: always write it again.
  saltInputSeed = undefined;
  return saltOf(crypto, seed, p);
}

function saltOf(crypto: CryptoProvider, seed: Uint8Array, p: JsonPointer): Uint8Array {
  const n = seed.length + 3 * p.length;
  if (n > saltInput.bytes.length) {
    saltInput.room(n, 0);
    saltInputSeed = undefined;
  }
  const buf = saltInput.bytes;
  // The seed stays in the buffer after the hash: it is a copy of what the bundle record holds, in
  // memory anyway.
  if (saltInputSeed !== seed) {
    buf.set(seed, 0);
    saltInputSeed = seed;
  }
  const end = writeText(buf, seed.length, p);
  const salt = digestBytes(saltInput.hash(crypto, end), SALT_BYTES);
  // A buffer that grew for this pointer was replaced by a default one, without the seed.
  if (saltInput.bytes !== buf) saltInputSeed = undefined;
  return salt;
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

/**
 * Told about an event's leaves and member names during its digest walk (issue 14): the leak
 * detectors (DESIGN §9) ride the walk that visits every leaf anyway, and the node digest that
 * keys a finding's id is already there. `leafText` and `privateJwk` are called for every leaf and
 * object and must be cheap (detect/scan.ts: one prefilter); the rest only for a hit, and only
 * then is the pointer built. Calls come in the walk's order: at an object its JWK, its member
 * names in JCS order, then its children.
 */
export interface LeafScanner {
  /** The text to scan for a string or number leaf or member name, or undefined when it surely holds nothing. */
  leafText(v: string | number): string | undefined;
  /** Whether an object is a private JWK (its `d` is then reported with its node digest). */
  privateJwk(v: JsonObject): boolean;
  /** A leaf whose text was wanted, its pointer and node digest. */
  leaf(text: string, p: JsonPointer, digest: Uint8Array): void;
  /** The `d` of a private JWK: its pointer, value and node digest. */
  jwk(p: JsonPointer, d: string, digest: Uint8Array): void;
  /** A member name that was wanted: its index in JCS order and its object's pointer. */
  name(name: string, index: number, p: JsonPointer): void;
}

/** The scanner of the walk under way (set by eventDigestAndDepth, cleared by every other entry point). */
let scanner: LeafScanner | undefined;

/**
 * What a redaction takes from the digest walk that checks a disclosed record (issue 14): that walk
 * works out every salt and node digest of the event, and a share needs some of them (the salt of
 * each leaf it discloses, the node digest at each pointer it hides), so `proof redact` makes the
 * share from them instead of hashing the event a second time.
 *
 * Made from the outermost pointers to hide (each holding a value, none inside another, "" not
 * among them); the walk fills it in. Pointers are decoded from the walk's byte path only for
 * those leaves and nodes.
 */
export class ShareCapture {
  /**
   * The hidden pointers as a tree of reference tokens (a member name, or an index in decimal);
   * undefined for an event the share elides, of which only the event digest is wanted.
   */
  readonly root: HideNode | undefined;
  /** The node digest at each hidden pointer, as the walk met them. */
  readonly digests = new Map<JsonPointer, Uint8Array>();
  /** The salt of each disclosed leaf, in the walk's order. */
  readonly salts: [JsonPointer, Uint8Array][] = [];
  /** The event digest, once the walk has completed. */
  eventDigest: Uint8Array | undefined;

  /** `hide`: the hidden pointers' tokens, or "elide" for the event digest alone. */
  constructor(hide: readonly (readonly string[])[] | "elide") {
    if (hide === "elide") {
      this.root = undefined;
      return;
    }
    this.root = { hide: false, children: new Map() };
    for (const tokens of hide) {
      // Hiding the root is eliding (DESIGN §6): the event digest is all an elided record needs.
      if (tokens.length === 0) throw new RangeError("ShareCapture: the root is never a hidden pointer");
      let node = this.root;
      for (const t of tokens) {
        let next = node.children.get(t);
        if (next === undefined) node.children.set(t, (next = { hide: false, children: new Map() }));
        node = next;
      }
      node.hide = true;
    }
  }
}

interface HideNode {
  /** The node here is hidden: its digest is captured, nothing below it. */
  hide: boolean;
  children: Map<string, HideNode>;
}

/** Below this, every leaf is disclosed (no hidden pointer lies within). */
const DISCLOSED: HideNode = { hide: false, children: new Map() };

/** The capture of the walk under way (set by eventDigestAndDepth, cleared by every other entry point). */
let capturing: ShareCapture | undefined;

/**
 * Where the walk under way writes JCS(event) as it goes (set by eventDigestAndDepth, cleared by
 * every other entry point). Export writes each record as JCS, and the walk already writes every
 * leaf's JCS into its hash input and visits names in JCS order (issue 14: the record was encoded a
 * second time): the leaves' bytes are copied from the hash input, names and punctuation written.
 */
let emitting: JcsByteWriter | undefined;

/** What rides along an event's digest walk (eventDigestAndDepth). */
export interface WalkAlong {
  /** The leak detectors (export). */
  scanner?: LeafScanner;
  /** What a redaction takes from the walk (redact). */
  capture?: ShareCapture;
  /** Gets JCS(event) appended (export). */
  jcs?: JcsByteWriter;
}

export function seedSource(crypto: CryptoProvider, seed: Uint8Array): DigestSource {
  // A private copy: saltOf writes a seed into its buffer once and then trusts the array's identity.
  const own = seed.slice();
  return { salt: (p) => saltOf(crypto, own, p), redacted: () => undefined };
}

const ZERO_SALT = new Uint8Array(SALT_BYTES);

/** N(v, p) per DESIGN §4, as raw 32 bytes. */
export function nodeDigest(crypto: CryptoProvider, v: JsonValue, p: JsonPointer, source: DigestSource): Uint8Array {
  const base = levelsInUse;
  const outer = scanner;
  const outerCapture = capturing;
  const outerEmit = emitting;
  scanner = undefined;
  capturing = undefined;
  emitting = undefined;
  try {
    return digestBytes(sourceWalk(crypto, v, p, source), 32);
  } finally {
    levelsInUse = base;
    scanner = outer;
    capturing = outerCapture;
    emitting = outerEmit;
  }
}

/** N(v, p) as a digest string, with salts and stand-ins from `source`. */
function sourceWalk(crypto: CryptoProvider, v: JsonValue, p: JsonPointer, source: DigestSource): string {
  const stand = source.redacted(p);
  if (stand !== undefined) return digestString(stand);
  if (v === null || typeof v !== "object") {
    let salt = source.salt(p);
    if (salt === undefined) {
      source.missingSalt?.(p);
      salt = ZERO_SALT;
    }
    const buf = leafInput.bytes;
    for (let i = 0; i < SALT_BYTES; i++) buf[1 + i] = salt[i]!;
    const digest = leafHash(crypto, v);
    if (scanner !== undefined && (typeof v === "string" || typeof v === "number")) {
      const text = scanner.leafText(v);
      if (text !== undefined) scanner.leaf(text, p, digestBytes(digest, 32));
    }
    return digest;
  }
  const d = levelsInUse++;
  if (d >= deepest) deepest = d + 1;
  const body = level(d);
  let o = 0;
  if (Array.isArray(v)) {
    body.bytes[o++] = TAG_ARRAY;
    body.bytes[o++] = 0x5b; // [
    for (let i = 0; i < v.length; i++) {
      const digest = sourceWalk(crypto, v[i]!, appendPointer(p, i), source);
      o = appendElement(body, o, i, digest);
    }
    body.bytes[o++] = 0x5d; // ]
  } else {
    body.bytes[o++] = TAG_OBJECT;
    body.bytes[o++] = 0x7b; // {
    const names = sortedNames(v);
    if (scanner !== undefined) scanObject(crypto, scanner, v, names, p, source);
    for (let i = 0; i < names.length; i++) {
      const k = names[i]!;
      const digest = sourceWalk(crypto, v[k]!, appendPointer(p, k), source);
      o = appendMember(body, o, i, k, digest);
    }
    body.bytes[o++] = 0x7d; // }
  }
  levelsInUse = d;
  return body.hash(crypto, o);
}

/** Appends the i-th element's digest to an array body at `o`; returns the end. */
function appendElement(body: Scratch, o: number, i: number, digest: string): number {
  body.room(o + CHILD_ROOM, o);
  if (i > 0) body.bytes[o++] = 0x2c; // ,
  return writeChild(body, o, digest);
}

/** Appends the i-th member, name k, and its digest to an object body at `o`; returns the end. */
function appendMember(body: Scratch, o: number, i: number, k: string, digest: string): number {
  body.room(o + 2 + jcsStringRoom(k) + CHILD_ROOM, o);
  const buf = body.bytes;
  if (i > 0) buf[o++] = 0x2c; // ,
  o = writeJcsString(buf, o, k);
  buf[o++] = 0x3a; // :
  return writeChild(body, o, digest);
}

/**
 * Member names in JCS order: UTF-16 code units, which is both Array.prototype.sort's default and
 * the `<` of strings. Bundles are written as JCS, so names nearly always arrive in that order:
 * one pass checks it and skips the sort.
 */
function sortedNames(v: { readonly [k: string]: JsonValue }): string[] {
  const names = Object.keys(v);
  for (let i = 1; i < names.length; i++) {
    if (!(names[i - 1]! < names[i]!)) return names.sort();
  }
  return names;
}

/** digest(event) = N(event, "") for a disclosed record, with what rides along its walk. */
export function eventDigest(crypto: CryptoProvider, event: JsonValue, seed: Uint8Array, along: WalkAlong = {}): Uint8Array {
  return eventDigestAndDepth(crypto, event, seed, along).digest;
}

/**
 * digest(event), and the event's nestingDepth found on the way: the verifier checks both
 * (DESIGN §4: events nest at most 60 levels) without walking the event twice.
 */
export function eventDigestAndDepth(crypto: CryptoProvider, event: JsonValue, seed: Uint8Array, along: WalkAlong = {}): { digest: Uint8Array; depth: number } {
  // One byte path (pathInput) and one depth count: a scanner or a source must not start another
  // event's walk from its callbacks (it may compute any node digest).
  if (seedWalking) throw new Error("digest tree: eventDigestAndDepth is not re-entrant");
  seedWalking = true;
  const base = levelsInUse;
  deepest = base;
  const outer = scanner;
  const outerCapture = capturing;
  const outerEmit = emitting;
  const capture = along.capture;
  scanner = along.scanner;
  capturing = capture;
  emitting = along.jcs;
  try {
    pathInput.room(seed.length, 0);
    pathInput.bytes.set(seed, 0);
    const digest = seedWalk(crypto, event, seed, seed.length, capture?.root);
    const bytes = digestBytes(digest, 32);
    if (capture) capture.eventDigest = bytes;
    return { digest: bytes, depth: deepest - base };
  } finally {
    levelsInUse = base;
    scanner = outer;
    capturing = outerCapture;
    emitting = outerEmit;
    seedWalking = false;
    if (pathInput.bytes.length > SCRATCH_BYTES) pathInput = new Scratch();
  }
}

/*
 * The same tree as sourceWalk with a seedSource, for the hot path (every event of an export or a
 * verify): the salt input seed || UTF8(p) is kept in pathInput as a byte path that grows and
 * shrinks with the walk, so no pointer string is built per node and the seed is written once per
 * event. It grows for a long path (and goes back to its default size after that event).
 * test/perf/tree-buffers.test.ts checks both walks against each other and a plain reference.
 */
let pathInput = new Scratch();
/** An event's walk on pathInput is under way (eventDigestAndDepth). */
let seedWalking = false;
const pathDecoder = new TextDecoder();

/**
 * N(v, p) as a digest string, where pathInput holds seed || UTF8(p) in its first `end` bytes.
 * `hide` is where p stands in the capture's hidden pointers (undefined when nothing is captured).
 */
function seedWalk(crypto: CryptoProvider, v: JsonValue, seed: Uint8Array, end: number, hide: HideNode | undefined): string {
  if (hide !== undefined && hide.hide) {
    const digest = seedWalk(crypto, v, seed, end, undefined);
    capturing!.digests.set(pathOf(seed, end), digestBytes(digest, 32));
    return digest;
  }
  if (v === null || typeof v !== "object") {
    // salt(p): the first 16 bytes of H(seed || UTF8(p)).
    const salt = crypto.sha256Latin1(pathInput.head(end));
    const buf = leafInput.bytes;
    for (let i = 0; i < SALT_BYTES; i++) buf[1 + i] = salt.charCodeAt(i);
    const digest = leafHash(crypto, v, emitting);
    if (scanner !== undefined && (typeof v === "string" || typeof v === "number")) {
      const text = scanner.leafText(v);
      if (text !== undefined) scanner.leaf(text, pathOf(seed, end), digestBytes(digest, 32));
    }
    // A disclosed leaf (a hidden pointer that would go on below a leaf holds no value: never asked for).
    if (hide !== undefined) capturing!.salts.push([pathOf(seed, end), digestBytes(salt, SALT_BYTES)]);
    return digest;
  }
  const d = levelsInUse++;
  if (d >= deepest) deepest = d + 1;
  const body = level(d);
  let o = 0;
  const out = emitting;
  if (Array.isArray(v)) {
    body.bytes[o++] = TAG_ARRAY;
    body.bytes[o++] = 0x5b; // [
    out?.byte(0x5b);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out?.byte(0x2c); // ,
      // "/" + at most 16 digits of an index.
      pathInput.room(end + 17, end);
      const path = pathInput.bytes;
      path[end] = 0x2f; // /
      const digest = seedWalk(crypto, v[i]!, seed, writeIndex(path, end + 1, i), hide && below(hide, i));
      o = appendElement(body, o, i, digest);
    }
    body.bytes[o++] = 0x5d; // ]
    out?.byte(0x5d);
  } else {
    body.bytes[o++] = TAG_OBJECT;
    body.bytes[o++] = 0x7b; // {
    out?.byte(0x7b);
    const names = sortedNames(v);
    if (scanner !== undefined) scanObject(crypto, scanner, v, names, undefined, undefined, seed, end);
    for (let i = 0; i < names.length; i++) {
      const k = names[i]!;
      if (out !== undefined) {
        if (i > 0) out.byte(0x2c); // ,
        out.value(k);
        out.byte(0x3a); // :
      }
      // "/" + the escaped name, at most 3 UTF-8 bytes per UTF-16 unit (2 for "~0" and "~1").
      pathInput.room(end + 1 + 3 * k.length, end);
      const path = pathInput.bytes;
      path[end] = 0x2f; // /
      const digest = seedWalk(crypto, v[k]!, seed, writeToken(path, end + 1, k), hide && below(hide, k));
      o = appendMember(body, o, i, k, digest);
    }
    body.bytes[o++] = 0x7d; // }
    out?.byte(0x7d);
  }
  levelsInUse = d;
  return body.hash(crypto, o);
}

/** Where the child `token` (a member name, or an array index) stands among the hidden pointers. */
function below(hide: HideNode, token: string | number): HideNode {
  return hide === DISCLOSED ? DISCLOSED : (hide.children.get(String(token)) ?? DISCLOSED);
}

/*
 * A partial record's walk (a share, DESIGN §4, §6), for the verifier: the same tree as sourceWalk,
 * but the pointer of the node is kept as its UTF-8 bytes in pointerPath, growing and shrinking with
 * the walk as seedWalk's path does, and the PathSource is asked by those bytes. No pointer string
 * is built per node (issue 14); a source decodes one (pathPointer) only when it needs it.
 * test/core/verify/partial-walk.test.ts checks it against the sourceWalk it replaces there.
 */
/** The pointer of the node pathWalk is at, as UTF-8: grows for a long path, as pathInput does. */
let pointerPath = new Scratch();
let pathWalking = false;

/** A DigestSource asked by a pointer's UTF-8 bytes, `path[0, end)`, which are valid only during the call. */
export interface PathSource {
  /**
   * Writes the salt of the scalar at that pointer into `out` at `at` (SALT_BYTES bytes) and returns
   * true, or returns false when the record does not carry it.
   */
  salt(path: Uint8Array, end: number, out: Uint8Array, at: number): boolean;
  /**
   * Bit (n mod 32) set when some stand-in's pointer is n bytes long: `redacted` is asked only at
   * those lengths (most nodes are ruled out without a call).
   */
  readonly standInLengths: number;
  /** A node digest that stands in for the (redacted) value at that pointer, if any. */
  redacted(path: Uint8Array, end: number): Uint8Array | undefined;
  /** Called for a scalar whose salt is missing; the digest then cannot match the signed one. */
  missingSalt(path: Uint8Array, end: number): void;
}

/** The pointer whose UTF-8 bytes are `path[0, end)`, as a PathSource is given it. */
export function pathPointer(path: Uint8Array, end: number): JsonPointer {
  return pathDecoder.decode(path.subarray(0, end)) as JsonPointer;
}

/**
 * N(event, "") of a partial record, with salts and stand-ins from `source`, and the nesting depth
 * of what the walk visited (a stand-in's value is not visited). Not re-entrant: a source must not
 * start another partialEventDigest from its callbacks (it may compute any other digest).
 */
export function partialEventDigest(crypto: CryptoProvider, event: JsonValue, source: PathSource): { digest: Uint8Array; depth: number } {
  if (pathWalking) throw new Error("digest tree: partialEventDigest is not re-entrant");
  pathWalking = true;
  const base = levelsInUse;
  deepest = base;
  const outer = scanner;
  scanner = undefined;
  try {
    const digest = pathWalk(crypto, event, source, 0);
    return { digest: digestBytes(digest, 32), depth: deepest - base };
  } finally {
    levelsInUse = base;
    scanner = outer;
    pathWalking = false;
    if (pointerPath.bytes.length > SCRATCH_BYTES) pointerPath = new Scratch();
  }
}

/** N(v, p) as a digest string, where pointerPath holds UTF8(p) in its first `end` bytes. */
function pathWalk(crypto: CryptoProvider, v: JsonValue, source: PathSource, end: number): string {
  if ((source.standInLengths & (1 << (end & 31))) !== 0) {
    const stand = source.redacted(pointerPath.bytes, end);
    if (stand !== undefined) return digestString(stand);
  }
  if (v === null || typeof v !== "object") {
    const buf = leafInput.bytes;
    if (!source.salt(pointerPath.bytes, end, buf, 1)) {
      source.missingSalt(pointerPath.bytes, end);
      for (let i = 0; i < SALT_BYTES; i++) buf[1 + i] = ZERO_SALT[i]!;
    }
    return leafHash(crypto, v);
  }
  const d = levelsInUse++;
  if (d >= deepest) deepest = d + 1;
  const body = level(d);
  let o = 0;
  if (Array.isArray(v)) {
    body.bytes[o++] = TAG_ARRAY;
    body.bytes[o++] = 0x5b; // [
    for (let i = 0; i < v.length; i++) {
      // "/" + at most 16 digits of an index; a child may have grown the buffer, so it is read again.
      pointerPath.room(end + 17, end);
      const path = pointerPath.bytes;
      path[end] = 0x2f; // /
      const digest = pathWalk(crypto, v[i]!, source, writeIndex(path, end + 1, i));
      o = appendElement(body, o, i, digest);
    }
    body.bytes[o++] = 0x5d; // ]
  } else {
    body.bytes[o++] = TAG_OBJECT;
    body.bytes[o++] = 0x7b; // {
    const names = sortedNames(v);
    for (let i = 0; i < names.length; i++) {
      const k = names[i]!;
      // "/" + the escaped name, at most 3 UTF-8 bytes per UTF-16 unit (2 for "~0" and "~1").
      pointerPath.room(end + 1 + 3 * k.length, end);
      const path = pointerPath.bytes;
      path[end] = 0x2f; // /
      const digest = pathWalk(crypto, v[k]!, source, writeToken(path, end + 1, k));
      o = appendMember(body, o, i, k, digest);
    }
    body.bytes[o++] = 0x7d; // }
  }
  levelsInUse = d;
  return body.hash(crypto, o);
}

/** Writes a non-negative integer in decimal at `o`; returns the end. */
function writeIndex(buf: Uint8Array, o: number, i: number): number {
  if (i < 10) {
    buf[o] = 0x30 + i;
    return o + 1;
  }
  const digits = String(i);
  for (let j = 0; j < digits.length; j++) buf[o + j] = digits.charCodeAt(j);
  return o + digits.length;
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

/**
 * The scanner's look at an object, before its children: a private JWK's `d` (its node digest
 * worked out here, two hashes, for these rare objects), then the member names. The pointer is
 * `p`, or for seedWalk (p and source undefined) the path in pathInput's first `end` bytes after
 * `seed`, decoded only on a hit.
 */
function scanObject(
  crypto: CryptoProvider,
  s: LeafScanner,
  v: JsonObject,
  names: readonly string[],
  p: JsonPointer | undefined,
  source: DigestSource | undefined,
  seed?: Uint8Array,
  end = 0,
): void {
  const at = (): JsonPointer => (p ??= pathOf(seed!, end));
  if (s.privateJwk(v)) {
    const dp = appendPointer(at(), "d");
    if (source === undefined || source.redacted(dp) === undefined) {
      // As the detectors key the id: the leaf's salt from the seed or the source, zero when the
      // source lacks it (no missingSalt: the walk reports that when it gets to the leaf).
      const salt = source === undefined ? seedSalt(crypto, seed!, dp) : (source.salt(dp) ?? ZERO_SALT);
      const buf = leafInput.bytes;
      for (let i = 0; i < SALT_BYTES; i++) buf[1 + i] = salt[i]!;
      const d = v.d as string;
      s.jwk(dp, d, digestBytes(leafHash(crypto, d), 32));
    }
  }
  for (let i = 0; i < names.length; i++) {
    if (s.leafText(names[i]!) !== undefined) s.name(names[i]!, i, at());
  }
}

/**
 * H(0x00 || salt || JCS(v)) as a digest string, for a string, number, boolean or null, with the
 * salt already in leafInput's bytes 1..16; JCS(v) is also appended to `out` when given (before
 * the hash, which may let a grown buffer go).
 */
function leafHash(crypto: CryptoProvider, v: string | number | boolean | null, out?: JcsByteWriter): string {
  let o = 1 + SALT_BYTES;
  leafInput.bytes[0] = TAG_LEAF;
  if (typeof v === "string") {
    leafInput.room(o + jcsStringRoom(v), o);
    o = writeJcsString(leafInput.bytes, o, v);
  } else if (typeof v === "number") {
    // writeJcsNumber refuses what JSON cannot hold (NaN, Infinity); it writes at most 25 bytes.
    o = writeJcsNumber(leafInput.bytes, o, v);
  } else if (v === null || v === true || v === false) {
    const buf = leafInput.bytes;
    const text = v === null ? "null" : v ? "true" : "false";
    for (let i = 0; i < text.length; i++) buf[o++] = text.charCodeAt(i);
  } else {
    // A hand-built value (undefined, an array hole, a function, a bigint) has no JCS: refused as canonicalize refuses it.
    throw new TypeError(`cannot canonicalize a value of type ${typeof v}: expected a JSON value`);
  }
  out?.raw(leafInput.bytes, 1 + SALT_BYTES, o);
  return leafInput.hash(crypto, o);
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
