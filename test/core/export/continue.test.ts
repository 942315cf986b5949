/**
 * Continuing an earlier bundle (`proof export --continue`) with the earlier records pulled one at
 * a time in step with the new events (issue 6), instead of held as an array. The continued chain
 * must be exactly the one the earlier statement signed up to its length; a changed event is
 * refused at its seq; an earlier record read again that is not the one checked is caught by the
 * earlier head, whatever it looks like.
 */
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { readBundleText } from "../../../src/core/bundle/read.js";
import { serializeBundle } from "../../../src/core/bundle/serialize.js";
import { BUNDLE_FORMAT, type DisclosedRecord } from "../../../src/core/bundle/types.js";
import { eventDigest } from "../../../src/core/digest/tree.js";
import { b64uDecode, b64uEncode } from "../../../src/core/encoding/base64url.js";
import { hexDigest } from "../../../src/core/encoding/hex.js";
import { earlierRecordOf, type EarlierRecords } from "../../../src/core/export/earlier.js";
import { Exporter } from "../../../src/core/export/exporter.js";
import { canonicalize } from "../../../src/core/json/canonical.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { TrustStore } from "../../../src/core/jws/trust.js";
import type { Statement } from "../../../src/core/statement/statement.js";
import { Verifier } from "../../../src/core/verify/verifier.js";

const crypto = nobleCrypto;
const T = "2026-11-20T10:00:00.000Z";

function events(n: number): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    ts: `2026-11-20T09:00:${String(i % 60).padStart(2, "0")}.000Z`,
    type: "tool.call",
    actor: { tenant: "acme", agent: "bot" },
    tool: { name: "search" },
    decision: { outcome: i % 3 === 0 ? "blocked" : "allowed" },
    args: { q: `query ${i}`, tags: ["a", i], nested: { n: i, ok: true } },
  }));
}

/** A plain export of `evs` on a new chain: the records and the statement. */
function exportAll(evs: JsonObject[], chain = "chain-1"): { records: DisclosedRecord[]; statement: Statement } {
  const ex = new Exporter(crypto, chain);
  const records = evs.map((e) => {
    const r = ex.add(e);
    if (!r.ok) throw new Error("a new chain refused an event");
    return r.record;
  });
  return { records, statement: ex.statement(T, {}) };
}

/** The earlier bundle as the CLI reads it again: each value checked by earlierRecordOf; counts pulls. */
function pullFrom(values: JsonValue[], statement: Pick<Statement, "length" | "head">): EarlierRecords & { pulled: number } {
  const source = {
    pulled: 0,
    length: statement.length,
    head: statement.head,
    next() {
      if (source.pulled >= values.length) return undefined;
      const seq = source.pulled++;
      return earlierRecordOf(crypto, values[seq]!, seq);
    },
  };
  return source;
}

function asValues(records: DisclosedRecord[]): JsonValue[] {
  return JSON.parse(JSON.stringify(records)) as JsonValue[];
}

/** Adds every event; the first refused seq, or undefined. */
function addAll(ex: Exporter, evs: JsonObject[]): { records: DisclosedRecord[]; refusedAt?: number } {
  const records: DisclosedRecord[] = [];
  for (const e of evs) {
    const r = ex.add(e);
    if (!r.ok) return { records, refusedAt: r.seq };
    records.push(r.record);
  }
  return { records };
}

