/**
 * IdIndex (issue 14): the ids of an event log kept as keyed 64-bit fingerprints, not strings. It
 * must answer exactly what a Map of the ids answers: the first line of every repeated id, nothing
 * for a new one, through every growth of its table, for any text an id can be, at any line.
 */
import { describe, expect, it } from "vitest";
import { IdIndex } from "../../../src/core/events/ids.js";
import { EventLogChecker } from "../../../src/core/events/log.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { makeRng } from "../../../fixtures/generate-events.mjs";


describe("IdIndex answers as a Map of the ids would", () => {
  for (const [name, crypto] of [["node:crypto", nodeCrypto], ["@noble", nobleCrypto]] as const) {
    it(`on 60,000 lines with repeats, from a table of 4 slots (${name})`, () => {
      const rng = makeRng(5);
      const special = ["", "constructor", "__proto__", "toString", "hasOwnProperty", "é", "e\u0301", "日本", "🙂", "\u0000", "a".repeat(10_000)];
      const index = new IdIndex(crypto, 4);
      const reference = new Map<string, number>();
      let repeats = 0;
      for (let line = 1; line <= 60_000; line++) {
        const id = rng.chance(0.01) ? (rng.pick(special) as string) : rng.chance(0.2) ? `evt-${rng.int(5000)}` : `evt-${line}-${rng.int(1e9)}`;
        const want = reference.get(id);
        if (want === undefined) reference.set(id, line);
        else repeats++;
        expect(index.firstUse(id, line)).toBe(want);
      }
      expect(index.size).toBe(reference.size);
      expect(repeats).toBeGreaterThan(5000);
    });
  }

  it("keeps lines past 2^32 - 2, where a slot's 32 bits end", () => {
    const index = new IdIndex(nodeCrypto, 4);
    const far = 2 ** 32 + 7;
    expect(index.firstUse("near", 2 ** 32 - 2)).toBeUndefined();
    expect(index.firstUse("edge", 2 ** 32 - 1)).toBeUndefined();
    expect(index.firstUse("far", far)).toBeUndefined();
    for (let i = 0; i < 20; i++) index.firstUse(`grow-${i}`, far + 1 + i);
    expect(index.firstUse("near", far + 100)).toBe(2 ** 32 - 2);
    expect(index.firstUse("edge", far + 101)).toBe(2 ** 32 - 1);
    expect(index.firstUse("far", far + 102)).toBe(far);
    expect(index.firstUse("grow-19", far + 103)).toBe(far + 20);
  });

  it("hashes each id behind its index's key, and takes a shared fingerprint for a duplicate: a refusal, never an acceptance", () => {
    const inputs: Uint8Array[] = [];
    const key = Uint8Array.from({ length: 16 }, (_, i) => 200 + i);
    // A digest that is the same for every input: every id collides with the first.
    const colliding = { ...nodeCrypto, randomBytes: () => key.slice(), sha256Latin1: (data: Uint8Array) => (inputs.push(data.slice()), "\u0001".repeat(32)) };
    const index = new IdIndex(colliding);
    expect(index.firstUse("a", 1)).toBeUndefined();
    expect(index.firstUse("b", 2)).toBe(1);
    expect(inputs.map((i) => Buffer.from(i).toString("latin1"))).toEqual([Buffer.from([...key, 0x61]).toString("latin1"), Buffer.from([...key, 0x62]).toString("latin1")]);
  });

  it("draws a new key for each index, and still finds every repeat", () => {
    const keys: Uint8Array[] = [];
    const recording = { ...nodeCrypto, randomBytes: (n: number) => { const k = nodeCrypto.randomBytes(n); keys.push(k); return k; } };
    const a = new IdIndex(recording);
    const b = new IdIndex(recording);
    expect(keys).toHaveLength(2);
    expect(keys[0]!.length).toBe(16);
    expect(Buffer.from(keys[0]!).equals(Buffer.from(keys[1]!))).toBe(false);
    for (const index of [a, b]) {
      expect(index.firstUse("x", 1)).toBeUndefined();
      expect(index.firstUse("x", 2)).toBe(1);
    }
  });

  it("refuses a line that is not a line number (0 marks an empty slot), and a table that is not a power of two", () => {
    for (const line of [0, -1, 1.5, NaN, 2 ** 53]) expect(() => new IdIndex(nodeCrypto).firstUse("x", line)).toThrow(RangeError);
    for (const slots of [0, 1, 3, 6, 1000]) expect(() => new IdIndex(nodeCrypto, slots)).toThrow(RangeError);
  });

  it("makes the checker name the first line of a duplicate id, and only for a duplicate", () => {
    const checker = new EventLogChecker(nodeCrypto);
    // Whatever else the schema says of these events, only the id problems are looked at.
    const idProblems = (id: string, n: number) => checker.check(JSON.stringify({ id, ts: "2026-01-01T00:00:00Z", type: "agent.note" }), n).problems.filter((p) => p.pointer === "/id");
    expect(idProblems("a", 1)).toEqual([]);
    expect(idProblems("b", 2)).toEqual([]);
    expect(idProblems("a", 3)).toEqual([{ line: 3, pointer: "/id", message: 'duplicate event id "a" (first used on line 1)' }]);
    expect(idProblems("a", 4)[0]!.message).toContain("first used on line 1");
    expect(idProblems("constructor", 5)).toEqual([]);
  });
});
