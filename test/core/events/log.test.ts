/**
 * The event log checker (DESIGN §3) finds an event's depth and its unreadable numbers in one walk
 * (issue 14): the problems, their pointers, their order and their count are those of the two
 * walks it replaced (kept here as the reference).
 */
import { describe, expect, it } from "vitest";
import { EventLogChecker } from "../../../src/core/events/log.js";
import { survivesCanonicalForm } from "../../../src/core/json/canonical.js";
import { appendPointer, ROOT_POINTER, type JsonPointer } from "../../../src/core/json/pointer.js";
import type { JsonValue } from "../../../src/core/json/value.js";
import { MAX_EVENT_DEPTH, nestingDepth } from "../../../src/core/digest/tree.js";
import { MAX_LISTED_PROBLEMS } from "../../../src/core/limits.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";

/** The two walks as they were: the depth, then a generator building a pointer per node. */
function* unreadableNumbers(v: JsonValue, p: JsonPointer): Generator<JsonPointer> {
  if (typeof v === "number") {
    if (!survivesCanonicalForm(v)) yield p;
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) yield* unreadableNumbers(v[i]!, appendPointer(p, i));
  } else if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) yield* unreadableNumbers(v[k]!, appendPointer(p, k));
  }
}

function reference(v: JsonValue): string[] {
  const out: string[] = [];
  if (nestingDepth(v) > MAX_EVENT_DEPTH) out.push("");
  for (const p of unreadableNumbers(v, ROOT_POINTER)) out.push(p);
  return out;
}

// Exactly representable, so the strict parser takes it; its canonical form "10000000000000000" is above 2^53-1.
const BIG = "1e16";
const base = '"id":"e1","ts":"2026-01-01T00:00:00Z","type":"agent.note","actor":{"id":"a"}';

function deep(levels: number, leaf: string): string {
  return "[".repeat(levels) + leaf + "]".repeat(levels);
}

describe("EventLogChecker: depth and unreadable numbers in one walk", () => {
  const cases: [string, string][] = [
    ["none", `{${base},"n":1}`],
    ["names that need escaping, arrays, nested objects", `{${base},"a/b":{"~c":[1,${BIG},{"2":${BIG}}]},"": ${BIG},"constructor":{"toString":${BIG}}}`],
    ["integer-valued but not above 2^53 or written with an exponent past 1e21", `{${base},"x":[9007199254740991,1e21,1.5,-${BIG}]}`],
    ["too deep, with numbers inside", `{${base},"d":${deep(MAX_EVENT_DEPTH, BIG)}}`],
    ["exactly as deep as allowed", `{${base},"d":${deep(MAX_EVENT_DEPTH - 1, "1")}}`],
  ];
  for (const [name, line] of cases) {
    it(`the problems of the two walks, in their order: ${name}`, () => {
      const r = new EventLogChecker(nodeCrypto).check(line, 7);
      const v = JSON.parse(line) as JsonValue;
      const ours = r.problems.filter((p) => p.message.includes("2^53") || p.message.includes("nests deeper")).map((p) => p.pointer);
      expect(ours).toEqual(reference(v));
      if (name !== "none" && name !== "exactly as deep as allowed") expect(ours.length).toBeGreaterThan(0);
      for (const p of r.problems) expect(p.line).toBe(7);
    });
  }

  it("counts every unreadable number past the listed ones", () => {
    const n = MAX_LISTED_PROBLEMS + 37;
    const line = `{${base},"d":${deep(MAX_EVENT_DEPTH, "0")},"many":[${Array(n).fill(BIG).join(",")}]}`;
    const r = new EventLogChecker(nodeCrypto).check(line, 1);
    expect(r.event).toBeUndefined();
    expect(r.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(r.problems[0]!.message).toContain("nests deeper");
    expect(r.problems[1]!.pointer).toBe("/many/0");
    // The depth problem, every number, and the schema's say on the extra members (none here: the
    // count of the two walks' problems is what is compared).
    expect(r.problemCount).toBeGreaterThanOrEqual(1 + n);
    expect(r.problemCount - (1 + n)).toBe(new EventLogChecker(nodeCrypto).check(line.replace(/1e16/g, "1").replace(/\[\[+0\]+\]/, "0"), 1).problemCount);
  });
});
