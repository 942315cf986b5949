/**
 * JSON Pointers (RFC 6901, DESIGN §2, §4): the scanning fast paths must give exactly what the
 * plain regular-expression definitions give. Salts are keyed by the canonical spelling, so a
 * pointer accepted or spelled differently would break or forge a share's salt look-ups.
 */
import { describe, expect, it } from "vitest";
import { appendPointer, asPointer, escapeToken, isWithin, parsePointer, unescapeToken, type JsonPointer } from "../../../src/core/json/pointer.js";

const referenceEscape = (t: string) => t.replace(/~/g, "~0").replace(/\//g, "~1");
const referenceUnescape = (t: string) => t.replace(/~1/g, "/").replace(/~0/g, "~");
function referenceParse(text: string): string[] | undefined {
  if (text === "") return [];
  if (!text.startsWith("/")) return undefined;
  const raw = text.slice(1).split("/");
  for (const t of raw) if (/~(?![01])/.test(t)) return undefined;
  return raw.map(referenceUnescape);
}
const referenceWithin = (outer: string, inner: string, orEqual = false) => (outer === inner ? orEqual : inner.startsWith(outer + "/"));

const CHARS = ["a", "~", "/", "0", "1", "2", "é", "\u{1f602}", ""];
function* texts(maxParts: number): Generator<string> {
  let level = [""];
  yield "";
  for (let n = 1; n <= maxParts; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of CHARS) if (c !== "") next.push(s + c);
    yield* next;
    level = next;
  }
}

describe("JSON Pointer spelling", () => {
  it("escapeToken and unescapeToken equal the RFC 6901 replacements on every short mix of ~, /, 0, 1 and others", () => {
    const failures: string[] = [];
    for (const t of texts(5)) {
      if (escapeToken(t) !== referenceEscape(t)) failures.push("escape " + JSON.stringify(t));
      if (unescapeToken(t) !== referenceUnescape(t)) failures.push("unescape " + JSON.stringify(t));
      if (unescapeToken(escapeToken(t)) !== t) failures.push("round trip " + JSON.stringify(t));
    }
    expect(failures).toEqual([]);
    expect(escapeToken("a/b~c")).toBe("a~1b~0c");
    expect(unescapeToken("~01")).toBe("~1");
  });

  it("parsePointer and asPointer accept exactly the canonical spellings and give the same tokens", () => {
    const failures: string[] = [];
    let accepted = 0;
    for (const t of texts(5)) {
      const want = referenceParse(t);
      if (want !== undefined) accepted++;
      if (JSON.stringify(parsePointer(t)) !== JSON.stringify(want)) failures.push("parse " + JSON.stringify(t));
      if (asPointer(t) !== (want === undefined ? undefined : t)) failures.push("asPointer " + JSON.stringify(t));
    }
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(1000);
    expect(parsePointer("/a~1b/~0/")).toEqual(["a/b", "~", ""]);
    expect(parsePointer("/a~2")).toBeUndefined();
    expect(parsePointer("/a~")).toBeUndefined();
    expect(parsePointer("a")).toBeUndefined();
  });

  it("appendPointer builds what parsePointer reads back", () => {
    for (const t of texts(4)) {
      const p = appendPointer(appendPointer("" as JsonPointer, t), 7);
      expect(parsePointer(p)).toEqual([t, "7"]);
    }
  });

  it("isWithin equals the prefix definition, never mistaking a sibling with a longer name for a child", () => {
    const pointers = ["", "/", "/a", "/a/", "/a/b", "/ab", "/ab/c", "/a~1b", "/a/b/c", "//", "/b"];
    for (const outer of pointers) {
      for (const inner of pointers) {
        expect(isWithin(outer as JsonPointer, inner as JsonPointer), `${outer} ${inner}`).toBe(referenceWithin(outer, inner));
        expect(isWithin(outer as JsonPointer, inner as JsonPointer, true)).toBe(referenceWithin(outer, inner, true));
      }
    }
    expect(isWithin("/a" as JsonPointer, "/ab" as JsonPointer)).toBe(false);
    expect(isWithin("/a" as JsonPointer, "/a/b" as JsonPointer)).toBe(true);
  });
});
