/** exceedsSize counts values as the parser's maxValues does, and text as strings plus names. */
import { describe, expect, it } from "vitest";
import { parseJson } from "../../../src/core/json/parse.js";
import { exceedsSize } from "../../../src/core/json/value.js";

describe("exceedsSize", () => {
  it("agrees with the parser's maxValues on every limit around each document's count", () => {
    const docs = ["1", '"s"', "[]", "{}", "[1,2]", '{"a":{"b":1,"c":[2,3,{}]}}', '[[[[]]],{"x":null},"y"]'];
    for (const text of docs) {
      for (let limit = 1; limit <= 12; limit++) {
        const refused = (() => {
          try {
            parseJson(text, { maxValues: limit });
            return false;
          } catch {
            return true;
          }
        })();
        expect(exceedsSize(parseJson(text), limit, Infinity), `${text} with ${limit}`).toBe(refused);
      }
    }
  });

  it("counts the characters of strings and member names", () => {
    const v = parseJson('{"ab":["cd",{"e":"f"}]}');
    // ab + cd + e + f = 6 units
    expect(exceedsSize(v, 100, 6)).toBe(false);
    expect(exceedsSize(v, 100, 5)).toBe(true);
    expect(exceedsSize("abc", 1, 2)).toBe(true);
  });
});
