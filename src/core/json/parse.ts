/**
 * The strict I-JSON (RFC 7493) parser every JSON input goes through (DESIGN §2).
 *
 * JSON.parse accepts duplicate names (last one wins), lone surrogates, integers it silently
 * rounds, a `__proto__` member and unbounded nesting: each is a way for two readers to see
 * different documents under one signature. This parser refuses all of them with a
 * {@link JsonSyntaxError} carrying a stable `code`, the line, the column and the JSON Pointer.
 *
 * Pure core: no Node APIs, so a browser can load it. It is a hand-written scanner (charCodeAt
 * loops, one slice per run of plain string characters) because it parses whole event logs.
 */
import { decodeUtf8Strict } from "../encoding/utf8.js";
import type { JsonObject, JsonValue } from "./value.js";
import { pointerFromTokens, type JsonPointer } from "./pointer.js";

export type JsonErrorCode =
  | "syntax"
  | "duplicate-member"
  | "lone-surrogate"
  | "unsafe-integer"
  | "non-finite-number"
  | "proto-member"
  | "too-deep"
  | "too-many-values"
  | "bom"
  | "invalid-utf8"
  | "control-character"
  | "trailing-data"
  | "empty";

/**
 * A JSON input refused by the strict parser.
 *
 * `message` is one line (what was found, what was expected); the position is in separate fields
 * so callers can prefix the file name:
 * ```ts
 * catch (e) { if (e instanceof JsonSyntaxError) console.error(`${file}:${e.line}:${e.column}: ${e.message}`); }
 * ```
 * `line` and `column` are 1-based; the column counts Unicode code points. `pointer` names the
 * member or element being parsed (for a duplicate name: the duplicated member).
 */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
  readonly code: JsonErrorCode;
  readonly line: number;
  readonly column: number;
  readonly pointer: JsonPointer;

  constructor(code: JsonErrorCode, message: string, line: number, column: number, pointer: JsonPointer) {
    super(message);
    this.code = code;
    this.line = line;
    this.column = column;
    this.pointer = pointer;
  }
}

export interface ParseJsonOptions {
  /** Deepest allowed nesting of objects and arrays; the root container is level 1. Default 64 (DESIGN §2). */
  maxDepth?: number;
  /** Added to every reported line, so a JSON Lines reader can report the file's line. Default 0. */
  lineOffset?: number;
  /**
   * Most values (scalars, objects, arrays, the root included) in the text; more is refused with
   * code `too-many-values` as soon as the one past the limit starts (src/core/limits.ts). Bytes
   * bound memory for strings, not for `[0,0,0,...]`, whose every value costs a digest-tree node.
   * Default: no limit.
   */
  maxValues?: number;
}

const DEFAULT_MAX_DEPTH = 64;
// The parser recurses once per level; this bound keeps a caller's maxDepth clear of the call stack.
const MAX_ALLOWED_DEPTH = 1024;
// Any digit string of at most 15 digits is below 2^53 and is accumulated exactly.
const MAX_EXACT_DIGITS = 15;
// 10^0 .. 10^22: every one is an exact double (Clinger's fast path, see parseNumber).
const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
// V8 shares memory with the parent for slices of at least this many characters (see detach).
const MIN_SHARED_SLICE = 13;
const NAME_CACHE_SIZE = 1024;
const MAX_CACHED_NAME = 32;
/** Interned member names by hash slot; a miss only costs a slice (see parseName). */
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill("");

// Parser state. parseJson is synchronous and never calls out, so one module-level state is safe
// and keeps the hot loops free of property loads through a parser object.
let src = "";
let pos = 0;
let maxDepth = DEFAULT_MAX_DEPTH;
let lineOffset = 0;
/** Values still allowed before `too-many-values` (counted down in the container loops). */
let valuesLeft = Infinity;
let valuesLimit = Infinity;
/** path[i] is the member name or index of the value being parsed at depth i+1 (pointer on error only). */
const path: (string | number)[] = [];

const hasOwn = Object.prototype.hasOwnProperty;

