/** Findings capped per code (issue 12): the list is bounded, the verdict weighs every finding. */
import { describe, expect, it } from "vitest";
import { FindingList } from "../../../src/core/verify/finding.js";

describe("FindingList", () => {
  it("keeps the first findings of each code, counts the rest, and judges by all of them", () => {
    const list = new FindingList(2);
    list.add({ code: "a", effect: "warning", message: "1" });
    list.add({ code: "b", effect: "info", message: "1" });
    list.add({ code: "a", effect: "warning", message: "2" });
    expect(list.verdict()).toBe("verified");
    // Past the cap of code "a": not kept, but counted, and it makes the verdict.
    list.add({ code: "a", effect: "invalid", message: "3" });
    list.addAll([{ code: "a", effect: "warning", message: "4" }]);
    expect(list.findings.map((f) => f.code + f.message)).toEqual(["a1", "b1", "a2"]);
    expect(list.dropped()).toEqual({ a: 2 });
    expect(list.verdict()).toBe("invalid");
    expect(list.has("invalid")).toBe(true);
  });

  it("an insufficient finding past the cap still means insufficient evidence", () => {
    const list = new FindingList(1);
    list.add({ code: "s", effect: "info", message: "" });
    list.add({ code: "s", effect: "insufficient", message: "" });
    expect(list.verdict()).toBe("insufficient_evidence");
  });

  it("adds a list of 200,000 findings without a stack overflow", () => {
    const list = new FindingList();
    list.addAll(Array.from({ length: 200_000 }, (_, i) => ({ code: "x", effect: "warning" as const, message: String(i) })));
    expect(list.findings).toHaveLength(100);
    expect(list.dropped()).toEqual({ x: 199_900 });
  });
});
