/**
 * The event tree (DESIGN §12): every RFC 9162 vector (transparency-dev/merkle, fixtures/vectors/
 * merkle) through the same code with the RFC's prefixes 0x00/0x01, and a second, naive
 * implementation straight from RFC 9162 §2.1 (recursive MTH, PATH, PROOF/SUBPROOF) that must
 * agree with the streaming one, with both crypto providers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import type { CryptoProvider } from "../../../src/core/crypto/provider.js";
import { toHex } from "../../../src/core/encoding/hex.js";
import {
  EVENT_TREE,
  MerkleBuilder,
  ProofPlanner,
  RFC9162_TREE,
  TreeHasher,
  consistencyProofLength,
  inclusionPathLength,
  verifyConsistency,
  verifyInclusion,
} from "../../../src/core/tree/merkle.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { VECTORS } from "../../support/vectors.js";

const MERKLE = path.join(VECTORS, "merkle");
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

function vectorFiles(kind: "inclusion" | "consistency"): string[] {
  const dir = path.join(MERKLE, kind);
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(dir, f));
}

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

/** RFC 9162 §2.1 as written: recursion on D[n], k the largest power of two smaller than n. */
class NaiveTree {
  private readonly memo = new Map<string, Uint8Array>();
  constructor(
    private readonly h: TreeHasher,
    private readonly d: readonly Uint8Array[],
  ) {}
  static k(n: number): number {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }
  /** MTH(D[a:b]) (memoized: the definitions call it over and over on the same ranges). */
  mth(a: number, b: number): Uint8Array {
    const key = `${a}:${b}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const n = b - a;
    const r = n === 0 ? this.h.empty() : n === 1 ? this.h.leaf(this.d[a]!) : this.h.node(this.mth(a, a + NaiveTree.k(n)), this.mth(a + NaiveTree.k(n), b));
    this.memo.set(key, r);
    return r;
  }
  /** PATH(m, D[a:b]). */
  path(m: number, a: number, b: number): Uint8Array[] {
    const n = b - a;
    if (n === 1) return [];
    const k = NaiveTree.k(n);
    return m < k ? [...this.path(m, a, a + k), this.mth(a + k, b)] : [...this.path(m - k, a + k, b), this.mth(a, a + k)];
  }
  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
  proof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true);
  }
  private subproof(m: number, a: number, b: number, flag: boolean): Uint8Array[] {
    const n = b - a;
    if (m === n) return flag ? [] : [this.mth(a, b)];
    const k = NaiveTree.k(n);
    return m <= k ? [...this.subproof(m, a, a + k, flag), this.mth(a + k, b)] : [...this.subproof(m - k, a + k, b, false), this.mth(a, a + k)];
  }
}

const hexes = (list: readonly Uint8Array[]) => list.map(toHex);

function leaves(crypto: CryptoProvider, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => crypto.sha256(Uint8Array.of(i & 255, i >> 8)));
}

describe("RFC 9162 vectors (prefixes 0x00/0x01)", () => {
  for (const crypto of [nodeCrypto, nobleCrypto]) {
    const h = new TreeHasher(crypto, RFC9162_TREE);
    it(`inclusion: every happy path verifies and every wantErr case fails (${crypto.name})`, () => {
      const files = vectorFiles("inclusion");
      expect(files.length).toBeGreaterThan(50);
      let errs = 0;
      for (const f of files) {
        const v = JSON.parse(fs.readFileSync(f, "utf8")) as InclusionVector;
        const failure = verifyInclusion(h, v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
        expect(failure !== undefined, `${path.relative(MERKLE, f)}: ${v.desc}`).toBe(v.wantErr);
        if (v.wantErr) errs++;
      }
      expect(errs).toBeGreaterThan(40);
    });
    it(`consistency: every happy path verifies and every wantErr case fails (${crypto.name})`, () => {
      const files = vectorFiles("consistency");
      expect(files.length).toBeGreaterThan(50);
      for (const f of files) {
        const v = JSON.parse(fs.readFileSync(f, "utf8")) as ConsistencyVector;
        const failure = verifyConsistency(h, v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
        expect(failure !== undefined, `${path.relative(MERKLE, f)}: ${v.desc}`).toBe(v.wantErr);
      }
    });
  }

  it("builds the reference 8-leaf tree and its happy-path proofs from the CT leaves", () => {
    const h = new TreeHasher(nodeCrypto, RFC9162_TREE);
    const data = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((x) => new Uint8Array(Buffer.from(x, "hex")));
    const planner = new ProofPlanner(h, 8);
    planner.wantInclusion(0);
    planner.wantConsistency(1);
    for (const d of data) planner.builder.push(d);
    expect(Buffer.from(planner.root()).toString("base64")).toBe("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
    const inc = JSON.parse(fs.readFileSync(path.join(MERKLE, "inclusion/1/happy-path.json"), "utf8")) as InclusionVector;
    expect(planner.inclusion(0).map((p) => Buffer.from(p).toString("base64"))).toEqual(inc.proof);
    const con = JSON.parse(fs.readFileSync(path.join(MERKLE, "consistency/1/happy-path.json"), "utf8")) as ConsistencyVector;
    expect(planner.consistency(1).map((p) => Buffer.from(p).toString("base64"))).toEqual(con.proof);
  });
});

describe("the streaming tree agrees with RFC 9162's definitions", () => {
  for (const [crypto, maxSize] of [[nodeCrypto, 300], [nobleCrypto, 64]] as const) {
    const h = new TreeHasher(crypto, EVENT_TREE);
    const all = leaves(crypto, maxSize);

    it(`MTH, and every inclusion path (generated in one pass, verified), for every size 0..${maxSize} (${crypto.name})`, () => {
      const mismatches: string[] = [];
      for (let n = 0; n <= maxSize; n++) {
        const d = all.slice(0, n);
        const naive = new NaiveTree(h, d);
        const planner = new ProofPlanner(h, n);
        for (let i = 0; i < n; i++) planner.wantInclusion(i);
        for (const x of d) planner.builder.push(x);
        expect(toHex(planner.root()), `size ${n}`).toBe(toHex(naive.mth(0, n)));
        // Plain comparisons, one expect at the end: 45,000 paths through expect() take half a minute.
        const root = planner.root();
        for (let i = 0; i < n; i++) {
          const p = planner.inclusion(i);
          const leaf = h.leaf(d[i]!);
          if (hexes(p).join() !== hexes(naive.path(i, 0, n)).join()) mismatches.push(`path ${i} of ${n}`);
          if (p.length !== inclusionPathLength(i, n)) mismatches.push(`path length ${i} of ${n}`);
          if (verifyInclusion(h, i, n, leaf, p, root) !== undefined) mismatches.push(`verify ${i} of ${n}`);
          if (toHex(planner.leafHash(i)) !== toHex(leaf)) mismatches.push(`leaf hash ${i} of ${n}`);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it(`every consistency proof for m ≤ n ≤ 64, and sampled up to ${maxSize} (${crypto.name})`, () => {
      const pairs: [number, number][] = [];
      for (let n = 1; n <= 64; n++) for (let m = 1; m <= n; m++) pairs.push([m, n]);
      for (let n = 65; n <= maxSize; n += 7) for (const m of [1, 2, 3, 31, 32, 33, 63, 64, 65, n >> 1, n - 1, n]) if (m >= 1 && m <= n) pairs.push([m, n]);
      const bySize = new Map<number, number[]>();
      for (const [m, n] of pairs) bySize.set(n, [...(bySize.get(n) ?? []), m]);
      for (const [n, ms] of bySize) {
        const d = all.slice(0, n);
        const naive = new NaiveTree(h, d);
        const planner = new ProofPlanner(h, n);
        for (const m of ms) planner.wantConsistency(m);
        const prefix: Uint8Array[] = [h.empty()];
        for (const x of d) {
          planner.builder.push(x);
          prefix.push(planner.builder.root());
        }
        for (const m of ms) {
          const p = planner.consistency(m);
          expect(hexes(p), `${m} -> ${n}`).toEqual(m === n ? [] : hexes(naive.proof(m, n)));
          expect(p.length).toBe(consistencyProofLength(m, n));
          expect(toHex(prefix[m]!)).toBe(toHex(naive.mth(0, m)));
          expect(verifyConsistency(h, m, n, prefix[m]!, planner.root(), p)).toBeUndefined();
        }
      }
    });
  }

  it("an inclusion path asked for just before its leaf arrives (events chosen as they stream by) is the same", () => {
    const h = new TreeHasher(nodeCrypto, EVENT_TREE);
    for (const n of [1, 2, 7, 8, 64, 100, 257]) {
      const d = leaves(nodeCrypto, n);
      const naive = new NaiveTree(h, d);
      const late = new ProofPlanner(h, n);
      const chosen = [...new Set([0, 1, n >> 1, n - 2, n - 1].filter((i) => i >= 0 && i < n))];
      d.forEach((x, i) => {
        if (chosen.includes(i)) late.wantInclusion(i);
        late.builder.push(x);
      });
      for (const i of chosen) expect(hexes(late.inclusion(i)), `${i} of ${n}`).toEqual(hexes(naive.path(i, 0, n)));
    }
  });

  it("MerkleBuilder's root at each size is MTH of the prefix (streaming: a stack of subtree roots)", () => {
    const h = new TreeHasher(nodeCrypto, EVENT_TREE);
    const d = leaves(nodeCrypto, 100);
    const naive = new NaiveTree(h, d);
    const b = new MerkleBuilder(h);
    expect(toHex(b.root())).toBe(toHex(nodeCrypto.sha256(new Uint8Array(0))));
    d.forEach((x, i) => {
      b.push(x);
      expect(toHex(b.root())).toBe(toHex(naive.mth(0, i + 1)));
    });
  });
});

describe("proof verification catches every change", () => {
  const h = new TreeHasher(nodeCrypto, EVENT_TREE);
  const n = 37;
  const d = leaves(nodeCrypto, n);
  const planner = new ProofPlanner(h, n);
  for (let i = 0; i < n; i++) planner.wantInclusion(i);
  planner.wantConsistency(13);
  const prefix13 = new MerkleBuilder(h);
  for (let i = 0; i < n; i++) {
    planner.builder.push(d[i]!);
    if (i < 13) prefix13.push(d[i]!);
  }
  const root = planner.root();

  it("inclusion: each flipped, removed or added hash, another index or another leaf fails", () => {
    for (const i of [0, 5, 31, 32, 36]) {
      const p = planner.inclusion(i);
      const leaf = h.leaf(d[i]!);
      expect(verifyInclusion(h, i, n, leaf, p, root)).toBeUndefined();
      for (let j = 0; j < p.length; j++) {
        const flipped = p.map((x, k) => (k === j ? Uint8Array.from(x, (b, bi) => (bi === 0 ? b ^ 1 : b)) : x));
        expect(verifyInclusion(h, i, n, leaf, flipped, root)?.code).toBe("root");
        expect(verifyInclusion(h, i, n, leaf, p.filter((_, k) => k !== j), root)?.code).toMatch(/root|length/);
      }
      expect(verifyInclusion(h, i, n, leaf, [...p, p[0]!], root)?.code).toMatch(/root|length/);
      expect(verifyInclusion(h, (i + 1) % n, n, leaf, p, root)).toBeDefined();
      expect(verifyInclusion(h, i, n, h.leaf(d[(i + 1) % n]!), p, root)?.code).toBe("root");
      expect(verifyInclusion(h, n, n, leaf, p, root)?.code).toBe("index");
    }
  });

  it("consistency: a flipped hash, a proof for another size, an empty proof and size 0 fail", () => {
    const p = planner.consistency(13);
    const old = prefix13.root();
    expect(verifyConsistency(h, 13, n, old, root, p)).toBeUndefined();
    for (let j = 0; j < p.length; j++) {
      const flipped = p.map((x, k) => (k === j ? Uint8Array.from(x, (b, bi) => (bi === 31 ? b ^ 128 : b)) : x));
      expect(verifyConsistency(h, 13, n, old, root, flipped)).toBeDefined();
    }
    expect(verifyConsistency(h, 12, n, old, root, p)).toBeDefined();
    expect(verifyConsistency(h, 13, n, old, root, [])?.code).toBe("length");
    expect(verifyConsistency(h, 0, n, old, root, p)?.code).toBe("index");
    expect(verifyConsistency(h, n, n, root, root, [])).toBeUndefined();
    expect(verifyConsistency(h, n, n, root, root, p)?.code).toBe("length");
  });
});