/** Unit for each one-character escape after a backslash; 0 for `u` and invalid ones. */
const SIMPLE_ESCAPES = new Uint16Array(0x80);
SIMPLE_ESCAPES[0x22] = 0x22; // \"
SIMPLE_ESCAPES[0x5c] = 0x5c; // \\
SIMPLE_ESCAPES[0x2f] = 0x2f; // \/
SIMPLE_ESCAPES[0x62] = 0x08; // \b
SIMPLE_ESCAPES[0x66] = 0x0c; // \f
SIMPLE_ESCAPES[0x6e] = 0x0a; // \n
SIMPLE_ESCAPES[0x72] = 0x0d; // \r
SIMPLE_ESCAPES[0x74] = 0x09; // \t

/**
 * Parses one JSON text strictly (DESIGN §2), refusing what I-JSON forbids.
 * ```ts
 * parseJson('{"a":[1,2]}');          // { a: [1, 2] }
 * parseJson('{"a":1,"\\u0061":2}');  // throws JsonSyntaxError, code "duplicate-member", pointer "/a"
 * ```
 */
export function parseJson(text: string, options?: ParseJsonOptions): JsonValue {
  const depth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_ALLOWED_DEPTH) {
    throw new RangeError(`maxDepth must be an integer from 1 to ${MAX_ALLOWED_DEPTH}, got ${String(depth)}`);
  }
  const offset = options?.lineOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`lineOffset must be a non-negative integer, got ${String(offset)}`);
  }
  const limit = options?.maxValues ?? Infinity;
  if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`maxValues must be a positive integer, got ${String(limit)}`);
  }
  src = text;
  pos = 0;
  maxDepth = depth;
  lineOffset = offset;
  // The root is the first value.
  valuesLimit = limit;
  valuesLeft = limit - 1;
  try {
    if (text.charCodeAt(0) === 0xfeff) {
      fail("bom", "byte-order mark U+FEFF at the start of the input: expected JSON text without a BOM", 0, 0);
    }
    const c = skipWhitespace();
    if (c !== c) fail("empty", "empty input: expected a JSON value", pos, 0);
    const value = parseValue(0);
    skipWhitespace();
    if (pos < src.length) {
      const d = src.charCodeAt(pos);
      if (d < 0x20) unexpected(pos, "only whitespace after the JSON value", 0);
      fail("trailing-data", `found ${describeAt(pos)} after the JSON value: expected only whitespace`, pos, 0);
    }
    return value;
  } finally {
    // Do not keep the (possibly huge) input alive after the call.
    src = "";
    path.length = 0;
  }
}

/**
 * Decodes UTF-8 strictly and parses it (DESIGN §2: a BOM or invalid UTF-8 is refused).
 * ```ts
 * parseJsonBytes(new TextEncoder().encode('{"ok":true}')); // { ok: true }
 * ```
 */
export function parseJsonBytes(bytes: Uint8Array, options?: ParseJsonOptions): JsonValue {
  const offset = options?.lineOffset ?? 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new JsonSyntaxError(
      "bom",
      "UTF-8 byte-order mark (EF BB BF) at the start of the input: expected JSON text without a BOM",
      1 + offset,
      1,
      "" as JsonPointer,
    );
  }
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) throw invalidUtf8(bytes, offset);
  return parseJson(text, options);
}

// ---------------------------------------------------------------------------------------------
// Scanner

/** Skips JSON whitespace (space, tab, LF, CR) and returns the code unit at the new position. */
function skipWhitespace(): number {
  let c = src.charCodeAt(pos);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = src.charCodeAt(++pos);
  return c;
}

