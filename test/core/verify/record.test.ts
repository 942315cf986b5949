/**
 * checkRecord (src/core/verify/steps/record.ts) after the speed-ups of issue 6: the digest walk
 * measures the event's depth on its way, salts are taken out of their map as the walk uses them,
 * and pointers, hex and base64url are checked by scans instead of regular expressions. The
 * findings (codes, pointers, order) and the digests must be what the plain definitions give.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { checkRecord } from "../../../src/core/verify/steps/record.js";
import { eventDigest, eventDigestAndDepth, nestingDepth, nodeDigest, seedSalt } from "../../../src/core/digest/tree.js";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { b64uEncode } from "../../../src/core/encoding/base64url.js";
import { toHex } from "../../../src/core/encoding/hex.js";
import type { JsonPointer } from "../../../src/core/json/pointer.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";

const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const seedText = b64uEncode(seed);

/** An object nested `levels` deep (the root object is level 1). */
function nested(levels: number): JsonObject {
  let v: JsonValue = "leaf";
  for (let i = 1; i < levels; i++) v = i % 2 ? { k: v } : [v];
  return { id: "e", deep: v };
}

const codesOf = (r: ReturnType<typeof checkRecord>) => r.findings.map((f) => `${f.code} ${f.pointer}`);

describe.each([nodeCrypto, nobleCrypto])("checkRecord ($name)", (crypto) => {
  it("eventDigestAndDepth gives eventDigest's digest and nestingDepth's depth", () => {
    const values: JsonValue[] = [{}, [], { a: 1 }, { a: [] }, { a: [[{}]] }, nested(5), nested(60), nested(64), { ["x".repeat(70_000)]: { y: [1, { z: 2 }] } }];
    for (const v of values) {
      const r = eventDigestAndDepth(crypto, v, seed);
      expect(toHex(r.digest)).toBe(toHex(eventDigest(crypto, v, seed)));
      expect(r.depth).toBe(nestingDepth(v));
    }
    // A seed too long for the path buffer takes the other walk; the depth is still measured.
    const longSeed = new Uint8Array(70_000).fill(3);
    expect(eventDigestAndDepth(crypto, nested(7), longSeed).depth).toBe(7);
  });

  it("reports an event deeper than 60 levels (and not one of exactly 60), with the right digest either way", () => {
    for (const [levels, deep] of [[60, false], [61, true]] as const) {
      const event = nested(levels);
      const r = checkRecord(crypto, { seq: 4, seed: seedText, event }, 4, "full", 9);
      expect(codesOf(r)).toEqual(deep ? ["record.depth /events/4/event"] : []);
      expect(toHex(r.digest!)).toBe(toHex(eventDigest(crypto, event, seed)));
      if (deep) expect(r.findings[0]).toMatchObject({ seq: 4, line: 9, effect: "invalid" });
    }
  });

  it("keeps the order depth, then seed, when the seed is bad too", () => {
    const r = checkRecord(crypto, { seq: 0, seed: "AAAA", event: nested(62) }, 0, "full");
    expect(codesOf(r)).toEqual(["record.depth /events/0/event", "record.seed /events/0/seed"]);
    expect(r.digest).toBeUndefined();
  });

  it("a partial record: missing and extra salts, each named once, in the record's order", () => {
    const event: JsonObject = { a: "x", b: { c: 1, d: null }, e: [true, "y"], f: null };
    const salt = (p: string) => b64uEncode(seedSalt(crypto, seed, p as JsonPointer));
    const fDigest = createHash("sha256").update("stand-in for f").digest("hex");
    const salts: Record<string, string> = { "/a": salt("/a"), "/b": salt("/b"), "/b/c": salt("/b/c"), "/e/1": salt("/e/1"), "/f": salt("/f"), "/zz": salt("/zz") };
    const r = checkRecord(crypto, { seq: 2, event, salts, redacted: { "/f": fDigest } }, 2, "share");
    expect(codesOf(r)).toEqual([
      "record.salt-missing /events/2/event/b/d",
      "record.salt-missing /events/2/event/e/0",
      "record.salt-extra /events/2/salts",
      "record.salt-extra /events/2/salts",
      "record.salt-extra /events/2/salts",
    ]);
    expect(r.findings.slice(2).map((f) => f.message.match(/"([^"]*)"/)![1])).toEqual(["/b", "/f", "/zz"]);
    expect(r.digest).toBeUndefined();
    expect(r.redactedCount).toBe(1);
  });

  it("a complete partial record gives the digest of the full event", () => {
    const full: JsonObject = { a: "x", b: { c: 1, d: "hidden", "~/": [0] }, e: [true, "y"] };
    const want = toHex(eventDigest(crypto, full, seed));
    const stand = toHex(nodeDigest(crypto, (full.b as JsonObject).d!, "/b/d" as JsonPointer, { salt: (p) => seedSalt(crypto, seed, p), redacted: () => undefined }));
    const event: JsonObject = { a: "x", b: { c: 1, d: null, "~/": [0] }, e: [true, "y"] };
    const salts: Record<string, string> = {};
    for (const p of ["/a", "/b/c", "/b/~0~1/0", "/e/0", "/e/1"]) salts[p] = b64uEncode(seedSalt(crypto, seed, p as JsonPointer));
    const r = checkRecord(crypto, { seq: 0, event, salts, redacted: { "/b/d": stand } }, 0, "share");
    expect(r.findings).toEqual([]);
    expect(toHex(r.digest!)).toBe(want);
    // The same record with a salt spelled in a non-canonical pointer is refused, not looked up.
    const bad = checkRecord(crypto, { seq: 0, event, salts: { ...salts, "/b/~2": salts["/a"]! }, redacted: { "/b/d": stand } }, 0, "share");
    expect(codesOf(bad)).toContain("record.salt-pointer /events/0/salts");
  });
});