describe("Exporter continuing an earlier bundle pulled record by record", () => {
  const all = events(12);
  const earlier = exportAll(all.slice(0, 7));

  it("reuses every earlier record byte for byte and extends the signed chain", () => {
    const source = pullFrom(asValues(earlier.records), earlier.statement);
    const ex = new Exporter(crypto, "chain-1", source);
    const { records, refusedAt } = addAll(ex, all);
    expect(refusedAt).toBeUndefined();
    expect(ex.earlierIntact()).toBe(true);
    expect(ex.missingEarlier).toBe(0);
    expect(ex.earlierLength).toBe(7);
    expect(records.slice(0, 7).map((r) => canonicalize(r as unknown as JsonObject))).toEqual(earlier.records.map((r) => canonicalize(r as unknown as JsonObject)));
    // The new events got fresh seeds, not earlier ones.
    expect(new Set(records.map((r) => r.seed)).size).toBe(12);
    // The whole continued bundle verifies as extending the earlier statement (DESIGN §8 --since).
    const statement = ex.statement(T, {});
    const text = [...serializeBundle({ format: BUNDLE_FORMAT, kind: "full", statement, signatures: [] }, records, "jsonl")].join("");
    const verifier = new Verifier({ crypto, trust: new TrustStore(), since: earlier.statement });
    readBundleText(text, verifier);
    const report = verifier.result();
    expect(report.findings.filter((f) => f.effect === "invalid")).toEqual([]);
  });

  it("pulls one earlier record per new event, never ahead of the log", () => {
    const source = pullFrom(asValues(earlier.records), earlier.statement);
    const ex = new Exporter(crypto, "chain-1", source);
    all.forEach((e, seq) => {
      expect(ex.add(e).ok).toBe(true);
      expect(source.pulled).toBe(Math.min(seq + 1, 7));
    });
  });

  for (const seq of [0, 3, 6]) {
    it(`refuses a changed event at seq ${seq}, and blames the log: the earlier bundle reads as checked`, () => {
      const changed = all.map((e, i) => (i === seq ? { ...e, decision: { outcome: "approved" } } : e));
      const source = pullFrom(asValues(earlier.records), earlier.statement);
      const ex = new Exporter(crypto, "chain-1", source);
      expect(addAll(ex, changed).refusedAt).toBe(seq);
      expect(() => ex.add(all[seq]!)).toThrow(/after a refused event/);
      // The rest of the earlier bundle is read to tell a changed log from a changed earlier file.
      expect(ex.earlierIntact()).toBe(true);
      expect(source.pulled).toBe(7);
    });
  }

  it("counts the earlier events a shorter log lost", () => {
    const source = pullFrom(asValues(earlier.records), earlier.statement);
    const ex = new Exporter(crypto, "chain-1", source);
    expect(addAll(ex, all.slice(0, 4)).refusedAt).toBeUndefined();
    expect(ex.missingEarlier).toBe(3);
    expect(ex.earlierIntact()).toBe(true);
  });

  it("catches an earlier record whose seed changed since the check: every event matches, the head does not", () => {
    const values = asValues(earlier.records);
    const other = exportAll(all.slice(0, 7)).records[4]!;
    (values[4] as JsonObject).seed = other.seed;
    const source = pullFrom(values, earlier.statement);
    const ex = new Exporter(crypto, "chain-1", source);
    expect(addAll(ex, all).refusedAt).toBeUndefined();
    expect(ex.earlierIntact()).toBe(false);
  });

  it("catches an earlier statement head that the records do not reach", () => {
    const head = hexDigest(eventDigest(crypto, all[0]!, b64uDecode(earlier.records[0]!.seed)!));
    const ex = new Exporter(crypto, "chain-1", pullFrom(asValues(earlier.records), { length: 7, head }));
    expect(addAll(ex, all).refusedAt).toBeUndefined();
    expect(ex.earlierIntact()).toBe(false);
  });

  const unreadable: [string, (values: JsonValue[]) => JsonValue[]][] = [
    ["a record at the wrong seq", (v) => v.map((r, i) => (i === 2 ? { ...(r as JsonObject), seq: 3 } : r))],
    ["an elided record", (v) => v.map((r, i) => (i === 2 ? { seq: 2, digest: "0".repeat(64) } : r))],
    ["a seed that is not 32 bytes", (v) => v.map((r, i) => (i === 2 ? { ...(r as JsonObject), seed: b64uEncode(new Uint8Array(31)) } : r))],
    ["an event that is not an object", (v) => v.map((r, i) => (i === 2 ? { ...(r as JsonObject), event: [] } : r))],
    ["fewer records than the statement's length", (v) => v.slice(0, 2)],
  ];
  for (const [what, change] of unreadable) {
    it(`refuses ${what} read again at seq 2, as a changed earlier bundle`, () => {
      const ex = new Exporter(crypto, "chain-1", pullFrom(change(asValues(earlier.records)), earlier.statement));
      expect(addAll(ex, all).refusedAt).toBe(2);
      expect(ex.earlierIntact()).toBe(false);
    });
  }

  it("continues an empty earlier bundle: its head is the genesis of its chain", () => {
    const empty = exportAll([], "chain-0");
    const ex = new Exporter(crypto, "chain-0", pullFrom([], empty.statement));
    expect(addAll(ex, all.slice(0, 2)).refusedAt).toBeUndefined();
    expect(ex.earlierIntact()).toBe(true);
  });

  it("gives earlierRecordOf the seed and the digest the verifier computes", () => {
    const r = earlier.records[5]!;
    const got = earlierRecordOf(crypto, asValues([r])[0]!, 5);
    expect(got && b64uEncode(got.seed)).toBe(r.seed);
    expect(got && hexDigest(got.digest)).toBe(hexDigest(eventDigest(crypto, r.event, b64uDecode(r.seed)!)));
    expect(earlierRecordOf(crypto, asValues([r])[0]!, 4)).toBeUndefined();
  });
});