/** Parses the value at `pos` (no whitespace before it); `d` is the number of tokens in its pointer. */
function parseValue(d: number): JsonValue {
  const c = src.charCodeAt(pos);
  if (c === 0x22) return parseString(d, false);
  if (c === 0x7b) return parseObject(d);
  if (c === 0x5b) return parseArray(d);
  if ((c >= 0x30 && c <= 0x39) || c === 0x2d) return parseNumber(d);
  if (c === 0x74) {
    if (src.charCodeAt(pos + 1) === 0x72 && src.charCodeAt(pos + 2) === 0x75 && src.charCodeAt(pos + 3) === 0x65) {
      pos += 4;
      return true;
    }
  } else if (c === 0x66) {
    if (
      src.charCodeAt(pos + 1) === 0x61 &&
      src.charCodeAt(pos + 2) === 0x6c &&
      src.charCodeAt(pos + 3) === 0x73 &&
      src.charCodeAt(pos + 4) === 0x65
    ) {
      pos += 5;
      return false;
    }
  } else if (c === 0x6e) {
    if (src.charCodeAt(pos + 1) === 0x75 && src.charCodeAt(pos + 2) === 0x6c && src.charCodeAt(pos + 3) === 0x6c) {
      pos += 4;
      return null;
    }
  } else if (src.startsWith("NaN", pos) || src.startsWith("Infinity", pos)) {
    const word = src.charCodeAt(pos) === 0x4e ? "NaN" : "Infinity";
    fail("non-finite-number", `found ${word}: expected a finite JSON number`, pos, d);
  }
  return unexpected(pos, "a JSON value", d);
}

function parseObject(d: number): JsonObject {
  if (d >= maxDepth) tooDeep(d);
  pos++;
  // A plain object: `__proto__` is refused below, so assignment always creates an own data
  // property (even for names such as "constructor" or "toString").
  const obj: JsonObject = {};
  let c = skipWhitespace();
  if (c === 0x7d) {
    pos++;
    return obj;
  }
  for (;;) {
    if (c !== 0x22) unexpected(pos, "a member name in double quotes", d);
    const nameAt = pos;
    const name = parseName(d);
    if (name === "__proto__") {
      fail(
        "proto-member",
        `found a member named "__proto__": expected any other name (JavaScript readers treat it as the prototype)`,
        nameAt,
        d,
        name,
      );
    }
    if (hasOwn.call(obj, name)) {
      fail("duplicate-member", `duplicate member name ${quote(name)} (names are compared after unescaping)`, nameAt, d, name);
    }
    c = skipWhitespace();
    if (c !== 0x3a) unexpected(pos, "':' after the member name", d, name);
    pos++;
    skipWhitespace();
    path[d] = name;
    if (--valuesLeft < 0) tooManyValues(d, name);
    obj[name] = parseValue(d + 1);
    c = skipWhitespace();
    if (c === 0x2c) {
      pos++;
      c = skipWhitespace();
      continue;
    }
    if (c === 0x7d) {
      pos++;
      return obj;
    }
    unexpected(pos, "',' or '}' after a member value", d);
  }
}

function parseArray(d: number): JsonValue[] {
  if (d >= maxDepth) tooDeep(d);
  pos++;
  const arr: JsonValue[] = [];
  let c = skipWhitespace();
  if (c === 0x5d) {
    pos++;
    return arr;
  }
  for (let i = 0; ; i++) {
    path[d] = i;
    if (--valuesLeft < 0) tooManyValues(d, i);
    arr.push(parseValue(d + 1));
    c = skipWhitespace();
    if (c === 0x2c) {
      pos++;
      skipWhitespace();
      continue;
    }
    if (c === 0x5d) {
      pos++;
      return arr;
    }
    unexpected(pos, "',' or ']' after an array element", d);
  }
}

