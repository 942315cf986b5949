/**
 * Export writes each record's JCS from its digest walk (issue 14): the leaves' bytes copied from
 * the hash input, names and punctuation written as the walk goes. The bytes must be exactly
 * canonicalize(record), whatever the event: every value kind, escapes, non-ASCII, names out of
 * JCS order, and paths past the walk's default 64 KB byte path (which grows for them).
 */
import { describe, expect, it } from "vitest";
import { Exporter } from "../../../src/core/export/exporter.js";
import { canonicalize } from "../../../src/core/json/canonical.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { generateEvents } from "../../../fixtures/generate-events.mjs";

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

function exportAll(crypto: typeof nodeCrypto, events: JsonObject[]): { jcs: string; want: string }[] {
  const exporter = new Exporter(crypto, "chain-record-bytes");
  return events.map((event) => {
    const r = exporter.add(event);
    if (!r.ok) throw new Error("refused");
    // Copied at once: the bytes are valid until the next add.
    return { jcs: text(r.jcs), want: canonicalize(r.record as unknown as JsonValue) };
  });
}

const hostile: JsonObject[] = [
  { type: "t", empty: {}, none: [], nested: [[], {}, [[{}]]], z: null, t: true, f: false },
  { type: "t", n: [0, -0, 1, -1, 1.5, 1e21, 1e-7, 9007199254740991, -9007199254740991, 123456789.125, 5e-324, 1.7976931348623157e308] },
  { type: "t", s: ["", '"', "\\", "\u0000\u001f\u007f", "\b\f\n\r\t", "é", "日本", "🙂", "\u2028\u2029", "a\u0301"] },
  { type: "t", "z": 1, "a": 2, "B": 3, "é": 4, "🙂": 5, "\u00ff": 6, "10": 7, "9": 8, "": 9, "a/b": 10, "~": 11 },
  { type: "t", list: Array.from({ length: 25 }, (_, i) => ({ i, v: `v${i}` })) },
  // Paths past the walk's default 64 KB byte path, which grows for them.
  { type: "t", long: { ["k".repeat(30_000)]: { inner: [1, "x", { deep: true }] }, after: 1 }, z: "end" },
  { type: "t", wide: { ["é".repeat(22_000)]: "two-byte name", b: [1, 2] } },
  { type: "t", big: "x".repeat(200_000), after: ["a", 1] },
];

describe("the record bytes export writes from its digest walk", () => {
  for (const [name, crypto] of [["node:crypto", nodeCrypto], ["@noble", nobleCrypto]] as const) {
    it(`are canonicalize(record) on 500 generated events (${name})`, () => {
      for (const r of exportAll(crypto, [...generateEvents(500, 3)] as JsonObject[])) expect(r.jcs).toBe(r.want);
    });
  }

  for (const [name, crypto] of [["node:crypto", nodeCrypto], ["@noble", nobleCrypto]] as const) {
    it(`are canonicalize(record) on every value kind, escapes, names out of order and over-long paths (${name})`, () => {
      const rows = exportAll(crypto, hostile);
      rows.forEach((r, i) => expect(r.jcs, `event ${i}`).toBe(r.want));
      // The records really begin with the event and end with seed and seq (JCS order).
      expect(rows[0]!.jcs.startsWith('{"event":{')).toBe(true);
      expect(rows[0]!.jcs).toMatch(/,"seed":"[A-Za-z0-9_-]{43}","seq":0}$/);
    });
  }
});
