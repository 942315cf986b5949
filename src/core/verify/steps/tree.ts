/**
 * Step: the event tree's proofs (DESIGN §12). An excerpt record's inclusion path is checked
 * against the signed `tree`; a checkpoint's consistency proof against its signed tree and the
 * tree it says it extends. A failing proof names the record's seq and the proof (or the hash of
 * it that is malformed); which hash of a well-formed path was changed cannot be known from the
 * path alone, so a path that leads elsewhere is named as a whole.
 */
import type { CryptoProvider } from "../../crypto/provider.js";
import { fromHex, isHexDigest, type HexDigest } from "../../encoding/hex.js";
import { hasMember, isJsonArray, isJsonObject, type JsonValue } from "../../json/value.js";
import { EVENT_TREE, TreeHasher, verifyConsistency, verifyInclusion, type ProofFailure } from "../../tree/merkle.js";

export function eventTreeHasher(crypto: CryptoProvider): TreeHasher {
  return new TreeHasher(crypto, EVENT_TREE);
}

export interface ProofProblem {
  /** Relative to the proof (or consistency) member: "" or "/3". */
  pointer: string;
  message: string;
}

/** A list of hex digests (a path or a proof): the decoded hashes, or every problem. */
export function readProofHashes(v: JsonValue | undefined, what: string): { hashes?: Uint8Array[]; problems: ProofProblem[] } {
  if (!isJsonArray(v)) return { problems: [{ pointer: "", message: `the ${what} must be an array of 64-character lowercase hex digests` }] };
  const problems: ProofProblem[] = [];
  const hashes: Uint8Array[] = [];
  v.forEach((h, i) => {
    if (!isHexDigest(h)) problems.push({ pointer: "/" + i, message: `${what} hash ${i} must be 64 lowercase hex characters` });
    else hashes.push(fromHex(h)!);
  });
  return problems.length > 0 ? { problems } : { hashes, problems };
}

/** A checkpoint's `consistency` member, read. */
export interface ReadConsistency {
  length: number;
  tree: HexDigest;
  proof: Uint8Array[];
}

const CONSISTENCY_MEMBERS = ["length", "proof", "tree"];

/** DESIGN §12: exactly {"length": m, "tree": hex, "proof": [hex, ...]}, 0 < m ≤ the statement's length. */
export function readConsistency(v: JsonValue | undefined, statementLength: number | undefined): { consistency?: ReadConsistency; problems: ProofProblem[] } {
  if (!isJsonObject(v)) return { problems: [{ pointer: "", message: '"consistency" must be an object {length, tree, proof}' }] };
  const problems: ProofProblem[] = [];
  for (const name of Object.keys(v)) {
    if (!CONSISTENCY_MEMBERS.includes(name)) problems.push({ pointer: "/" + name, message: `unexpected member "${name}" (consistency has exactly length, tree, proof)` });
  }
  for (const name of CONSISTENCY_MEMBERS) if (!hasMember(v, name)) problems.push({ pointer: "", message: `consistency lacks "${name}"` });
  const m = v.length;
  if (hasMember(v, "length")) {
    if (!(typeof m === "number" && Number.isSafeInteger(m) && m > 0)) problems.push({ pointer: "/length", message: "the consistency length must be a whole number above 0 (an anchor of length 0 needs no proof)" });
    else if (statementLength !== undefined && m > statementLength) problems.push({ pointer: "/length", message: `the consistency length ${m} is above the statement's length ${statementLength}` });
  }
  if (hasMember(v, "tree") && !isHexDigest(v.tree)) problems.push({ pointer: "/tree", message: "the consistency tree must be 64 lowercase hex characters" });
  const proof = hasMember(v, "proof") ? readProofHashes(v.proof, "consistency proof") : { problems: [] };
  for (const p of proof.problems) problems.push({ pointer: "/proof" + p.pointer, message: p.message });
  if (problems.length > 0 || proof.hashes === undefined) return { problems };
  return { consistency: { length: m as number, tree: v.tree as HexDigest, proof: proof.hashes }, problems };
}

/** RFC 9162 §2.1.3.2 for one excerpt record: undefined when its path leads to the signed tree. */
export function checkInclusionPath(hasher: TreeHasher, seq: number, length: number, eventDigest: Uint8Array, path: readonly Uint8Array[], tree: HexDigest): ProofFailure | undefined {
  return verifyInclusion(hasher, seq, length, hasher.leaf(eventDigest), path, fromHex(tree)!);
}

/** RFC 9162 §2.1.4.2 from the tree of `from.length` to the tree of `toLength`. */
export function checkConsistencyProof(hasher: TreeHasher, from: { length: number; tree: HexDigest }, toLength: number, toTree: HexDigest, proof: readonly Uint8Array[]): ProofFailure | undefined {
  return verifyConsistency(hasher, from.length, toLength, fromHex(from.tree)!, fromHex(toTree)!, proof);
}
