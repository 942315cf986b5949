/**
 * The event tree (DESIGN §12, normative): an RFC 9162 §2.1 Merkle Tree Hash over the event
 * digests, with the leaf and node prefix bytes as parameters, so the same code runs the event tree
 * (0x05/0x06) and the RFC's own vectors (0x00/0x01):
 *
 *   MTH(empty) = H();  MTH({d}) = H(leaf || d);
 *   MTH(D[n]) = H(node || MTH(D[0:k]) || MTH(D[k:n]))   k the largest power of two < n
 *
 * Memory (docs/spec.md "The tree"): {@link MerkleBuilder} keeps one subtree root per set bit of
 * the size (a stack of at most 53 roots), so a tree of any size is computed while streaming.
 * Proofs for a few leaves of a large tree are made in the same single pass: every node a path or
 * a consistency proof needs is either a complete aligned subtree, which the builder forms exactly
 * once and hands to a {@link SubtreeCapture} asking for it, or a range that ends at the tree's
 * size, which is a fold of the builder's final stack. So a proof costs O(log n) memory, never the
 * 32 bytes per leaf that holding every digest would.
 *
 * Sizes and indexes are JS numbers up to 2^53 - 1 (DESIGN §2), so no bit operators (32-bit) here.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { bytesEqual } from "../encoding/utf8.js";

/** The two prefix bytes of a tree. */
export interface TreePrefixes {
  readonly leaf: number;
  readonly node: number;
}

/** DESIGN §12: the event tree's prefixes, apart from the digest tree's (0x00–0x02) and the chain's (0x03–0x04). */
export const EVENT_TREE: TreePrefixes = { leaf: 0x05, node: 0x06 };
/** RFC 9162 §2.1.1's own prefixes, for its test vectors. */
export const RFC9162_TREE: TreePrefixes = { leaf: 0x00, node: 0x01 };

/** A tree's hashing: leaf and interior node hashes under one pair of prefixes. */
export class TreeHasher {
  private readonly leafTag: Uint8Array;
  private readonly nodeTag: Uint8Array;

  constructor(
    readonly crypto: CryptoProvider,
    prefixes: TreePrefixes,
  ) {
    this.leafTag = Uint8Array.of(prefixes.leaf);
    this.nodeTag = Uint8Array.of(prefixes.node);
  }

  /** MTH of no leaves: the hash of no bytes. */
  empty(): Uint8Array {
    return this.crypto.sha256(new Uint8Array(0));
  }

  leaf(data: Uint8Array): Uint8Array {
    return this.crypto.sha256Parts([this.leafTag, data]);
  }

  node(left: Uint8Array, right: Uint8Array): Uint8Array {
    return this.crypto.sha256Parts([this.nodeTag, left, right]);
  }
}

/** The largest power of two strictly below n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A range [start, end) of leaves whose MTH a proof needs. */
export interface LeafRange {
  start: number;
  end: number;
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/**
 * The ranges whose MTHs make the inclusion path of leaf `index` in a tree of `size` leaves, leaf
 * side first (RFC 9162 §2.1.3.1, PATH(m, D[n])). Each is a complete aligned subtree or ends at
 * `size` (see the module comment).
 */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) throw new RangeError(`inclusion: index ${index} is not a leaf of a tree of ${size}`);
  const out: LeafRange[] = [];
  let start = 0;
  let end = size;
  let m = index;
  // Walks from the root down; the path lists siblings from the leaf up, so it is reversed.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      out.push({ start: start + k, end });
      end = start + k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  return out.reverse();
}

/**
 * The ranges whose MTHs make the consistency proof from size `m` to size `n`, in proof order
 * (RFC 9162 §2.1.4.1, PROOF(m, D[n]) = SUBPROOF(m, D[n], true)); 0 < m ≤ n. Empty when m = n.
 */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!(Number.isSafeInteger(m) && Number.isSafeInteger(n) && m > 0 && m <= n)) throw new RangeError(`consistency: no proof from size ${m} to size ${n}`);
  const out: LeafRange[] = [];
  // SUBPROOF(m, D[start:end], b), unrolled: the recursion appends after the inner call, so the
  // ranges found on the way down are listed innermost first.
  const trail: LeafRange[] = [];
  let start = 0;
  let end = n;
  let sub = m;
  let b = true;
  for (;;) {
    const len = end - start;
    if (sub === len) {
      if (!b) out.push({ start, end });
      break;
    }
    const k = splitPoint(len);
    if (sub <= k) {
      trail.push({ start: start + k, end });
      end = start + k;
    } else {
      trail.push({ start, end: start + k });
      start += k;
      sub -= k;
      b = false;
    }
  }
  return out.concat(trail.reverse());
}

/**
 * Receives the complete aligned subtrees a {@link MerkleBuilder} forms, and keeps the ones it
 * was asked for. Ask with {@link want} before the leaves of that subtree are pushed.
 */
export class SubtreeCapture {
  /** Wanted subtrees by their end, then by size. */
  private readonly wanted = new Map<number, Map<number, Uint8Array | undefined>>();

