/**
 * The event ids of a log seen so far, and the line of each one's first use (DESIGN §3: ids are
 * unique within a log; a duplicate names the first line), in memory that does not hold the ids.
 *
 * Issue 14: a Map of every id string was most of what an export of a million events kept (about
 * 100 MB). Here each id is kept as a 64-bit fingerprint with its line, in an open-addressing table
 * of typed arrays: 12 bytes a slot, at most half the slots used (25 MB at a million ids; it was
 * 48 MB with 128-bit digests and 64-bit lines, docs/performance.md).
 *
 * The fingerprint is the first 8 bytes of SHA-256(key || UTF-8(id)), with a key drawn at random
 * for each index. The same id always has the same fingerprint, so a duplicate is never missed.
 * Two different ids share one with probability about n²/2^65 (3·10^-8 at a million ids), and
 * then the second is refused as a duplicate it is not: a refusal, never an acceptance. The key
 * is secret and new on every run, so no log can be written to collide on purpose (a 64-bit
 * truncation of a known hash could be, with about 2^32 work), and a run that met a collision by
 * chance does not meet it again (docs/spec.md §3).
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { utf8 } from "../encoding/utf8.js";

const KEY_BYTES = 16;
/** A line at or past this is kept in `far` (a log of four billion lines is not refused). */
const FAR = 0xffff_ffff;

export class IdIndex {
  /** Two 32-bit words of fingerprint per slot. */
  private keys: Uint32Array;
  /** The line of each slot's id (FAR: see `far`); 0 marks an empty slot (lines count from 1). */
  private lines: Uint32Array;
  /** Lines from FAR on, by fingerprint. */
  private readonly far = new Map<string, number>();
  private readonly key: Uint8Array;
  private used = 0;

  constructor(
    private readonly crypto: CryptoProvider,
    slots = 1 << 12,
  ) {
    // Slots are found with a mask: any other count would leave some unreachable.
    if (!(Number.isSafeInteger(slots) && slots >= 2 && (slots & (slots - 1)) === 0)) throw new RangeError("IdIndex: slots must be a power of two");
    this.keys = new Uint32Array(slots * 2);
    this.lines = new Uint32Array(slots);
    this.key = crypto.randomBytes(KEY_BYTES);
  }

  /** How many distinct ids are kept. */
  get size(): number {
    return this.used;
  }

  /** The line where `id` was first used, or undefined: then it is kept as first used on `line`. */
  firstUse(id: string, line: number): number | undefined {
    if (!(Number.isSafeInteger(line) && line >= 1)) throw new RangeError("IdIndex: lines count from 1");
    const bytes = utf8(id);
    const input = new Uint8Array(KEY_BYTES + bytes.length);
    input.set(this.key);
    input.set(bytes, KEY_BYTES);
    const h = this.crypto.sha256Latin1(input);
    const k0 = word(h, 0);
    const k1 = word(h, 4);
    const mask = this.lines.length - 1;
    for (let slot = k0 & mask; ; slot = (slot + 1) & mask) {
      const at = this.lines[slot]!;
      if (at === 0) break;
      if (this.keys[2 * slot] === k0 && this.keys[2 * slot + 1] === k1) return at === FAR ? this.far.get(`${k0}:${k1}`) : at;
    }
    if (2 * (this.used + 1) > this.lines.length) this.grow();
    if (line >= FAR) this.far.set(`${k0}:${k1}`, line);
    this.put(k0, k1, Math.min(line, FAR));
    this.used++;
    return undefined;
  }

  private put(k0: number, k1: number, line: number): void {
    const mask = this.lines.length - 1;
    let slot = k0 & mask;
    while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
    this.keys[2 * slot] = k0;
    this.keys[2 * slot + 1] = k1;
    this.lines[slot] = line;
  }

  private grow(): void {
    const keys = this.keys;
    const lines = this.lines;
    this.keys = new Uint32Array(keys.length * 2);
    this.lines = new Uint32Array(lines.length * 2);
    for (let slot = 0; slot < lines.length; slot++) {
      if (lines[slot] !== 0) this.put(keys[2 * slot]!, keys[2 * slot + 1]!, lines[slot]!);
    }
  }
}

/** Bytes i..i+3 of a digest string (one character per byte) as a 32-bit word. */
function word(digest: string, i: number): number {
  return ((digest.charCodeAt(i) << 24) | (digest.charCodeAt(i + 1) << 16) | (digest.charCodeAt(i + 2) << 8) | digest.charCodeAt(i + 3)) >>> 0;
}