function parseNumber(d: number): number {
  const start = pos;
  let p = pos;
  let c = src.charCodeAt(p);
  const negative = c === 0x2d;
  if (negative) c = src.charCodeAt(++p);
  // Every digit of the significand, accumulated; exact while `digits` <= 15.
  let mantissa = 0;
  let digits = 0;
  if (c === 0x30) {
    c = src.charCodeAt(++p);
    if (c >= 0x30 && c <= 0x39) unexpected(p, "'.', 'e' or the end of the number (no leading zeros)", d);
  } else if (c >= 0x31 && c <= 0x39) {
    do {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      c = src.charCodeAt(++p);
    } while (c >= 0x30 && c <= 0x39);
  } else if (negative && src.startsWith("Infinity", p)) {
    fail("non-finite-number", "found -Infinity: expected a finite JSON number", start, d);
  } else {
    unexpected(p, "a digit", d);
  }
  if (c !== 0x2e && c !== 0x65 && c !== 0x45) {
    // An integer literal (DESIGN §2): above 2^53-1 it cannot be read exactly, so it is refused.
    pos = p;
    if (digits <= MAX_EXACT_DIGITS) return negative ? -mantissa : mantissa;
    const v = Number(src.slice(start, p));
    // An integer above 2^53-1 rounds to at least 2^53, so comparing the double is exact.
    if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) {
      fail(
        "unsafe-integer",
        `integer ${clip(src.slice(start, p))} is beyond ±(2^53-1) and cannot be read exactly: expected it written as a string`,
        start,
        d,
      );
    }
    return v;
  }
  let exponent = 0;
  if (c === 0x2e) {
    c = src.charCodeAt(++p);
    if (!(c >= 0x30 && c <= 0x39)) unexpected(p, "a digit after '.'", d);
    do {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      exponent--;
      c = src.charCodeAt(++p);
    } while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x65 || c === 0x45) {
    c = src.charCodeAt(++p);
    let sign = 1;
    if (c === 0x2b) c = src.charCodeAt(++p);
    else if (c === 0x2d) {
      sign = -1;
      c = src.charCodeAt(++p);
    }
    if (!(c >= 0x30 && c <= 0x39)) unexpected(p, "a digit in the exponent", d);
    let e = 0;
    do {
      e = e * 10 + (c - 0x30);
      c = src.charCodeAt(++p);
    } while (c >= 0x30 && c <= 0x39);
    exponent += sign * e;
  }
  pos = p;
  // Clinger's fast path: an exact significand (< 2^53) times or divided by an exact power of ten
  // (<= 10^22) is one correctly rounded operation, so it equals what Number() would return.
  if (digits <= MAX_EXACT_DIGITS && exponent >= -22 && exponent <= 22) {
    const v = exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
    return negative ? -v : v;
  }
  const v = Number(src.slice(start, p));
  if (v === Infinity || v === -Infinity) {
    fail(
      "non-finite-number",
      `number ${clip(src.slice(start, p))} overflows to ${v > 0 ? "" : "-"}Infinity: expected a finite number`,
      start,
      d,
    );
  }
  return v;
}

/**
 * Parses a member name at `pos` (an opening quote). Names repeat from object to object, so a
 * plain name of up to 32 characters is looked up in a small cache of interned strings: no
 * allocation, and property stores and lookups with an interned key are much faster in V8.
 * Anything unusual (escapes, surrogates, errors) goes through parseString.
 */
function parseName(d: number): string {
  const start = pos + 1;
  let p = start;
  let h = 0;
  for (;;) {
    const c = src.charCodeAt(p);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0xd800) {
      h = (Math.imul(h, 31) + c) | 0;
      p++;
      continue;
    }
    if (c === 0x22) break;
    return parseString(d, true);
  }
  pos = p + 1;
  const length = p - start;
  if (length > MAX_CACHED_NAME) return src.slice(start, p);
  const slot = (h ^ (h >>> 13)) & (NAME_CACHE_SIZE - 1);
  const cached = nameCache[slot]!;
  if (cached.length === length && src.startsWith(cached, start)) return cached;
  const name = intern(src.slice(start, p));
  nameCache[slot] = name;
  return name;
}

/**
 * The engine's interned copy of `s`: property names read back from an object are interned. A
 * computed name in a literal defines an own property, so even "__proto__" comes back unchanged.
 */
