import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseJson, parseJsonBytes, type JsonErrorCode } from "../../../src/core/json/parse.js";
import type { JsonObject } from "../../../src/core/json/value.js";

interface Expected {
  code: JsonErrorCode;
  line: number;
  column: number;
  pointer: string;
  message?: RegExp;
}

function caught(f: () => unknown): JsonSyntaxError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(JsonSyntaxError);
    return e as JsonSyntaxError;
  }
  throw new Error("expected a JsonSyntaxError, but the input was accepted");
}

function expectRefused(f: () => unknown, want: Expected): JsonSyntaxError {
  const e = caught(f);
  expect({ code: e.code, line: e.line, column: e.column, pointer: e.pointer }).toEqual({
    code: want.code,
    line: want.line,
    column: want.column,
    pointer: want.pointer,
  });
  expect(e.message).not.toMatch(/\n/);
  if (want.message) expect(e.message).toMatch(want.message);
  return e;
}

const refuse = (text: string, want: Expected, options?: Parameters<typeof parseJson>[1]) =>
  expectRefused(() => parseJson(text, options), want);

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? Array.from(new TextEncoder().encode(p)) : p)));

describe("parseJson accepts JSON", () => {
  it("parses every kind of value", () => {
    expect(parseJson(' \t\r\n{"a":[1,-2.5e3,true,false,null,"x"],"b":{}} \n')).toStrictEqual({
      a: [1, -2500, true, false, null, "x"],
      b: {},
    });
    expect(parseJson('"only a string"')).toBe("only a string");
    expect(parseJson("0")).toBe(0);
    expect(Object.is(parseJson("-0"), -0)).toBe(true);
    expect(parseJson("[]")).toStrictEqual([]);
  });

  it("unescapes every escape and keeps well-formed surrogate pairs, escaped, raw or mixed", () => {
    expect(parseJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC"')).toBe('"\\/\b\f\n\r\tAé€');
    expect(parseJson('"\\ud83d\\ude02"')).toBe("\u{1f602}");
    expect(parseJson('"\u{1f602}"')).toBe("\u{1f602}");
    expect(parseJson('"\\ud83d\ude02"')).toBe("\u{1f602}");
    expect(parseJson('"\ud83d\\ude02"')).toBe("\u{1f602}");
    expect(parseJson('{"\\ud83d\\ude02":"\ufeff\u2028"}')).toStrictEqual({ "\u{1f602}": "\ufeff\u2028" });
  });

  it("builds plain objects whose members shadow Object.prototype names", () => {
    const v = parseJson('{"constructor":1,"toString":{"hasOwnProperty":2},"valueOf":null}') as JsonObject;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["constructor", "toString", "valueOf"]);
    expect(Object.prototype.hasOwnProperty.call(v, "constructor")).toBe(true);
    expect(v.constructor).toBe(1);
    expect(v.toString).toStrictEqual({ hasOwnProperty: 2 });
    expect(Object.prototype.hasOwnProperty.call(v, "hasOwnProperty")).toBe(false);
    expect(({} as Record<string, unknown>).hasOwnProperty).toBe(Object.prototype.hasOwnProperty);
  });

  it("keeps member order and distinguishes names that differ only after the cache's hash", () => {
    const names = Array.from({ length: 3000 }, (_, i) => "k" + i.toString(36).padStart(4, "0"));
    const text = "{" + names.map((n, i) => `"${n}":${i}`).join(",") + "}";
    const v = parseJson(text) as JsonObject;
    expect(Object.keys(v)).toEqual(names);
    expect(v.k0000).toBe(0);
    // The same names again in many small objects (name cache hits).
    for (let i = 0; i < 3; i++) expect(parseJson(text)).toStrictEqual(v);
  });

  it("accepts integers up to 2^53-1 and any number with a fraction or exponent", () => {
    expect(parseJson("9007199254740991")).toBe(9007199254740991);
    expect(parseJson("-9007199254740991")).toBe(-9007199254740991);
    expect(parseJson("9007199254740992.0")).toBe(9007199254740992);
    expect(parseJson("1e21")).toBe(1e21);
    expect(parseJson("1E+2")).toBe(100);
    expect(parseJson("1e-400")).toBe(0);
    expect(parseJson("0.000000000000000000000000001")).toBe(1e-27);
    expect(parseJson("1.7976931348623157e308")).toBe(Number.MAX_VALUE);
    expect(parseJson("5e-324")).toBe(5e-324);
  });

  it("reads numbers exactly as JSON.parse does", () => {
    const literals = ["0.1", "0.30000000000000004", "333333333.33333329", "4.50", "2e-3", "123456789012345.6", "1.00000000000000011",
      "9007199254740993e0", "2.2250738585072011e-308", "-0.0", "0e5", "12345678901234567890e-5", "1e22", "1e23", "8.41e21"];
    for (const l of literals) expect(Object.is(parseJson(l), JSON.parse(l)), l).toBe(true);
    let s = 0x2545f491;
    for (let i = 0; i < 20000; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const x = ((s >>> 0) / 2 ** 32 - 0.5) * 10 ** ((i % 50) - 25);
      const l = String(x);
      if (/^-?\d+$/.test(l) && Math.abs(x) > Number.MAX_SAFE_INTEGER) continue;
      expect(Object.is(parseJson(l), x), l).toBe(true);
      const fixed = x.toFixed(i % 20);
      if (!/^-?\d+$/.test(fixed)) expect(Object.is(parseJson(fixed), JSON.parse(fixed)), fixed).toBe(true);
    }
  });

  it("accepts nesting of exactly 64 levels (the root container is level 1)", () => {
    expect(() => parseJson("[".repeat(64) + "]".repeat(64))).not.toThrow();
    expect(() => parseJson('{"a":'.repeat(63) + "[]" + "}".repeat(63))).not.toThrow();
    expect(() => parseJson("[".repeat(3) + "]".repeat(3), { maxDepth: 3 })).not.toThrow();
  });

  it("accepts a BOM character inside a string", () => {
    expect(parseJson('"\ufeff"')).toBe("\ufeff");
  });
});

