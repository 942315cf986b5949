/**
 * DESIGN §12's `--since` matrix, one case per row, on statements and trees built here (the CLI
 * suite test/cli/v2.test.ts runs the same cases through bin/ on real bundles).
 */
import { describe, expect, it } from "vitest";
import { genesis, ChainBuilder } from "../../../src/core/chain/chain.js";
import { hexDigest } from "../../../src/core/encoding/hex.js";
import { STATEMENT_FORMAT_V1, STATEMENT_FORMAT_V2, type Statement, type StatementV2 } from "../../../src/core/statement/statement.js";
import { EVENT_TREE, MerkleBuilder, ProofPlanner, TreeHasher } from "../../../src/core/tree/merkle.js";
import { checkSince } from "../../../src/core/verify/steps/since.js";
import { nodeCrypto as crypto } from "../../../src/platform/node-crypto.js";

const hasher = new TreeHasher(crypto, EVENT_TREE);
const digests = Array.from({ length: 20 }, (_, i) => crypto.sha256(Uint8Array.of(i)));

function v2(n: number, chain = "c"): StatementV2 {
  const c = new ChainBuilder(crypto, chain);
  const t = new MerkleBuilder(hasher);
  for (const d of digests.slice(0, n)) {
    c.push(d);
    t.push(d);
  }
  return { format: STATEMENT_FORMAT_V2, chain, length: n, head: hexDigest(c.head), tree: hexDigest(t.root()), issuedAt: "2026-12-01T00:00:00.000Z", issuer: {} };
}
function v1(n: number): Statement {
  const { tree: _, ...rest } = v2(n);
  return { ...rest, format: STATEMENT_FORMAT_V1 };
}
function consistency(m: number, n: number) {
  const p = new ProofPlanner(hasher, n);
  p.wantConsistency(m);
  for (const d of digests.slice(0, n)) p.builder.push(d);
  return { length: m, tree: v2(m).tree, proof: p.consistency(m) };
}
const codes = (fs: { code: string }[]) => fs.map((f) => f.code);
const prefix = (m: number) => ({ head: v2(m).head, tree: v2(m).tree });

describe("--since (DESIGN §12)", () => {
  it("another chain, a longer anchor", () => {
    expect(codes(checkSince(crypto, v2(5, "other"), { statement: v2(9), kind: "full", prefix: prefix(5) }))).toEqual(["since.chain"]);
    expect(codes(checkSince(crypto, v2(10), { statement: v2(9), kind: "checkpoint" }))).toEqual(["since.shorter"]);
  });

  it("m = 0: proven by the genesis head and the empty tree, whatever B's kind", () => {
    const empty = v2(0);
    expect(empty.head).toBe(hexDigest(genesis(crypto, "c")));
    for (const kind of ["full", "excerpt", "checkpoint"] as const) expect(checkSince(crypto, empty, { statement: v2(9), kind })).toEqual([]);
    expect(codes(checkSince(crypto, { ...empty, tree: v2(1).tree }, { statement: v2(9), kind: "checkpoint" }))).toEqual(["since.fork"]);
    expect(codes(checkSince(crypto, { ...empty, head: v2(1).head }, { statement: v2(9), kind: "checkpoint" }))).toEqual(["since.fork"]);
  });

  it("B holds every record: its first m events give A's head and tree", () => {
    expect(checkSince(crypto, v2(5), { statement: v2(9), kind: "share", prefix: prefix(5) })).toEqual([]);
    expect(codes(checkSince(crypto, v2(5), { statement: v2(9), kind: "full", prefix: { ...prefix(5), tree: v2(4).tree } }))).toEqual(["since.fork"]);
    expect(codes(checkSince(crypto, v2(5), { statement: v2(9), kind: "full", prefix: { ...prefix(5), head: v2(4).head } }))).toEqual(["since.fork"]);
    // A v1 anchor is checked by its head only.
    expect(checkSince(crypto, v1(5), { statement: v2(9), kind: "full", prefix: { ...prefix(5), tree: v2(4).tree } })).toEqual([]);
  });

  it("m = n: head and tree must be B's, whatever B's kind", () => {
    expect(checkSince(crypto, v2(9), { statement: v2(9), kind: "excerpt" })).toEqual([]);
    expect(codes(checkSince(crypto, { ...v2(9), tree: v2(8).tree }, { statement: v2(9), kind: "checkpoint" }))).toEqual(["since.fork"]);
    expect(checkSince(crypto, v1(9), { statement: v2(9), kind: "checkpoint" })).toEqual([]);
  });

  it("a checkpoint B, m < n: its consistency proof decides; without one, or from another length, unproven", () => {
    for (const m of [1, 2, 3, 5, 8, 13]) expect(checkSince(crypto, v2(m), { statement: v2(17), kind: "checkpoint", consistency: consistency(m, 17) }), `m ${m}`).toEqual([]);
    expect(codes(checkSince(crypto, v2(5), { statement: v2(17), kind: "checkpoint" }))).toEqual(["since.unproven"]);
    expect(codes(checkSince(crypto, v2(5), { statement: v2(17), kind: "checkpoint", consistency: consistency(6, 17) }))).toEqual(["since.unproven"]);
    expect(codes(checkSince(crypto, v1(5), { statement: v2(17), kind: "checkpoint", consistency: consistency(5, 17) }))).toEqual(["since.unproven"]);
    const bad = consistency(5, 17);
    bad.proof[0] = crypto.sha256(bad.proof[0]!);
    expect(codes(checkSince(crypto, v2(5), { statement: v2(17), kind: "checkpoint", consistency: bad }))).toEqual(["since.fork"]);
    expect(codes(checkSince(crypto, { ...v2(5), tree: v2(4).tree }, { statement: v2(17), kind: "checkpoint", consistency: consistency(5, 17) }))).toEqual(["since.fork"]);
  });

  it("an excerpt B with m < n cannot show it: unproven", () => {
    expect(codes(checkSince(crypto, v2(5), { statement: v2(17), kind: "excerpt" }))).toEqual(["since.unproven"]);
    expect(checkSince(crypto, v2(5), { statement: v2(17), kind: "excerpt" })[0]!.effect).toBe("insufficient");
  });
});
