/** The line reader refuses a line over its limit without holding it (issue 12). */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { readLines } from "../../src/io/lines.js";
import { tempDir } from "../support/temp.js";

describe("readLines", () => {
  it("yields a too-long error for each line over the limit, within a chunk or across chunks, and goes on", () => {
    const file = path.join(tempDir(), "lines.txt");
    // The reader takes 1 MiB at a time: the 3 MB line spans chunks, the last one has no LF.
    fs.writeFileSync(file, ["short", "x".repeat(25), "ok", "y".repeat(3_000_000), "0123456789", "end", "z".repeat(11)].join("\n"));
    const got = [...readLines(file, "input", 10)].map((l) => ("text" in l ? [l.line, l.text] : [l.line, l.error]));
    expect(got).toEqual([
      [1, "short"],
      [2, "too-long"],
      [3, "ok"],
      [4, "too-long"],
      [5, "0123456789"],
      [6, "end"],
      [7, "too-long"],
    ]);
  });
});
