/**
 * Redaction policies (DESIGN §9): the reader and schemas/policy.schema.json agree, wildcards
 * cover names and indexes, `keep` redacts the rest, and a criterion the input already hides
 * makes the rule apply (hide more, never less).
 */
import { describe, expect, it } from "vitest";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { isWithin, type JsonPointer } from "../../../src/core/json/pointer.js";
import { validatePolicy } from "../../../src/core/schema/generated/validators.js";
import { KNOWN_EVENT_TYPES } from "../../../src/core/schema/validate.js";
import { outermost, policyTargets, POLICY_FORMAT, readPolicy, type Policy } from "../../../src/core/redact/policy.js";
import { BUILT_IN_POLICIES, KNOWN_TYPES } from "../../../src/core/redact/policies.js";
import { extendPolicy, RuleSpecError } from "../../../src/core/redact/share.js";
import { compileGlob } from "../../../src/core/redact/pointer-glob.js";

const policy = (rules: JsonValue[]): JsonObject => ({ format: POLICY_FORMAT, name: "t", rules });
const targets = (p: Policy, event: JsonObject, hidden: string[] = [], seq = 0) =>
  policyTargets(p, { seq, event, hidden: (ptr) => hidden.some((h) => isWithin(h as JsonPointer, ptr, true)) });

describe("reading a policy", () => {
  const good: JsonObject[] = [
    ...Object.values(BUILT_IN_POLICIES).map((p) => p as unknown as JsonObject),
    policy([{ match: { type: ["tool.*"], tool: ["crm.*"], fields: { "/decision/outcome": "blocked" }, seq: [1, 2] }, redact: ["/args/*/to", ""] }]),
    policy([]),
  ];
  const bad: [string, JsonValue, string][] = [
    ["not an object", [], ""],
    ["wrong format", { format: "x", name: "t", rules: [] }, "/format"],
    ["unknown member", { ...policy([]), extra: 1 }, "/extra"],
    ["two actions", policy([{ redact: ["/a"], elide: true }]), "/rules/0"],
    ["no action", policy([{ match: { type: ["a.b"] } }]), "/rules/0"],
    ["non-canonical pointer", policy([{ redact: ["args"] }]), "/rules/0/redact/0"],
    ["bad escape", policy([{ redact: ["/a~2"] }]), "/rules/0/redact/0"],
    ["keep the root", policy([{ keep: [""] }]), "/rules/0/keep/0"],
    ["elide false", policy([{ elide: false }]), "/rules/0/elide"],
    ["empty globs", policy([{ match: { type: [] }, elide: true }]), "/rules/0/match/type"],
    ["a root pointer in fields", policy([{ match: { fields: { "": "x" } }, elide: true }]), "/rules/0/match/fields"],
    ["negative seq", policy([{ match: { seq: [-1] }, elide: true }]), "/rules/0/match/seq"],
  ];

  it.each(good.map((p, i) => [i, p]))("accepts policy %i, as the schema does", (_i, p) => {
    expect(readPolicy(p).problems).toEqual([]);
    expect(validatePolicy(p)).toBe(true);
  });

  it.each(bad)("refuses %s, naming the pointer, as the schema does", (_what, p, pointer) => {
    const r = readPolicy(p);
    expect(r.policy).toBeUndefined();
    expect(r.problems.map((x) => x.pointer)).toContain(pointer);
    expect(validatePolicy(p)).toBe(false);
  });

  it("the auditor policy knows exactly the event types with a schema", () => {
    expect([...KNOWN_TYPES].sort()).toEqual([...KNOWN_EVENT_TYPES].sort());
  });
});

describe("applying a policy", () => {
  const event: JsonObject = {
    type: "tool.call",
    tool: { name: "mail.send" },
    decision: { outcome: "allowed" },
    args: { to: [{ addr: "a" }, { addr: "b" }], "we/ird~": 1 },
  };

  it("expands * over array indexes and member names", () => {
    const p = readPolicy(policy([{ redact: ["/args/to/*/addr", "/*/outcome"] }])).policy!;
    expect(targets(p, event)).toEqual({ elide: false, redact: ["/args/to/0/addr", "/args/to/1/addr", "/decision/outcome"] });
  });

  it("uses canonical escapes for odd member names", () => {
    const p = readPolicy(policy([{ redact: ["/args/we~1ird~0"] }])).policy!;
    expect(targets(p, event).redact).toEqual(["/args/we~1ird~0"]);
  });

  it("keeps only the kept pointers and redacts the rest", () => {
    const p = readPolicy(policy([{ keep: ["/type", "/tool/name", "/args/to/*/addr"] }])).policy!;
    expect(targets(p, event).redact).toEqual(["/args/we~1ird~0", "/decision"]);
  });

  it("matches type, tool, fields and seq", () => {
    const p = readPolicy(policy([{ match: { type: ["tool.*"], tool: ["mail.*"], fields: { "/decision/outcome": "allow*" } }, redact: ["/args"] }])).policy!;
    expect(targets(p, event).redact).toEqual(["/args"]);
    expect(targets(p, { ...event, tool: { name: "crm.export" } }).redact).toEqual([]);
    const bySeq = extendPolicy(readPolicy(policy([])).policy!, ["3:/args"], []);
    expect(targets(bySeq, event, [], 3).redact).toEqual(["/args"]);
    expect(targets(bySeq, event, [], 2).redact).toEqual([]);
  });

  it("applies a rule whose criterion the input already hides (hides more, never less)", () => {
    const p = readPolicy(policy([{ match: { type: ["tool.call"] }, redact: ["/args"] }, { match: { notType: ["tool.call"] }, elide: true }])).policy!;
    const hiddenType = { ...event, type: null };
    const t = targets(p, hiddenType, ["/type"]);
    expect(t.redact).toEqual(["/args"]);
    expect(t.elide).toBe(true);
  });

  it("elides when a rule redacts the root", () => {
    expect(targets(readPolicy(policy([{ redact: [""] }])).policy!, event).elide).toBe(true);
  });

  it("keeps the outermost of nested pointers", () => {
    expect(outermost(["/a/b", "/a", "/a!", "/c/d", "/c/d"] as JsonPointer[])).toEqual(["/a", "/a!", "/c/d"]);
  });

  it("reads --redact and --elide values, and refuses bad ones", () => {
    const p = extendPolicy(readPolicy(policy([])).policy!, ["/args", "2:/x/*"], ["4", "agent.*"]);
    expect(p.rules.map((r) => [r.match ?? null, r.redact ?? null, r.elide ?? null])).toEqual([
      [null, ["/args"], null],
      [{ seq: [2] }, ["/x/*"], null],
      [{ seq: [4] }, null, true],
      [{ type: ["agent.*"] }, null, true],
    ]);
    expect(readPolicy(p as unknown as JsonObject).problems).toEqual([]);
    expect(() => extendPolicy(p, ["args"], [])).toThrow(RuleSpecError);
    expect(() => extendPolicy(p, [], ["tool call"])).toThrow(RuleSpecError);
  });

  it("globs match the whole string, * across dots", () => {
    expect(compileGlob("tool.*")("tool.call")).toBe(true);
    expect(compileGlob("tool.*")("xtool.call")).toBe(false);
    expect(compileGlob("*")("a.b.c")).toBe(true);
    expect(compileGlob("a.b")("aXb")).toBe(false);
  });
});
