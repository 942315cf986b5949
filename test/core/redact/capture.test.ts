/**
 * Issue 14: `proof redact` makes a disclosed record's share from what the walk that checks the
 * record captured (ShareCapture), instead of hashing the event again. The share record must be,
 * byte for byte, what applyPolicyToRecord makes (the plain way, kept for every other record),
 * whatever the policy and the event; and a capture no walk filled (a record refused before its
 * walk) must be refused, never used.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalize } from "../../../src/core/json/canonical.js";
import { b64uEncode } from "../../../src/core/encoding/base64url.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import type { EventRecord } from "../../../src/core/bundle/types.js";
import { checkRecord } from "../../../src/core/verify/steps/record.js";
import { BUILT_IN_POLICIES } from "../../../src/core/redact/policies.js";
import { readPolicy, type Policy } from "../../../src/core/redact/policy.js";
import { appliedFromCapture, applyPolicyToRecord, extendPolicy, planDisclosedRecord } from "../../../src/core/redact/share.js";
import { eventDigest, ShareCapture } from "../../../src/core/digest/tree.js";
import { nodeCrypto as crypto } from "../../../src/platform/node-crypto.js";
import { generateEvents } from "../../../fixtures/generate-events.mjs";

const seedOf = (seq: number) => b64uEncode(new Uint8Array(createHash("sha256").update(`capture ${seq}`).digest()));
const record = (seq: number, event: JsonObject): JsonObject => ({ seq, seed: seedOf(seq), event });

function policyOf(doc: unknown): Policy {
  const r = readPolicy(doc as JsonValue);
  if (!r.policy) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

/** The share record both ways: planned and captured by the check's walk, and the plain way. */
function bothWays(policy: Policy, r: JsonObject): { captured: string | undefined; plain: string; planPlain: unknown; planCaptured: unknown } {
  const planned = planDisclosedRecord(policy, r);
  if (planned === undefined) throw new Error("not planned");
  const checked = checkRecord(crypto, r, r.seq as number, "full", undefined, planned.capture);
  expect(checked.findings).toEqual([]);
  const applied = appliedFromCapture(planned);
  const plain = applyPolicyToRecord(crypto, r as unknown as EventRecord, policy);
  return {
    captured: applied && canonicalize(applied.record as unknown as JsonValue),
    plain: canonicalize(plain.record as unknown as JsonValue),
    planCaptured: applied?.plan,
    planPlain: plain.plan,
  };
}

const POLICIES: [string, Policy][] = [
  ["auditor", BUILT_IN_POLICIES.auditor!],
  ["strict", BUILT_IN_POLICIES.strict!],
  [
    "keep and redact with wildcards",
    policyOf({
      format: "imladri.redaction-policy/v1",
      name: "mixed",
      rules: [
        { match: { type: ["tool.*"] }, keep: ["/type", "/ts", "/tool/name", "/args/*/id"] },
        { redact: ["/actor", "/result/output/*", "/args/0", "/args/10", "/args/11"] },
        { match: { type: ["session.end"] }, elide: true },
      ],
    }),
  ],
  ["--redact and --elide by seq", extendPolicy(BUILT_IN_POLICIES.auditor!, ["3:/type", "5:", "7:/args", "8:/nothing/there"], ["9"])],
];