  /** Asks for `range`; `known` is its root when it was formed already (see ProofPlanner.wantInclusion). */
  want(range: LeafRange, known?: Uint8Array): void {
    const size = range.end - range.start;
    let bySize = this.wanted.get(range.end);
    if (bySize === undefined) this.wanted.set(range.end, (bySize = new Map()));
    if (known !== undefined) bySize.set(size, known);
    else if (!bySize.has(size)) bySize.set(size, undefined);
  }

  /** Called by the builder for each subtree it forms: leaves [end - size, end). */
  offer(end: number, size: number, hash: Uint8Array): void {
    const bySize = this.wanted.get(end);
    if (bySize?.has(size)) bySize.set(size, hash);
  }

  get(range: LeafRange): Uint8Array | undefined {
    return this.wanted.get(range.end)?.get(range.end - range.start);
  }

  get empty(): boolean {
    return this.wanted.size === 0;
  }
}

/**
 * MTH computed while streaming: push each leaf's data (an event digest) in order; `root()` at any
 * point is the MTH of the leaves so far. Keeps one root per complete subtree of the size's binary
 * decomposition, largest first.
 */
export class MerkleBuilder {
  private readonly roots: Uint8Array[] = [];
  private readonly sizes: number[] = [];
  private count = 0;

  constructor(
    private readonly hasher: TreeHasher,
    private readonly capture?: SubtreeCapture,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Adds the next leaf, given its data (the event digest); the leaf hash is computed here. */
  push(data: Uint8Array): void {
    this.pushLeafHash(this.hasher.leaf(data));
  }

  /** Adds the next leaf, given its leaf hash (RFC vectors give those). */
  pushLeafHash(leafHash: Uint8Array): void {
    let hash = leafHash;
    let size = 1;
    this.count++;
    const capture = this.capture && !this.capture.empty ? this.capture : undefined;
    capture?.offer(this.count, 1, hash);
    // Two equal subtrees on top of the stack merge into one twice their size (the tree is left-full).
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      hash = this.hasher.node(this.roots.pop()!, hash);
      size += this.sizes.pop()!;
      capture?.offer(this.count, size, hash);
    }
    this.roots.push(hash);
    this.sizes.push(size);
  }

  /** MTH of the leaves so far. */
  root(): Uint8Array {
    return this.rootFrom(0);
  }

  /** The root of the complete subtree `range` when it is one of the stack's now, else undefined. */
  stackRoot(range: LeafRange): Uint8Array | undefined {
    let start = 0;
    for (let i = 0; i < this.roots.length; i++) {
      const end = start + this.sizes[i]!;
      if (start === range.start && end === range.end) return this.roots[i];
      start = end;
    }
    return undefined;
  }

  /**
   * MTH of the leaves [start, size), where `start` is a boundary of the stack (a range a proof
   * asks for that ends at the current size always is).
   */
  rootFrom(start: number): Uint8Array {
    if (this.roots.length === 0) return this.hasher.empty();
    let i = this.roots.length - 1;
    let first = this.count - this.sizes[i]!;
    let r = this.roots[i]!;
    while (first > start) {
      i--;
      if (i < 0) break;
      r = this.hasher.node(this.roots[i]!, r);
      first -= this.sizes[i]!;
    }
    if (first !== start) throw new RangeError(`internal: leaf ${start} does not start a subtree of the tree of ${this.count}`);
    return r;
  }
}


/**
 * A complete aligned subtree: 2^h leaves from a multiple of 2^h. The builder forms each exactly
 * once; every other range a proof needs ends at the tree's size and starts at a boundary of the
 * builder's final stack (the right parts of RFC 9162's splits of a range that ends there).
 */
function isComplete(r: LeafRange): boolean {
  const len = r.end - r.start;
  return isPowerOfTwo(len) && r.start % len === 0;
}

/**
 * Proofs for a tree that is streamed once: say which proofs are wanted before pushing the leaves
 * (they all refer to the final size), push every leaf, then read the proofs.
 */
export class ProofPlanner {
  readonly capture = new SubtreeCapture();
  readonly builder: MerkleBuilder;

  constructor(
    hasher: TreeHasher,
    /** The size the proofs are for: every leaf must be pushed before a proof is read. */
    readonly size: number,
  ) {
    this.builder = new MerkleBuilder(hasher, this.capture);
  }

  /**
   * Asks for the inclusion path of `index`, before leaf `index` is pushed. It may be asked for as
   * late as just before that leaf: the path's siblings to its left are then exactly the builder's
   * stack (the decomposition of [0, index)), taken as they are; the rest are formed later. So a
   * writer can choose events by their contents as they stream by.
   */
  wantInclusion(index: number): void {
    if (index < this.builder.size) throw new Error(`internal: the path of leaf ${index} was asked for after it was pushed`);
    for (const r of inclusionRanges(index, this.size)) {
      if (!isComplete(r)) continue;
      if (r.end > this.builder.size) this.capture.want(r);
      else {
        const root = this.builder.stackRoot(r);
        if (root === undefined) throw new Error(`internal: the subtree [${r.start}, ${r.end}) is not on the stack at leaf ${index}`);
        this.capture.want(r, root);
      }
    }
    this.capture.want({ start: index, end: index + 1 });
  }

