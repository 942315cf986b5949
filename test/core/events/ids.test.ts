/**
 * IdIndex (issue 14): the ids of an event log kept as 128-bit digests, not strings. It must
 * answer exactly what a Map of the ids answers: the first line of every repeated id, nothing for a
 * new one, through every growth of its table, for any text an id can be.
 */
import { describe, expect, it } from "vitest";
import { IdIndex } from "../../../src/core/events/ids.js";
import { EventLogChecker } from "../../../src/core/events/log.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("IdIndex answers as a Map of the ids would", () => {
  for (const [name, crypto] of [["node:crypto", nodeCrypto], ["@noble", nobleCrypto]] as const) {
    it(`on 60,000 lines with repeats, from a table of 4 slots (${name})`, () => {
      const random = rng(5);
      const special = ["", "constructor", "__proto__", "toString", "hasOwnProperty", "é", "e\u0301", "日本", "🙂", "\u0000", "a".repeat(10_000)];
      const index = new IdIndex(crypto, 4);
      const reference = new Map<string, number>();
      let repeats = 0;
      for (let line = 1; line <= 60_000; line++) {
        const r = random();
        const id = r < 0.01 ? special[Math.floor(random() * special.length)]! : r < 0.2 ? `evt-${Math.floor(random() * 5000)}` : `evt-${line}-${Math.floor(random() * 1e9)}`;
        const want = reference.get(id);
        if (want === undefined) reference.set(id, line);
        else repeats++;
        expect(index.firstUse(id, line)).toBe(want);
      }
      expect(index.size).toBe(reference.size);
      expect(repeats).toBeGreaterThan(5000);
    });
  }

  it("refuses a line that is not a line number (0 marks an empty slot), and a table that is not a power of two", () => {
    expect(() => new IdIndex(nodeCrypto).firstUse("x", 0)).toThrow(RangeError);
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