describe("a share record made from the check's capture is the one made the plain way", () => {
  const events = [...generateEvents(400, 11)] as JsonObject[];

  for (const [name, policy] of POLICIES) {
    it(`on 400 generated events, policy ${name}`, () => {
      let hiding = 0;
      events.forEach((event, seq) => {
        const r = bothWays(policy, record(seq, event));
        expect(r.captured).toBeDefined();
        expect(r.captured).toBe(r.plain);
        expect(r.planCaptured).toEqual(r.planPlain);
        const plan = r.planPlain as { action: string; pointers: string[] };
        if (plan.action === "elide" || plan.pointers.length > 0) hiding++;
      });
      // The policy hid something in most events: the captured digests were used, not only salts.
      expect(hiding).toBeGreaterThan(200);
    });
  }

  it("on hostile names and shapes: escapes, non-ASCII, prototype names, long arrays, hidden leaves and containers", () => {
    const event: JsonObject = {
      type: "tool.call",
      "a/b": { "~x": 1, "c~/d": [1, 2] },
      constructor: { __proto__x: "v", toString: null },
      "é🙂": { "ü": "ß", n: -0.5e-7 },
      list: Array.from({ length: 14 }, (_, i) => ({ i, s: `v${i}` })),
      "": { "": "empty names" },
      deep: { a: { b: { c: { d: [[["x"]]] } } } },
    };
    const policy = policyOf({
      format: "imladri.redaction-policy/v1",
      name: "hostile",
      rules: [{ redact: ["/a~1b/~0x", "/constructor/toString", "/é🙂/ü", "/list/11", "/list/2/s", "/list/10/i", "/~1", "/deep/a/b", "/deep/a/b/c", "/", "/missing", "/list/99"] }],
    });
    const r = bothWays(policy, record(1, event));
    expect(r.captured).toBeDefined();
    expect(r.captured).toBe(r.plain);
    expect(r.planCaptured).toEqual(r.planPlain);
    // Something was hidden at every kind of place.
    expect((r.planPlain as { pointers: string[] }).pointers).toEqual(["/", "/a~1b/~0x", "/constructor/toString", "/deep/a/b", "/list/10/i", "/list/11", "/list/2/s", "/é🙂/ü"]);
  });

  it("an event the policy elides becomes the elided record of its checked digest, nothing else captured", () => {
    const policy = extendPolicy(BUILT_IN_POLICIES.auditor!, [], ["0"]);
    const r = bothWays(policy, record(0, events[0]!));
    expect(JSON.parse(r.captured!)).toHaveProperty("digest");
    expect(r.captured).toBe(r.plain);
    const planned = planDisclosedRecord(policy, record(0, events[0]!))!;
    checkRecord(crypto, record(0, events[0]!), 0, "full", undefined, planned.capture);
    expect(planned.capture.eventDigest).toBeDefined();
    expect(planned.capture.salts).toEqual([]);
    expect(planned.capture.digests.size).toBe(0);
  });

  it("an event's walk cannot be started from inside another's (one byte path)", () => {
    const seed = new Uint8Array(32);
    const scanner = {
      leafText: () => "x",
      privateJwk: () => false,
      leaf: () => void eventDigest(crypto, { a: 1 }, seed),
      jwk: () => undefined,
      name: () => undefined,
    };
    expect(() => eventDigest(crypto, { b: "x" }, seed, { scanner })).toThrow(/not re-entrant/);
    // The guard is down again after the throw.
    expect(eventDigest(crypto, { b: "x" }, seed)).toHaveLength(32);
  });

  it("a record not shaped as a disclosed one is not planned (it is redacted the plain way after its check)", () => {
    const policy = BUILT_IN_POLICIES.auditor!;
    expect(planDisclosedRecord(policy, { seq: 0, digest: "00".repeat(32) })).toBeUndefined();
    expect(planDisclosedRecord(policy, { seq: 0, seed: seedOf(0), event: [] })).toBeUndefined();
    expect(planDisclosedRecord(policy, { seq: -1, seed: seedOf(0), event: {} })).toBeUndefined();
    expect(planDisclosedRecord(policy, { seq: 0, seed: seedOf(0), event: {}, extra: 1 })).toBeUndefined();
    expect(planDisclosedRecord(policy, { seq: 0, event: {}, salts: {}, redacted: {} })).toBeUndefined();
  });

  it("a capture is used only once the walk filled it: not before the check, not for a broken record", () => {
    const policy = BUILT_IN_POLICIES.auditor!;
    const unchecked = planDisclosedRecord(policy, record(0, events[0]!))!;
    expect(appliedFromCapture(unchecked)).toBeUndefined();
    // A seed of the wrong length: the check refuses the record before any walk.
    const broken = { seq: 0, seed: b64uEncode(new Uint8Array(31)), event: events[0]! };
    const planned = planDisclosedRecord(policy, broken)!;
    const checked = checkRecord(crypto, broken, 0, "full", undefined, planned.capture);
    expect(checked.findings.map((f) => f.code)).toEqual(["record.seed"]);
    expect(appliedFromCapture(planned)).toBeUndefined();
  });

  it("a path past the walk's default 64 KB byte path (it grows) is captured, and makes what the plain way makes", () => {
    const long = "k".repeat(30_000);
    const event: JsonObject = { type: "tool.call", args: { [long]: { secret: "x", open: 1 } }, actor: "a" };
    const policy = policyOf({ format: "imladri.redaction-policy/v1", name: "long", rules: [{ redact: [`/args/${long}/secret`] }] });
    const r = record(2, event);
    const planned = planDisclosedRecord(policy, r)!;
    checkRecord(crypto, r, 2, "full", undefined, planned.capture);
    const captured = appliedFromCapture(planned);
    const plain = applyPolicyToRecord(crypto, r as unknown as EventRecord, policy);
    expect(Object.keys((plain.record as { redacted: object }).redacted)).toEqual([`/args/${long}/secret`]);
    expect(captured).toBeDefined();
    expect(canonicalize(captured!.record as unknown as JsonObject)).toBe(canonicalize(plain.record as unknown as JsonObject));
  });

  it("refuses to hide the root: that is eliding", () => {
    expect(() => new ShareCapture([[]])).toThrow(RangeError);
  });
});
