import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalBytes, canonicalize, jcsStringRoom, writeJcsNumber, writeJcsString } from "../../../src/core/json/canonical.js";
import { JsonSyntaxError, parseJson, parseJsonBytes } from "../../../src/core/json/parse.js";
import type { JsonValue } from "../../../src/core/json/value.js";

import { VECTORS } from "../../support/vectors.js";
const JCS = VECTORS + "jcs/";

function hexBytes(text: string): Uint8Array {
  const parts = text.trim().split(/\s+/);
  return Uint8Array.from(parts, (h) => parseInt(h, 16));
}

function doubleFromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

describe("RFC 8785 vectors (cyberphone/json-canonicalization testdata)", () => {
  const names = readdirSync(JCS + "input").filter((n) => n.endsWith(".json"));

  it("has the six published inputs", () => {
    expect(names.sort()).toEqual(["arrays", "french", "structures", "unicode", "values", "weird"].map((n) => n + ".json"));
  });

  for (const name of names) {
    it(`canonicalizes input/${name} to the bytes of output/${name} and outhex`, () => {
      const value = parseJsonBytes(readFileSync(JCS + "input/" + name));
      const out = canonicalBytes(value);
      expect(Buffer.from(out).equals(readFileSync(JCS + "output/" + name))).toBe(true);
      expect(out).toEqual(hexBytes(readFileSync(JCS + "outhex/" + name.replace(/\.json$/, ".txt"), "utf8")));
      // canonicalize and canonicalBytes agree.
      expect(new TextDecoder().decode(out)).toBe(canonicalize(value));
    });
  }

  it("serializes all 10,000 numbers of es6testfile10k.txt as Number::toString", () => {
    const lines = readFileSync(JCS + "es6testfile10k.txt", "utf8").split("\n");
    expect(lines.pop()).toBe("");
    let checked = 0;
    const failures: string[] = [];
    for (const line of lines) {
      const comma = line.indexOf(",");
      const bits = line.slice(0, comma);
      const expected = line.slice(comma + 1);
      const got = canonicalize(doubleFromBits(bits));
      if (got !== expected) failures.push(`${bits}: got ${got}, expected ${expected}`);
      checked++;
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(10_000);
  });
});

describe("canonicalize", () => {
  it("sorts members by UTF-16 code units, not code points or locale", () => {
    // U+1F602 is D83D DE02 in UTF-16, so it sorts before U+FB33 although its code point is higher.
    expect(canonicalize({ "\ufb33": 1, "\u{1f602}": 2, é: 3, e: 4, E: 5, "": 6, "10": 7, "9": 8 })).toBe(
      '{"":6,"10":7,"9":8,"E":5,"e":4,"é":3,"\u{1f602}":2,"\ufb33":1}',
    );
  });

  it("writes numbers in ECMAScript form, with -0 as 0", () => {
    expect(canonicalize([1.0, -0, 0, 1e21, 1e20, 0.1, 5e-324, -1.5e-7, 123456789012345680000, 1e-6])).toBe(
      "[1,0,0,1e+21,100000000000000000000,0.1,5e-324,-1.5e-7,123456789012345680000,0.000001]",
    );
    expect(canonicalize(-0)).toBe("0");
  });

  it("escapes strings as JSON.stringify does (short escapes, lowercase \\u00xx, no / escape)", () => {
    expect(canonicalize("\u0000\u0008\t\n\u000b\f\r\u001f\"\\/\u007f\u2028\u{1f602}")).toBe(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/\u007f\u2028\u{1f602}"',
    );
  });

  it("writes nested values without whitespace, empty containers included", () => {
    expect(canonicalize({ b: [], a: {}, c: [null, true, false, { z: [[]] }] })).toBe(
      '{"a":{},"b":[],"c":[null,true,false,{"z":[[]]}]}',
    );
  });

  it("handles members named like Object.prototype properties", () => {
    const v = parseJson('{"toString":1,"constructor":2,"hasOwnProperty":3,"valueOf":{"__defineGetter__":4}}');
    expect(canonicalize(v)).toBe('{"constructor":2,"hasOwnProperty":3,"toString":1,"valueOf":{"__defineGetter__":4}}');
  });

  it("accepts objects without a prototype", () => {
    const o = Object.create(null) as Record<string, JsonValue>;
    o.b = 1;
    o.a = 2;
    expect(canonicalize(o)).toBe('{"a":2,"b":1}');
  });

  it("encodes canonicalBytes as UTF-8", () => {
    expect(Array.from(canonicalBytes({ "€": "\u{1f602}" }))).toEqual([
      0x7b, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x3a, 0x22, 0xf0, 0x9f, 0x98, 0x82, 0x22, 0x7d,
    ]);
  });

  const refused: [string, unknown][] = [
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity inside an array", [1, -Infinity]],
    ["undefined", undefined],
    ["an undefined member", { a: undefined }],
    ["an array hole", [1, , 3]], // eslint-disable-line no-sparse-arrays
    ["a function", () => 1],
    ["a bigint", 1n],
    ["a symbol", Symbol("x")],
    ["a Date", new Date(0)],
    ["a Map", new Map()],
    ["a Uint8Array", new Uint8Array(2)],
    ["a lone high surrogate", "a\ud800"],
    ["a lone low surrogate in a member name", { "\udc00": 1 }],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what} with a TypeError`, () => {
      expect(() => canonicalize(value as JsonValue)).toThrow(TypeError);
      expect(() => canonicalBytes(value as JsonValue)).toThrow(TypeError);
    });
  }

  it("refuses a cyclic value with a TypeError instead of overflowing the stack", () => {
    const a: JsonValue[] = [];
    a.push(a);
    expect(() => canonicalize(a)).toThrow(TypeError);
  });
});

describe("JCS and the strict parser", () => {
  // A small deterministic generator (xorshift32), so failures reproduce.
  let state = 0x9e3779b9;
  function next(): number {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  }
  const int = (n: number) => Math.floor(next() * n);

  const SPECIAL_NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
    Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.30000000000000004, 123.456, 1e300, 4.35, 9.999999999999999e22];
  const CHARS = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f", "é", "€", "\u2028", "\ufeff",
    "\ufffd", "\u{1f602}", "\u{10ffff}", "\ud7ff", "\ue000", "日"];

  function genString(): string {
    let s = "";
    const n = int(8);
    for (let i = 0; i < n; i++) s += CHARS[int(CHARS.length)];
    return s;
  }

  // JCS writes an integer-valued double in [2^53, 1e21) as an integer literal, which DESIGN §2
  // refuses on reading (see the last test), so the generator leaves those out.
  const readable = (x: number) =>
    Number.isFinite(x) && !(Number.isInteger(x) && Math.abs(x) > Number.MAX_SAFE_INTEGER && Math.abs(x) < 1e21);

  function genNumber(): number {
    for (;;) {
      const x = genAnyNumber();
      if (readable(x)) return x;
    }
  }

  function genAnyNumber(): number {
    switch (int(4)) {
      case 0:
        return SPECIAL_NUMBERS[int(SPECIAL_NUMBERS.length)]!;
      case 1:
        return int(2_000_001) - 1_000_000;
      case 2:
        return (next() - 0.5) * 10 ** (int(40) - 20);
      default: {
        // Any double from random bits (NaN and infinities are filtered out by genNumber).
        const view = new DataView(new ArrayBuffer(8));
        view.setUint32(0, (next() * 0x100000000) >>> 0);
        view.setUint32(4, (next() * 0x100000000) >>> 0);
        return view.getFloat64(0);
      }
    }
  }

  function gen(depth: number): JsonValue {
    const kind = depth > 5 ? int(4) : int(6);
    switch (kind) {
      case 0:
        return genString();
      case 1:
        return genNumber();
      case 2:
        return [true, false, null][int(3)]!;
      case 3:
        return genNumber();
      case 4: {
        const a: JsonValue[] = [];
        const n = int(5);
        for (let i = 0; i < n; i++) a.push(gen(depth + 1));
        return a;
      }
      default: {
        const o: Record<string, JsonValue> = {};
        const n = int(5);
        for (let i = 0; i < n; i++) {
          const name = genString();
          if (name !== "__proto__") o[name] = gen(depth + 1);
        }
        return o;
      }
    }
  }

  const values: JsonValue[] = [];
  for (let i = 0; i < 400; i++) values.push(gen(0));

  it("canonicalize(parseJson(canonicalize(v))) === canonicalize(v) on 400 generated values", () => {
    for (const v of values) {
      const c = canonicalize(v);
      expect(canonicalize(parseJson(c))).toBe(c);
    }
  });

  it("parseJson agrees with JSON.parse on the canonical and pretty-printed forms", () => {
    for (const v of values) {
      for (const text of [canonicalize(v), JSON.stringify(v, null, 2)]) {
        expect(parseJson(text)).toStrictEqual(JSON.parse(text));
      }
    }
  });

  it("JCS text equals JSON.stringify text for values without objects (numbers and strings agree)", () => {
    for (const v of values) {
      if (typeof v !== "object" || v === null) expect(canonicalize(v)).toBe(JSON.stringify(Object.is(v, -0) ? 0 : v));
    }
  });

  it("writes an integer-valued double in [2^53, 1e21) as an integer literal that the strict parser refuses", () => {
    // 1e20 and 9007199254740992.0 are accepted on input (they have an exponent or a fraction), but
    // their JCS form has neither, so a writer must not emit them in JSON meant to be read back.
    for (const text of ["1e20", "9007199254740992.0"]) {
      const c = canonicalize(parseJson(text));
      expect(c).toMatch(/^\d+$/);
      expect(() => parseJson(c)).toThrow(JsonSyntaxError);
    }
  });
});

describe("writeJcsString and writeJcsNumber: JCS written as bytes, equal to utf8(canonicalize(v))", () => {
  const utf8 = (s: string) => Buffer.from(s, "utf8");
  /** The bytes writeJcsString writes at an odd offset of a buffer with exactly its room and a guard byte on each side. */
  function written(s: string): Buffer {
    const buf = new Uint8Array(jcsStringRoom(s) + 2).fill(0xee);
    const end = writeJcsString(buf, 1, s);
    // Within its room: the guard bytes are untouched (a plain check: expect per call is slow here).
    if (end > buf.length - 1 || buf[0] !== 0xee || buf[buf.length - 1] !== 0xee) throw new Error(`wrote beyond the room of ${JSON.stringify(s)}`);
    return Buffer.from(buf.subarray(1, end));
  }
  function writtenNumber(n: number): string {
    const buf = new Uint8Array(40).fill(0xee);
    const end = writeJcsNumber(buf, 3, n);
    return Buffer.from(buf.subarray(3, end)).toString("latin1");
  }

  it("every UTF-16 code unit alone (lone surrogates refused with a TypeError, as canonicalize does)", () => {
    const failures: string[] = [];
    const throwsTypeError = (f: () => unknown) => {
      try {
        f();
        return false;
      } catch (e) {
        return e instanceof TypeError;
      }
    };
    for (let c = 0; c <= 0xffff; c++) {
      const s = "a" + String.fromCharCode(c) + "b";
      const ok =
        c >= 0xd800 && c <= 0xdfff
          ? throwsTypeError(() => canonicalize(s)) && throwsTypeError(() => written(s)) && throwsTypeError(() => written(String.fromCharCode(c)))
          : written(s).equals(utf8(canonicalize(s)));
      if (!ok) failures.push(`U+${c.toString(16)}`);
    }
    expect(failures).toEqual([]);
  });

  it("surrogate pairs, every high half with low halves at both ends of their range, and reversed pairs refused", () => {
    const failures: string[] = [];
    for (let h = 0xd800; h <= 0xdbff; h++) {
      for (const l of [0xdc00, 0xdc01, 0xdfff]) {
        const s = String.fromCharCode(h, l) + "x" + String.fromCharCode(h, l);
        if (!written(s).equals(utf8(canonicalize(s)))) failures.push(`${h.toString(16)} ${l.toString(16)}`);
      }
      for (const lone of [String.fromCharCode(0xdc00, h), String.fromCharCode(h) + "x", "x" + String.fromCharCode(h)]) {
        try {
          written(lone);
          failures.push(`accepted ${escape(lone)}`);
        } catch (e) {
          if (!(e instanceof TypeError)) throw e;
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("the worst case of room (only controls written as \\u00xx), long and mixed strings", () => {
    const controls = "\u0001\u001f".repeat(5000);
    expect(written(controls).equals(utf8(canonicalize(controls)))).toBe(true);
    expect(written(controls).length).toBe(jcsStringRoom(controls));
    const mixed = "plain \"quoted\" back\\slash é€日 \u{1f602}\u2028\u2029\u007f\t\n\r\b\f/ ".repeat(700);
    expect(written(mixed).equals(utf8(canonicalize(mixed)))).toBe(true);
    expect(written("").equals(utf8('""'))).toBe(true);
  });

  it("every string of the RFC 8785 vector inputs", () => {
    const strings: string[] = [];
    const collect = (v: JsonValue): void => {
      if (typeof v === "string") strings.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v !== null && typeof v === "object") for (const k of Object.keys(v)) (strings.push(k), collect(v[k]!));
    };
    for (const name of readdirSync(JCS + "input")) collect(parseJsonBytes(readFileSync(JCS + "input/" + name)));
    expect(strings.length).toBeGreaterThan(20);
    for (const s of strings) expect(written(s).equals(utf8(canonicalize(s))), JSON.stringify(s)).toBe(true);
  });

  it("numbers: the 10,000 of es6testfile10k.txt, integers around 2^53 and 1e21, -0, and non-finite refused", () => {
    const lines = readFileSync(JCS + "es6testfile10k.txt", "utf8").split("\n").filter((l) => l !== "");
    const failures: string[] = [];
    for (const line of lines) {
      const comma = line.indexOf(",");
      if (writtenNumber(doubleFromBits(line.slice(0, comma))) !== line.slice(comma + 1)) failures.push(line);
    }
    expect(lines.length).toBe(10_000);
    const edges = [0, -0, 1, -1, 9, 10, 99, 100, -100, 123456789, 2 ** 31, -(2 ** 31), 2 ** 32 + 1, 1e15, 1e15 + 1, 1e16,
      Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, 1e20, 1e21, -1e21, 0.5, -0.5,
      1e-7, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE];
    for (let i = 0; i < 2000; i++) edges.push(Math.floor((i * 7919) ** 2.3) * (i % 2 ? -1 : 1));
    for (const n of edges) if (writtenNumber(n) !== canonicalize(n)) failures.push(String(n));
    expect(failures).toEqual([]);
    for (const n of [NaN, Infinity, -Infinity]) expect(() => writtenNumber(n)).toThrow(TypeError);
  });
});
