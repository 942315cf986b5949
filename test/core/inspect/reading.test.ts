/**
 * The pieces every reader of a summary shares (issue 11): the hidden-values phrase and its count
 * of events, the order of resources, and the Summarizer's cap (what it keeps, what it counts).
 */
import { describe, expect, it } from "vitest";
import { countsForReading, LIST_CAP, resourcesByImportance } from "../../../src/core/inspect/lists.js";
import { Summarizer, type ResourceLine } from "../../../src/core/inspect/summary.js";
import { countRedacted, describeHidden } from "../../../src/core/redact/hidden.js";

describe("the hidden-values phrase", () => {
  it("counts events with at least one redacted pointer, not partial records", () => {
    const c = { redactedFields: 0, redactedEvents: 0 };
    for (const n of [2, 0, 3, 0, 0]) countRedacted(c, n);
    expect(c).toEqual({ redactedFields: 5, redactedEvents: 2 });
    expect(describeHidden({ events: 6, elided: 1, ...c })).toBe("1 of 6 events elided, 5 fields redacted in 2 events");
    expect(describeHidden({ events: 20000, elided: 0, redactedFields: 1, redactedEvents: 1 }, (n) => n.toLocaleString("en-US"))).toBe(
      "0 of 20,000 events elided, 1 field redacted in 1 event",
    );
  });

  it("the Summarizer counts the same way: a partial record with an empty redacted map is not counted", () => {
    const s = new Summarizer();
    const event = { type: "agent.note", ts: "2026-01-01T00:00:00.000Z" };
    s.record({ seq: 0, event, salts: {}, redacted: {} }, 0);
    s.record({ seq: 1, event: { ...event, note: null }, salts: {}, redacted: { "/note": "00", "/x": "00" } }, 1);
    s.record({ seq: 2, digest: "00" }, 2);
    expect(s.result()).toMatchObject({ partial: 2, elided: 1, redactedFields: 2, redactedEvents: 1 });
  });
});

describe("lists for reading", () => {
  it("puts resources whose destroy failed, then those left running, before destroyed ones", () => {
    const r = (id: string, state: ResourceLine["state"], createdSeq?: number): ResourceLine => ({ kind: "db.branch", id, state, ...(createdSeq !== undefined ? { createdSeq } : {}) });
    const ordered = resourcesByImportance([r("a", "destroyed", 0), r("b", "left", 5), r("c", "destroyed-only"), r("d", "failed", 9), r("e", "left", 1)]);
    expect(ordered.map((x) => x.id)).toEqual(["d", "e", "b", "a", "c"]);
  });

  it("orders counts by name when they fit, else the most frequent first", () => {
    expect(countsForReading({ b: 1, a: 5 })).toEqual([["a", 5], ["b", 1]]);
    const many = Object.fromEntries(Array.from({ length: LIST_CAP + 1 }, (_, i) => [`t${String(i).padStart(2, "0")}`, i]));
    expect(countsForReading(many)[0]).toEqual([`t${LIST_CAP}`, LIST_CAP]);
  });

  it("a capped Summarizer keeps the first blocked actions and counts the rest; types named after Object.prototype members count", () => {
    const s = new Summarizer({ keep: 3 });
    for (let i = 0; i < 10; i++) s.record({ seq: i, seed: "x", event: { type: "tool.call", tool: { name: "t" }, decision: { outcome: "blocked", reason: "r" } } }, i);
    s.record({ seq: 10, seed: "x", event: { type: "constructor" } }, 10);
    s.record({ seq: 11, seed: "x", event: { type: "__proto__" } }, 11);
    const out = s.result();
    expect(out.blocked.map((b) => b.seq)).toEqual([0, 1, 2]);
    expect(out.blockedCount).toBe(10);
    expect(out.byType.constructor).toBe(1);
    expect(Object.entries(out.byType)).toContainEqual(["__proto__", 1]);
    expect(JSON.parse(JSON.stringify(out)).byType).toEqual(expect.objectContaining({ "tool.call": 10, constructor: 1 }));
  });
});
