/**
 * The messages between `proof verify`'s main thread and its workers (src/io/verify-batch.ts):
 * a batch examined by a worker, cloned across the thread boundary and unpacked, must be exactly
 * the outcomes the single-thread path computes line by line (`parseRecordLine`, `examineRecord`),
 * for good records and for every kind of broken one, whatever the header asks for.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { parseRecordLine } from "../../src/core/bundle/read.js";
import { canonicalize } from "../../src/core/json/canonical.js";
import { examineRecord, type RecordNeeds } from "../../src/core/verify/steps/examine.js";
import { examineBatch, replyTransferList, unpackReply, LINE_FIELDS, type LineOutcome } from "../../src/io/verify-batch.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/bundles/", import.meta.url));
const recordsOf = (name: string) => (JSON.parse(readFileSync(FIXTURES + name, "utf8")) as { events: unknown[] }).events;

/** Good records of both kinds of bundle, then broken lines of every sort, each at a seq of its own. */
function recordLines(): string[] {
  const full = recordsOf("demo.json");
  const share = recordsOf("demo-share.json");
  const good = [...full, ...share].map((r) => JSON.stringify(r));
  const disclosed = full[3] as { event: Record<string, unknown>; seed: string; seq: number };
  const broken = [
    "not json",
    '{"seq":1,"seq":1,"digest":"' + "0".repeat(64) + '"}',
    "[1,2,3]",
    "{}",
    '{"seq":5,"digest":"XYZ"}',
    JSON.stringify({ ...disclosed, seq: 999 }),
    JSON.stringify({ ...disclosed, seed: "short" }),
    JSON.stringify({ ...disclosed, event: "not an object" }),
    JSON.stringify({ ...disclosed, event: { ...disclosed.event, type: "agent.daydream" } }),
    JSON.stringify({ ...disclosed, event: { type: "tool.call" } }),
    JSON.stringify({ seq: 3, event: { type: "tool.call", args: null }, salts: { "/type": "!!" }, redacted: { "/args": "00", "": "11" } }),
    '{"seq":1,"digest":"' + "a".repeat(64) + '"} trailing',
  ];
  return [...good, ...broken];
}

function batchOf(lines: string[]): { bytes: Uint8Array; entries: Int32Array } {
  const bytes = Buffer.from(lines.join("\n"), "utf8");
  const entries: number[] = [];
  let start = 0;
  lines.forEach((l, i) => {
    const end = start + Buffer.byteLength(l);
    entries.push(start, end, i + 2, i);
    start = end + 1;
  });
  return { bytes: new Uint8Array(bytes), entries: Int32Array.from(entries) };
}

function expected(lines: string[], needs: RecordNeeds): LineOutcome[] {
  return lines.map((text, i) => {
    const p = parseRecordLine(text, i + 2, i);
    return "problem" in p ? { problem: p.problem } : { examination: examineRecord(nodeCrypto, p.record, i, i + 2, needs) };
  });
}

const NEEDS: RecordNeeds[] = [
  { kind: "full", recordsDigest: false, evidence: false },
  { kind: "share", recordsDigest: true, evidence: true },
  { kind: undefined, recordsDigest: false, evidence: true },
  { kind: "share", recordsDigest: true, evidence: false },
];

describe("a batch examined on a worker and unpacked on the main thread", () => {
  it.each(NEEDS.map((n) => [JSON.stringify(n), n] as const))("is exactly the single-thread outcome of each line, needs %s", (_n, needs) => {
    const lines = recordLines();
    const { bytes, entries } = batchOf(lines);
    const reply = examineBatch(nodeCrypto, { id: 7, bytes, lines: entries }, needs);
    // Across the thread boundary: a structured clone, the typed arrays handed over.
    const received = structuredClone(reply, { transfer: replyTransferList(reply) });
    expect(reply.flags.length).toBe(0); // handed over, not copied
    const out = unpackReply(received, entries.length / LINE_FIELDS);
    const want = expected(lines, needs);
    expect(out).toEqual(want);
    // The comparison sees what matters: problems, findings, schema warnings and facts are there.
    expect(want.filter((o) => "problem" in o)).toHaveLength(3);
    expect(want.some((o) => "examination" in o && o.examination.schema?.unknownType === "agent.daydream")).toBe(true);
    expect(want.some((o) => "examination" in o && (o.examination.schema?.issues.length ?? 0) > 0)).toBe(true);
    expect(want.some((o) => "examination" in o && o.examination.findings.length > 0)).toBe(true);
    if (needs.evidence) expect(want.some((o) => "examination" in o && o.examination.evidence === null)).toBe(true);
    if (needs.recordsDigest) {
      const jcs = out.flatMap((o) => ("examination" in o ? [Buffer.from(o.examination.jcs!).toString("utf8")] : []));
      expect(jcs[0]).toBe(canonicalize(JSON.parse(lines[0]!)));
    }
  });

  it("refuses a reply that does not hold the lines asked for", () => {
    const lines = recordLines().slice(0, 5);
    const { bytes, entries } = batchOf(lines);
    const reply = examineBatch(nodeCrypto, { id: 1, bytes, lines: entries }, NEEDS[1]!);
    expect(() => unpackReply(reply, 6)).toThrow(/does not hold 6 lines/);
    expect(() => unpackReply({ ...reply, extras: [] }, 5)).toThrow(/lacks line \d's (evidence facts|problem)/);
  });

  it("a worker never takes a line that is not valid UTF-8 (the main thread keeps those)", () => {
    const bytes = Uint8Array.from([0x7b, 0xff, 0x7d]);
    expect(() => examineBatch(nodeCrypto, { id: 0, bytes, lines: Int32Array.of(0, 3, 2, 0) }, NEEDS[0]!)).toThrow(/invalid UTF-8/);
  });
});
