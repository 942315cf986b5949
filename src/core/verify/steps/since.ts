/**
 * Step: `--since` (DESIGN §8, §12): does the verified bundle B extend the anchor A, the
 * verifier's own earlier copy (trusted as given; the CLI refuses a malformed or inconsistent one
 * with exit 65 before this runs)? m = A's length, n = B's.
 *
 *   different chain                         invalid  since.chain
 *   m > n                                   invalid  since.shorter
 *   m = 0                                   proven when A's head is the genesis and (v2) its tree is H()
 *   B full or share (every record)          B's first m events must give A's head and (A v2) A's tree
 *   m = n, B excerpt or checkpoint          A's head and tree must equal B's
 *   B checkpoint, m < n, A v2, consistency of length m
 *                                           its tree must be A's and its proof lead to B's tree
 *   any other case (no or another consistency length, a v1 anchor against a checkpoint,
 *   an excerpt with m < n)                  insufficient  since.unproven
 *
 * Every difference that is not "cannot tell" is `since.fork`: the history was rewritten.
 */
import type { CryptoProvider } from "../../crypto/provider.js";
import { genesis } from "../../chain/chain.js";
import { hexDigest, type HexDigest } from "../../encoding/hex.js";
import type { BundleKind } from "../../bundle/types.js";
import { hasTree, type Statement } from "../../statement/statement.js";
import type { Finding } from "../finding.js";
import { checkConsistencyProof, eventTreeHasher, type ReadConsistency } from "./tree.js";

export interface SinceView {
  statement: Statement;
  kind: BundleKind;
  /**
   * Full bundles and shares: the head and tree recomputed from the first m records, when every
   * one of them could be read (else the chain's own findings already make B invalid).
   */
  prefix?: { head: HexDigest; tree: HexDigest };
  /** Checkpoints: the well-formed consistency member, if any. */
  consistency?: ReadConsistency;
}

export function checkSince(crypto: CryptoProvider, anchor: Statement, b: SinceView): Finding[] {
  const B = b.statement;
  const m = anchor.length;
  const n = B.length;
  const fork = (why: string): Finding[] => [{ code: "since.fork", effect: "invalid", message: `--since: ${why}: the history was rewritten`, pointer: "/statement" }];
  const unproven = (why: string): Finding[] => [{ code: "since.unproven", effect: "insufficient", message: `--since: ${why}`, pointer: "/statement" }];
  const treeDiffers = (tree: HexDigest | undefined) => hasTree(anchor) && tree !== undefined && tree !== anchor.tree;

  if (anchor.chain !== B.chain) {
    return [{ code: "since.chain", effect: "invalid", message: `--since: the earlier bundle is chain "${anchor.chain}", this one is "${B.chain}"`, pointer: "/statement/chain" }];
  }
  if (m > n) {
    return [{ code: "since.shorter", effect: "invalid", message: `--since: this bundle has ${n} events, fewer than the earlier bundle's ${m}`, pointer: "/statement/length" }];
  }
  if (m === 0) {
    // DESIGN §12: m = 0 has no proof; the empty anchor is proven by its own values.
    const empty = { head: hexDigest(genesis(crypto, anchor.chain)), tree: hexDigest(eventTreeHasher(crypto).empty()) };
    if (anchor.head !== empty.head || treeDiffers(empty.tree)) return fork("the earlier bundle holds no events, yet its head or tree is not that of an empty chain");
    return [];
  }
  if (b.kind === "full" || b.kind === "share") {
    if (b.prefix === undefined) return [];
    if (b.prefix.head !== anchor.head) return fork(`the chain at length ${m} is not the earlier bundle's head`);
    if (treeDiffers(b.prefix.tree)) return fork(`the tree of the first ${m} events is not the earlier bundle's tree`);
    return [];
  }
  if (m === n) {
    const bTree = hasTree(B) ? B.tree : undefined;
    if (B.head !== anchor.head || treeDiffers(bTree)) return fork(`both have ${n} events but their ${B.head !== anchor.head ? "heads" : "trees"} differ`);
    return [];
  }
  if (b.kind === "excerpt") return unproven(`an excerpt cannot show that its ${n} events extend the earlier ${m}: verify the full bundle or a checkpoint with a consistency proof from ${m}`);
  // A checkpoint, m < n.
  if (!hasTree(anchor)) return unproven(`the earlier bundle is v1 (no tree): only the full bundle can show that it is extended`);
  const c = b.consistency;
  if (c === undefined) return unproven(`this checkpoint carries no consistency proof; make one with: imladri proof checkpoint <bundle> --since <earlier> (from length ${m})`);
  if (c.length !== m) return unproven(`this checkpoint's consistency proof is from length ${c.length}, the earlier bundle's length is ${m}`);
  if (c.tree !== anchor.tree) return fork(`the checkpoint's tree at length ${m} is not the earlier bundle's tree`);
  if (!hasTree(B)) return [];
  const failure = checkConsistencyProof(eventTreeHasher(crypto), c, n, B.tree, c.proof);
  if (failure) return fork(`the consistency proof does not lead from the earlier tree to this one (${failure.message})`);
  return [];
}