function intern(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

/**
 * Parses the string at `pos` (an opening quote). The fast loop covers strings without escapes
 * and with well-formed surrogate pairs: one slice, no concatenation.
 */
function parseString(d: number, isName: boolean): string {
  const start = pos + 1;
  let p = start;
  for (;;) {
    const c = src.charCodeAt(p);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0xd800) {
      p++;
      continue;
    }
    if (c === 0x22) {
      pos = p + 1;
      return p - start < MIN_SHARED_SLICE ? src.slice(start, p) : detach(src.slice(start, p));
    }
    if (c >= 0xd800) {
      if (c >= 0xe000) {
        p++;
        continue;
      }
      if (c <= 0xdbff) {
        const next = src.charCodeAt(p + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          p += 2;
          continue;
        }
      }
    }
    return parseStringSlow(start, p, d, isName);
  }
}

/** Continues a string at `p` through escapes, surrogates, control characters and errors. */
function parseStringSlow(start: number, p: number, d: number, isName: boolean): string {
  let out = "";
  let runStart = start;
  // Offset and unit of a high surrogate still waiting for its low half (DESIGN §2: checked after
  // unescaping, so an escaped high surrogate may pair with an escaped or a raw low one).
  let pendingAt = -1;
  let pendingUnit = 0;
  for (;;) {
    const c = src.charCodeAt(p);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) {
      if (pendingAt >= 0) loneSurrogate(pendingUnit, pendingAt, d, isName);
      p++;
      continue;
    }
    if (c === 0x22) {
      if (pendingAt >= 0) loneSurrogate(pendingUnit, pendingAt, d, isName);
      pos = p + 1;
      out += src.slice(runStart, p);
      return out.length < MIN_SHARED_SLICE ? out : detach(out);
    }
    let unit: number;
    const at = p;
    if (c === 0x5c) {
      out += src.slice(runStart, p);
      const e = src.charCodeAt(p + 1);
      unit = e < 0x80 ? SIMPLE_ESCAPES[e]! : 0;
      if (unit === 0) {
        if (e !== 0x75) {
          if (e !== e) unexpected(p + 1, "an escape character after '\\'", d);
          fail(
            "syntax",
            `found ${describeEscape(p, 2)} in a string: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`,
            p,
            d,
          );
        }
        unit = hex4(p + 2);
        if (unit < 0) fail("syntax", `found ${describeEscape(p, 6)}: expected \\u followed by 4 hex digits`, p, d);
        p += 4;
      }
      p += 2;
      out += String.fromCharCode(unit);
      runStart = p;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      unit = c;
      p++;
    } else if (c !== c) {
      return unexpected(p, "'\"' to end the string", d);
    } else {
      fail(
        "control-character",
        `found raw control character ${codePointName(c)} in a ${isName ? "member name" : "string"}: expected it escaped`,
        p,
        d,
      );
    }
    // Only surrogates (raw or escaped) and escaped characters reach here.
    if (unit >= 0xd800 && unit <= 0xdfff) {
      if (unit <= 0xdbff) {
        if (pendingAt >= 0) loneSurrogate(pendingUnit, pendingAt, d, isName);
        pendingAt = at;
        pendingUnit = unit;
      } else {
        if (pendingAt < 0) loneSurrogate(unit, at, d, isName);
        pendingAt = -1;
      }
    } else if (pendingAt >= 0) {
      loneSurrogate(pendingUnit, pendingAt, d, isName);
    }
  }
}

/**
 * A copy of `s` that shares no memory with the input. In V8 a slice of 13 or more characters
 * (and a concatenation holding one) keeps its whole parent string alive, so an event id kept
 * from each line of a log would keep the whole log in memory; JSON.parse makes copies too.
 * Prepending a character makes a rope; slicing the rope flattens it into a fresh string.
 */
function detach(s: string): string {
  return (" " + s).slice(1);
}

function hex4(p: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = src.charCodeAt(p + i);
    let h: number;
    if (c >= 0x30 && c <= 0x39) h = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) h = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) h = c - 0x37;
    else return -1;
    v = (v << 4) | h;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Errors (kept out of the hot functions)

/** Throws at `offset`; the pointer is the first `d` path tokens, plus `token` when given. */
function fail(code: JsonErrorCode, message: string, offset: number, d: number, token?: string | number): never {
  const tokens = path.slice(0, d);
  if (token !== undefined) tokens.push(token);
  const { line, column } = locate(src, offset);
  throw new JsonSyntaxError(code, message, line + lineOffset, column, pointerFromTokens(tokens));
}

