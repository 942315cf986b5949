/**
 * The proofs an excerpt or a checkpoint carries (DESIGN §12), made in the one pass that checks
 * the source bundle: its event digests arrive in seq order (the Verifier's `onDigest`), and this
 * keeps only what the proofs need (src/core/tree/merkle.ts: O(log n) subtree roots per proof,
 * never a digest per event), plus the chain head and tree at the anchor's length for `--since`.
 */
import { ChainBuilder } from "../chain/chain.js";
import type { CryptoProvider } from "../crypto/provider.js";
import { hexDigest, type HexDigest } from "../encoding/hex.js";
import { EVENT_TREE, ProofPlanner, TreeHasher } from "./merkle.js";

export interface ProofPassPlan {
  /** The chain id (for the head of the first `since` events). */
  chain: string;
  /** The source's length: every proof is for the tree of this size. */
  length: number;
  /** Seqs whose inclusion paths are wanted (each below `length`). */
  inclusion?: readonly number[];
  /** The anchor's length: a consistency proof from it (when 0 < since), and the head and tree there. */
  since?: number;
}

export class ProofPass {
  private readonly planner: ProofPlanner;
  private readonly prefixChain: ChainBuilder | undefined;
  private prefixAt: { head: HexDigest; tree: HexDigest } | undefined;
  private readonly hasher: TreeHasher;

  constructor(
    crypto: CryptoProvider,
    private readonly plan: ProofPassPlan,
  ) {
    this.hasher = new TreeHasher(crypto, EVENT_TREE);
    this.planner = new ProofPlanner(this.hasher, plan.length);
    for (const seq of plan.inclusion ?? []) this.planner.wantInclusion(seq);
    const since = plan.since;
    if (since !== undefined) {
      if (!(Number.isSafeInteger(since) && since >= 0 && since <= plan.length)) throw new RangeError(`internal: no proof from length ${since} to ${plan.length}`);
      if (since > 0) this.planner.wantConsistency(since);
      this.prefixChain = new ChainBuilder(crypto, plan.chain);
      if (since === 0) this.prefixAt = { head: hexDigest(this.prefixChain.head), tree: hexDigest(this.hasher.empty()) };
    }
  }

  /** The source's length: every proof is for the tree of this size. */
  get length(): number {
    return this.plan.length;
  }

  /** Asks for the inclusion path of `seq` (below `length`), at the latest just before its digest arrives. */
  wantInclusion(seq: number): void {
    this.planner.wantInclusion(seq);
  }

  /** The next event digest, in seq order. */
  digest(d: Uint8Array, seq: number): void {
    if (seq !== this.planner.builder.size) throw new Error(`internal: event digest ${seq} arrived out of order`);
    this.planner.builder.push(d);
    const since = this.plan.since;
    if (this.prefixChain && since !== undefined && seq < since) {
      this.prefixChain.push(d);
      if (seq + 1 === since) this.prefixAt = { head: hexDigest(this.prefixChain.head), tree: hexDigest(this.planner.builder.root()) };
    }
  }

  /** The head and tree of the first `since` events. */
  prefix(): { head: HexDigest; tree: HexDigest } | undefined {
    return this.prefixAt;
  }

  inclusion(seq: number): HexDigest[] {
    return this.planner.inclusion(seq).map(hexDigest);
  }

  /** DESIGN §12: `{length: m, tree: MTH(D[0:m]), proof}`, for 0 < m ≤ length. */
  consistency(): { length: number; tree: HexDigest; proof: HexDigest[] } | undefined {
    const m = this.plan.since;
    const prefix = this.prefixAt;
    if (m === undefined || m === 0 || prefix === undefined) return undefined;
    return { length: m, tree: prefix.tree, proof: this.planner.consistency(m).map(hexDigest) };
  }
}