  wantConsistency(m: number): void {
    if (m === this.size) return;
    for (const r of consistencyRanges(m, this.size)) if (isComplete(r)) this.capture.want(r);
  }

  inclusion(index: number): Uint8Array[] {
    return inclusionRanges(index, this.size).map((r) => this.node(r));
  }

  consistency(m: number): Uint8Array[] {
    return m === this.size ? [] : consistencyRanges(m, this.size).map((r) => this.node(r));
  }

  /** The leaf hash of leaf `index` (asked for by {@link wantInclusion}). */
  leafHash(index: number): Uint8Array {
    return this.node({ start: index, end: index + 1 });
  }

  root(): Uint8Array {
    this.checkComplete();
    return this.builder.root();
  }

  private node(r: LeafRange): Uint8Array {
    this.checkComplete();
    if (!isComplete(r)) return this.builder.rootFrom(r.start);
    const h = this.capture.get(r);
    if (h === undefined) throw new Error(`internal: the subtree [${r.start}, ${r.end}) was not asked for before the leaves were pushed`);
    return h;
  }

  private checkComplete(): void {
    if (this.builder.size !== this.size) throw new Error(`internal: proofs for a tree of ${this.size} read after ${this.builder.size} leaves`);
  }
}

/** Why a proof does not verify (a stable code and words for a finding). */
export type ProofFailure =
  | { code: "index"; message: string }
  | { code: "length"; message: string; expected: number }
  | { code: "hash-size"; message: string; at: number }
  | { code: "root"; message: string };

/** The number of hashes in the inclusion path of `index` in a tree of `size` (index < size). */
export function inclusionPathLength(index: number, size: number): number {
  let n = 0;
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) end = start + k;
    else {
      start += k;
      m -= k;
    }
    n++;
  }
  return n;
}

/** The number of hashes in the consistency proof from m to n (0 < m ≤ n). */
export function consistencyProofLength(m: number, n: number): number {
  return m === n ? 0 : consistencyRanges(m, n).length;
}

const half = (x: number) => Math.floor(x / 2);
const odd = (x: number) => x % 2 === 1;

/**
 * RFC 9162 §2.1.3.2: verifies that `leafHash` is leaf `index` of the tree of `size` leaves with
 * root `root`, given its inclusion path. Undefined when it does; else why not.
 */
export function verifyInclusion(hasher: TreeHasher, index: number, size: number, leafHash: Uint8Array, path: readonly Uint8Array[], root: Uint8Array): ProofFailure | undefined {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    return { code: "index", message: `leaf ${index} is not in a tree of ${size}` };
  }
  const at = path.findIndex((p) => p.length !== 32);
  if (at >= 0) return { code: "hash-size", message: `proof hash ${at} is ${path[at]!.length} bytes, not 32`, at };
  if (leafHash.length !== 32 || root.length !== 32) return { code: "root", message: "a leaf hash and a root are 32 bytes" };
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return lengthFailure("inclusion path", path.length, inclusionPathLength(index, size));
    if (odd(fn) || fn === sn) {
      r = hasher.node(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hasher.node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return lengthFailure("inclusion path", path.length, inclusionPathLength(index, size));
  if (!bytesEqual(r, root)) return { code: "root", message: "the path does not lead to the tree's root" };
  return undefined;
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of `size1` leaves with root `root1` is a prefix of the
 * tree of `size2` leaves with root `root2`. DESIGN §12: sizes must be 0 < size1 ≤ size2; equal
 * sizes verify exactly when the proof is empty and the roots are equal.
 */
export function verifyConsistency(hasher: TreeHasher, size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): ProofFailure | undefined {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 > 0 && size1 <= size2)) {
    return { code: "index", message: `no consistency proof leads from a tree of ${size1} to one of ${size2}` };
  }
  if (size1 === size2) {
    if (proof.length !== 0) return lengthFailure("consistency proof", proof.length, 0);
    return bytesEqual(root1, root2) ? undefined : { code: "root", message: "the trees are of one size but differ" };
  }
  const at = proof.findIndex((p) => p.length !== 32);
  if (at >= 0) return { code: "hash-size", message: `proof hash ${at} is ${proof[at]!.length} bytes, not 32`, at };
  const expected = consistencyProofLength(size1, size2);
  if (proof.length === 0) return lengthFailure("consistency proof", 0, expected);
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return lengthFailure("consistency proof", proof.length, expected);
    if (odd(fn) || fn === sn) {
      fr = hasher.node(c, fr);
      sr = hasher.node(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hasher.node(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return lengthFailure("consistency proof", proof.length, expected);
  if (!bytesEqual(fr, root1)) return { code: "root", message: `the proof does not lead to the tree of ${size1}` };
  if (!bytesEqual(sr, root2)) return { code: "root", message: `the proof does not lead to the tree of ${size2}` };
  return undefined;
}

function lengthFailure(what: string, got: number, expected: number): ProofFailure {
  return { code: "length", message: `the ${what} has ${got} hash(es); it must have ${expected}`, expected };
}
