/**
 * The event ids of a log seen so far, and the line of each one's first use (DESIGN §3: ids are
 * unique within a log; a duplicate names the first line), in memory that does not hold the ids.
 *
 * Issue 14: a Map of every id string was most of what an export of a million events kept (about
 * 100 MB). Here each id is kept as the first 16 bytes of SHA-256(UTF-8(id)) with its line, in an
 * open-addressing table of typed arrays: 24 bytes a slot, at most half the slots used (about 48 MB
 * at a million ids). Two different ids share those 128 bits with probability about n²/2^129
 * (under 10^-26 at a million ids), so a match is taken for the same id.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { utf8 } from "../encoding/utf8.js";

const WORDS = 4;

export class IdIndex {
  private keys: Uint32Array;
  /** The line of each slot's id; 0 marks an empty slot (lines count from 1). */
  private lines: Float64Array;
  private used = 0;

  constructor(
    private readonly crypto: CryptoProvider,
    slots = 1 << 12,
  ) {
    // Slots are found with a mask: any other count would leave some unreachable.
    if (!(Number.isSafeInteger(slots) && slots >= 2 && (slots & (slots - 1)) === 0)) throw new RangeError("IdIndex: slots must be a power of two");
    this.keys = new Uint32Array(slots * WORDS);
    this.lines = new Float64Array(slots);
  }

  /** How many distinct ids are kept. */
  get size(): number {
    return this.used;
  }

  /** The line where `id` was first used, or undefined: then it is kept as first used on `line`. */
  firstUse(id: string, line: number): number | undefined {
    if (!(line >= 1)) throw new RangeError("IdIndex: lines count from 1");
    const h = this.crypto.sha256Latin1(utf8(id));
    const k0 = word(h, 0);
    const k1 = word(h, 4);
    const k2 = word(h, 8);
    const k3 = word(h, 12);
    const mask = this.lines.length - 1;
    for (let slot = k0 & mask; ; slot = (slot + 1) & mask) {
      const at = this.lines[slot]!;
      if (at === 0) break;
      const w = slot * WORDS;
      if (this.keys[w] === k0 && this.keys[w + 1] === k1 && this.keys[w + 2] === k2 && this.keys[w + 3] === k3) return at;
    }
    if (2 * (this.used + 1) > this.lines.length) this.grow();
    this.put(k0, k1, k2, k3, line);
    this.used++;
    return undefined;
  }

  private put(k0: number, k1: number, k2: number, k3: number, line: number): void {
    const mask = this.lines.length - 1;
    let slot = k0 & mask;
    while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
    const w = slot * WORDS;
    this.keys[w] = k0;
    this.keys[w + 1] = k1;
    this.keys[w + 2] = k2;
    this.keys[w + 3] = k3;
    this.lines[slot] = line;
  }

  private grow(): void {
    const keys = this.keys;
    const lines = this.lines;
    this.keys = new Uint32Array(keys.length * 2);
    this.lines = new Float64Array(lines.length * 2);
    for (let slot = 0; slot < lines.length; slot++) {
      if (lines[slot] === 0) continue;
      const w = slot * WORDS;
      this.put(keys[w]!, keys[w + 1]!, keys[w + 2]!, keys[w + 3]!, lines[slot]!);
    }
  }
}

/** Bytes i..i+3 of a digest string (one character per byte) as a 32-bit word. */
function word(digest: string, i: number): number {
  return ((digest.charCodeAt(i) << 24) | (digest.charCodeAt(i + 1) << 16) | (digest.charCodeAt(i + 2) << 8) | digest.charCodeAt(i + 3)) >>> 0;
}