/** Throws for an unexpected character (or end of input) where `expected` was wanted. */
function unexpected(offset: number, expected: string, d: number, token?: string | number): never {
  if (offset >= src.length) fail("syntax", `found the end of the input: expected ${expected}`, offset, d, token);
  const c = src.charCodeAt(offset);
  if (c < 0x20) {
    fail(
      "control-character",
      `found control character ${codePointName(c)} outside a string: expected ${expected}`,
      offset,
      d,
      token,
    );
  }
  fail("syntax", `found ${describeAt(offset)}: expected ${expected}`, offset, d, token);
}

function tooDeep(d: number): never {
  fail(
    "too-deep",
    `found an object or array nested deeper than ${maxDepth} levels: expected at most ${maxDepth}`,
    pos,
    d,
  );
}

function tooManyValues(d: number, token: string | number): never {
  fail("too-many-values", `found more than ${valuesLimit} JSON values: expected at most ${valuesLimit} in this input (docs/spec.md "Limits")`, pos, d, token);
}

function loneSurrogate(unit: number, at: number, d: number, isName: boolean): never {
  const half = unit <= 0xdbff ? "high surrogate not followed by a low one" : "low surrogate without a high one before it";
  fail(
    "lone-surrogate",
    `found a lone surrogate ${codePointName(unit)} (${half}) in a ${isName ? "member name" : "string"}: expected well-formed Unicode`,
    at,
    d,
  );
}

/** 1-based line (LF-separated) and column (in code points) of a UTF-16 offset. */
function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) {
    const c = text.charCodeAt(i);
    // The low half of a surrogate pair is the same code point as the high half before it.
    if (c >= 0xdc00 && c <= 0xdfff && i > lineStart) {
      const h = text.charCodeAt(i - 1);
      if (h >= 0xd800 && h <= 0xdbff) continue;
    }
    column++;
  }
  return { line, column };
}

function describeAt(offset: number): string {
  if (offset >= src.length) return "the end of the input";
  const cp = src.codePointAt(offset)!;
  if (cp >= 0x21 && cp <= 0x7e) return cp === 0x27 ? `"'"` : `'${String.fromCharCode(cp)}'`;
  return codePointName(cp);
}

function describeEscape(p: number, n: number): string {
  return quote(src.slice(p, Math.min(p + n, src.length)));
}

function codePointName(cp: number): string {
  return "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
}

function clip(text: string): string {
  return text.length > 40 ? text.slice(0, 37) + "..." : text;
}

function quote(name: string): string {
  return JSON.stringify(name.length > 64 ? name.slice(0, 61) + "..." : name);
}

/** Builds the error for bytes that are not UTF-8, located at the first bad sequence. */
function invalidUtf8(bytes: Uint8Array, lineOffset: number): JsonSyntaxError {
  const at = firstInvalidUtf8(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  // Everything before `at` is valid UTF-8: count code points by their lead bytes.
  for (let i = lineStart; i < at; i++) if ((bytes[i]! & 0xc0) !== 0x80) column++;
  const b = bytes[at];
  const found = b === undefined ? "a truncated UTF-8 sequence" : `byte 0x${b.toString(16).toUpperCase().padStart(2, "0")}`;
  return new JsonSyntaxError(
    "invalid-utf8",
    `found ${found} at byte offset ${at} that is not valid UTF-8: expected UTF-8 text`,
    line + lineOffset,
    column,
    "" as JsonPointer,
  );
}

/** Offset of the lead byte of the first ill-formed sequence (Unicode Table 3-7). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) {
      need = 2;
      lo = 0xa0;
    } else if (b >= 0xe1 && b <= 0xef) {
      need = 2;
      if (b === 0xed) hi = 0x9f;
    } else if (b === 0xf0) {
      need = 3;
      lo = 0x90;
    } else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else if (b === 0xf4) {
      need = 3;
      hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return n;
}