describe("parseJson refuses what DESIGN §2 forbids, naming line, column and pointer", () => {
  it("duplicate-member: a duplicate name, with the pointer of the duplicated member", () => {
    refuse('{"a":{"b":1,"b":2}}', {
      code: "duplicate-member",
      line: 1,
      column: 13,
      pointer: "/a/b",
      message: /^duplicate member name "b" \(names are compared after unescaping\)$/,
    });
  });

  it("duplicate-member: names are compared after unescaping", () => {
    refuse('{"a":1,"\\u0061":2}', { code: "duplicate-member", line: 1, column: 8, pointer: "/a" });
    refuse('{"\\u00e9":1,"é":2}', { code: "duplicate-member", line: 1, column: 13, pointer: "/é" });
    refuse('{"a/b~":1,"a\\/b~":2}', { code: "duplicate-member", line: 1, column: 11, pointer: "/a~1b~0" });
  });

  it("duplicate-member: on a later line, after an earlier object with the same names", () => {
    refuse('[{"a":1,"b":2},\n {"b":1,\n  "a":2,\n  "b":3}]', {
      code: "duplicate-member",
      line: 4,
      column: 3,
      pointer: "/1/b",
    });
  });

  it("duplicate-member: columns count code points, not UTF-16 units", () => {
    refuse('{"\u{1f602}":1,"\u{1f602}":2}', { code: "duplicate-member", line: 1, column: 8, pointer: "/\u{1f602}" });
  });

  it("proto-member: a member named __proto__, plain or escaped", () => {
    refuse('{"a":{"__proto__":{"polluted":true}}}', {
      code: "proto-member",
      line: 1,
      column: 7,
      pointer: "/a/__proto__",
      message: /__proto__/,
    });
    refuse('{"__pro\\u0074o__":1}', { code: "proto-member", line: 1, column: 2, pointer: "/__proto__" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("unsafe-integer: an integer literal above 2^53-1 in magnitude", () => {
    refuse("9007199254740992", { code: "unsafe-integer", line: 1, column: 1, pointer: "", message: /9007199254740992.*string/ });
    refuse('{"n":[1,-9007199254740992]}', { code: "unsafe-integer", line: 1, column: 9, pointer: "/n/1" });
    refuse("12345678901234567890123", { code: "unsafe-integer", line: 1, column: 1, pointer: "" });
  });

  it("non-finite-number: a literal that overflows to infinity", () => {
    refuse("1e400", { code: "non-finite-number", line: 1, column: 1, pointer: "", message: /1e400.*Infinity/ });
    refuse('{"x":-1.5e999}', { code: "non-finite-number", line: 1, column: 6, pointer: "/x" });
  });

  it("non-finite-number: NaN and Infinity (not JSON at all)", () => {
    refuse("[NaN]", { code: "non-finite-number", line: 1, column: 2, pointer: "/0" });
    refuse('{"a":Infinity}', { code: "non-finite-number", line: 1, column: 6, pointer: "/a" });
    refuse("-Infinity", { code: "non-finite-number", line: 1, column: 1, pointer: "" });
  });

  it("too-deep: nesting of 65 levels, with the pointer of the container too deep", () => {
    refuse("[".repeat(65) + "]".repeat(65), {
      code: "too-deep",
      line: 1,
      column: 65,
      pointer: "/0".repeat(64),
      message: /64/,
    });
    refuse('{"a":'.repeat(64) + "{}" + "}".repeat(64), {
      code: "too-deep",
      line: 1,
      column: 64 * 5 + 1,
      pointer: "/a".repeat(64),
    });
    refuse("[[[[]]]]", { code: "too-deep", line: 1, column: 4, pointer: "/0/0/0" }, { maxDepth: 3 });
  });

  it("too-many-values: more values than maxValues, the root and containers included", () => {
    // [1,2] is three values: the array and its two elements.
    expect(parseJson("[1,2]", { maxValues: 3 })).toEqual([1, 2]);
    refuse("[1,2]", { code: "too-many-values", line: 1, column: 4, pointer: "/1", message: /more than 2 JSON values/ }, { maxValues: 2 });
    refuse('{"a":{"b":1,"c":2}}', { code: "too-many-values", line: 1, column: 17, pointer: "/a/c" }, { maxValues: 3 });
    expect(parseJson('{"a":{"b":1,"c":2}}', { maxValues: 4 })).toEqual({ a: { b: 1, c: 2 } });
    // The count starts afresh with each call.
    expect(parseJson("[1,2]", { maxValues: 3 })).toEqual([1, 2]);
    expect(() => parseJson("1", { maxValues: 0 })).toThrow(RangeError);
  });

  it("lone-surrogate: a lone escaped low surrogate", () => {
    refuse('["\\udc00"]', { code: "lone-surrogate", line: 1, column: 3, pointer: "/0", message: /U\+DC00/ });
  });

  it("lone-surrogate: an escaped high surrogate followed by a normal character", () => {
    refuse('{"x":"ab\\ud800c"}', { code: "lone-surrogate", line: 1, column: 9, pointer: "/x", message: /U\+D800/ });
    refuse('"\\ud800"', { code: "lone-surrogate", line: 1, column: 2, pointer: "" });
    refuse('"\\ud800\\ud800\\udc00"', { code: "lone-surrogate", line: 1, column: 2, pointer: "" });
    refuse('"\\ud800\\n"', { code: "lone-surrogate", line: 1, column: 2, pointer: "" });
  });

  it("lone-surrogate: raw lone surrogates in the text", () => {
    refuse('["ok","a\ud800b"]', { code: "lone-surrogate", line: 1, column: 9, pointer: "/1" });
    refuse('"\udc00"', { code: "lone-surrogate", line: 1, column: 2, pointer: "" });
  });

  it("lone-surrogate: in a member name (pointer of the object)", () => {
    refuse('{"a":{"\\ud800":1}}', { code: "lone-surrogate", line: 1, column: 8, pointer: "/a", message: /member name/ });
    refuse('{"\udfff":1}', { code: "lone-surrogate", line: 1, column: 3, pointer: "" });
  });

  it("bom: U+FEFF at the start of the text", () => {
    refuse('\ufeff{"a":1}', { code: "bom", line: 1, column: 1, pointer: "" });
  });

  it("bom: EF BB BF at the start of the bytes", () => {
    expectRefused(() => parseJsonBytes(bytes([0xef, 0xbb, 0xbf], '{"a":1}')), {
      code: "bom",
      line: 1,
      column: 1,
      pointer: "",
    });
  });

  it("invalid-utf8: located at the first ill-formed sequence", () => {
    expectRefused(() => parseJsonBytes(bytes('{"a":"', [0xff], '"}')), {
      code: "invalid-utf8",
      line: 1,
      column: 7,
      pointer: "",
      message: /0xFF/,
    });
    expectRefused(() => parseJsonBytes(bytes('[\n"é",\n"', [0xc3, 0x28], '"]')), {
      code: "invalid-utf8",
      line: 3,
      column: 2,
      pointer: "",
    });
    // Overlong encoding, an encoded surrogate, a truncated sequence at the end.
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      expectRefused(() => parseJsonBytes(bytes('"', bad)), { code: "invalid-utf8", line: 1, column: 2, pointer: "" });
    }
  });

  it("control-character: a raw tab inside a string", () => {
    refuse('{"a":"x\ty"}', { code: "control-character", line: 1, column: 8, pointer: "/a", message: /U\+0009/ });
    refuse('{"a\u0000":1}', { code: "control-character", line: 1, column: 4, pointer: "" });
  });

  it("control-character: a control character outside strings that is not JSON whitespace", () => {
    refuse("[1,\u000b2]", { code: "control-character", line: 1, column: 4, pointer: "/1" });
    refuse("\u0000", { code: "control-character", line: 1, column: 1, pointer: "" });
  });

  it("trailing-data: anything but whitespace after the value", () => {
    refuse('{"a":1} x', { code: "trailing-data", line: 1, column: 9, pointer: "", message: /'x'.*whitespace/ });
    refuse("1 2", { code: "trailing-data", line: 1, column: 3, pointer: "" });
    refuse('{"a":1}\n{"b":2}\n', { code: "trailing-data", line: 2, column: 1, pointer: "" });
  });

  it("empty: no value at all", () => {
    refuse("", { code: "empty", line: 1, column: 1, pointer: "" });
    refuse(" \n\t ", { code: "empty", line: 2, column: 3, pointer: "" });
    expectRefused(() => parseJsonBytes(new Uint8Array(0)), { code: "empty", line: 1, column: 1, pointer: "" });
  });

  it("syntax: malformed JSON, with the element being parsed", () => {
    refuse("[1,]", { code: "syntax", line: 1, column: 4, pointer: "/1", message: /found '\]': expected a JSON value/ });
    refuse('{"a":1,}', { code: "syntax", line: 1, column: 8, pointer: "", message: /member name/ });
    refuse('{"a" 1}', { code: "syntax", line: 1, column: 6, pointer: "/a", message: /':'/ });
    refuse("[01]", { code: "syntax", line: 1, column: 3, pointer: "/0" });
    refuse("[1.]", { code: "syntax", line: 1, column: 4, pointer: "/0" });
    refuse("[1e+]", { code: "syntax", line: 1, column: 5, pointer: "/0" });
    refuse("[-]", { code: "syntax", line: 1, column: 3, pointer: "/0" });
    refuse("[+1]", { code: "syntax", line: 1, column: 2, pointer: "/0" });
    refuse("[.5]", { code: "syntax", line: 1, column: 2, pointer: "/0" });
    refuse("[tru]", { code: "syntax", line: 1, column: 2, pointer: "/0" });
    refuse("{'a':1}", { code: "syntax", line: 1, column: 2, pointer: "" });
    refuse('"abc', { code: "syntax", line: 1, column: 5, pointer: "", message: /end of the input/ });
    refuse('["a\\x"]', { code: "syntax", line: 1, column: 4, pointer: "/0", message: /\\\\x/ });
    refuse('["\\u12g4"]', { code: "syntax", line: 1, column: 3, pointer: "/0" });
    refuse('{"a":[1,2', { code: "syntax", line: 1, column: 10, pointer: "/a" });
    refuse("[1,\ufeff2]", { code: "syntax", line: 1, column: 4, pointer: "/1", message: /U\+FEFF/ });
  });

  it("reports the right line in multi-line input (LF and CRLF)", () => {
    refuse('{\n  "a": 1,\n  "b": [true,\n        flase]\n}', { code: "syntax", line: 4, column: 9, pointer: "/b/1" });
    refuse('{\r\n  "a": 1,\r\n  "a": 2\r\n}', { code: "duplicate-member", line: 3, column: 3, pointer: "/a" });
  });

  it("adds lineOffset to reported lines (a JSON Lines reader passes the file's line)", () => {
    refuse('{"a":1,"a":2}', { code: "duplicate-member", line: 41, column: 8, pointer: "/a" }, { lineOffset: 40 });
    refuse('{\n"a":1x}', { code: "syntax", line: 12, column: 6, pointer: "" }, { lineOffset: 10 });
    expectRefused(() => parseJsonBytes(bytes("[", [0xff], "]"), { lineOffset: 6 }), {
      code: "invalid-utf8",
      line: 7,
      column: 2,
      pointer: "",
    });
    expectRefused(() => parseJsonBytes(bytes([0xef, 0xbb, 0xbf], "1"), { lineOffset: 2 }), {
      code: "bom",
      line: 3,
      column: 1,
      pointer: "",
    });
  });

  it("refuses bad options with a RangeError", () => {
    expect(() => parseJson("1", { maxDepth: 0 })).toThrow(RangeError);
    expect(() => parseJson("1", { maxDepth: 1.5 })).toThrow(RangeError);
    expect(() => parseJson("1", { maxDepth: 1025 })).toThrow(RangeError);
    expect(() => parseJson("1", { lineOffset: -1 })).toThrow(RangeError);
  });

  it("is a JsonSyntaxError with a stable name and works again after an error", () => {
    const e = caught(() => parseJson('{"a":1,"a":2}'));
    expect(e.name).toBe("JsonSyntaxError");
    expect(e).toBeInstanceOf(Error);
    expect(parseJson('{"a":1}')).toStrictEqual({ a: 1 });
  });

  it("accepts the deepest allowed maxDepth without overflowing the stack", () => {
    const n = 1024;
    expect(() => parseJson("[".repeat(n) + "]".repeat(n), { maxDepth: n })).not.toThrow();
    refuse("[".repeat(n + 1) + "]".repeat(n + 1), { code: "too-deep", line: 1, column: n + 1, pointer: "/0".repeat(n) }, {
      maxDepth: n,
    });
  });
});

describe("parseJsonBytes", () => {
  it("decodes UTF-8 and parses", () => {
    expect(parseJsonBytes(bytes('{"€":"\u{1f602}"}'))).toStrictEqual({ "€": "\u{1f602}" });
  });
});
