/**
 * JcsByteWriter (issue 14: records leave as bytes): the same bytes as utf8(canonicalize(v)) and
 * the same refusals, over the RFC 8785 vectors, generated events, huge strings and many values
 * written into one buffer.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalBytes, canonicalize, JcsByteWriter } from "../../../src/core/json/canonical.js";
import { parseJsonBytes } from "../../../src/core/json/parse.js";
import type { JsonValue } from "../../../src/core/json/value.js";
import { VECTORS } from "../../support/vectors.js";
import { generateEvents } from "../../../fixtures/generate-events.mjs";

const bytesOf = (v: JsonValue, w = new JcsByteWriter(16)): Uint8Array => {
  w.reset();
  w.value(v);
  return w.bytes.slice(0, w.length);
};

describe("JcsByteWriter", () => {
  it("writes the RFC 8785 vector outputs", () => {
    const dir = VECTORS + "jcs/";
    const names = readdirSync(dir + "input").filter((n) => n.endsWith(".json"));
    expect(names.length).toBe(6);
    for (const name of names) {
      const value = parseJsonBytes(readFileSync(dir + "input/" + name));
      expect(Buffer.from(bytesOf(value)).equals(readFileSync(dir + "output/" + name)), name).toBe(true);
    }
  });

  it("writes generated events, one after another in one buffer, as canonicalBytes does", () => {
    const w = new JcsByteWriter(64);
    const expected: Uint8Array[] = [];
    for (const e of generateEvents(300, 3)) {
      if (w.length > 0) w.ascii(",");
      w.value(e);
      expected.push(canonicalBytes(e));
    }
    const joined = Buffer.from(expected.map((b) => Buffer.from(b).toString("latin1")).join(","), "latin1");
    expect(Buffer.from(w.bytes.subarray(0, w.length)).equals(joined)).toBe(true);
  });

  it("writes strings above the in-place size (escapes, non-ASCII, astral) as canonicalize does", () => {
    const big = "a\"\\\n\u0001é€😀".repeat(20_000);
    const v = { [big.slice(0, 70_000)]: [big, 1.5, -0, null, true] };
    expect(Buffer.from(bytesOf(v)).toString("utf8")).toBe(canonicalize(v));
  });

  it("refuses what canonicalize refuses, dropping the bytes written for the value", () => {
    const refused: unknown[] = [NaN, [1, Infinity], { a: undefined }, [1, , 3], new Date(0), "a\ud800", { "\udc00": 1 }, "x".repeat(70_000) + "\ud800"]; // eslint-disable-line no-sparse-arrays
    const w = new JcsByteWriter(16);
    w.value({ ok: 1 });
    for (const v of refused) {
      expect(() => w.value(v as JsonValue)).toThrow(TypeError);
      expect(Buffer.from(w.bytes.subarray(0, w.length)).toString()).toBe('{"ok":1}');
    }
    const cyclic: JsonValue[] = [];
    cyclic.push(cyclic);
    expect(() => w.value(cyclic)).toThrow(TypeError);
  });

  it("lets a buffer that grew for one huge value go on reset", () => {
    const w = new JcsByteWriter(1024);
    w.value("x".repeat(100_000));
    expect(w.bytes.length).toBeGreaterThan(100_000);
    w.reset();
    expect(w.bytes.length).toBe(1024);
  });
});
