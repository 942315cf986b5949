/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), the `JCS(v)` of DESIGN §2: every digest and
 * every signature in a bundle is computed over these bytes.
 *
 * - members sorted by their names' UTF-16 code units (Array.prototype.sort's default order);
 * - numbers in ECMAScript Number::toString form (`String(n)`; -0 is written `0`);
 * - strings as ECMAScript JSON.stringify writes them, which is exactly JCS for well-formed strings;
 * - no whitespace.
 *
 * Pure core: no Node APIs. Called for every leaf of every event (DESIGN §4), so scalars take a
 * direct path and containers are written with one string builder and no intermediate arrays
 * beyond the sorted member names.
 */
import { utf8 } from "../encoding/utf8.js";
import type { JsonValue } from "./value.js";

// Values from parseJson are at most 64 deep (DESIGN §2); this bound only stops a cycle or a
// hand-built value from overflowing the call stack.
const MAX_DEPTH = 1000;

/**
 * The canonical JSON text of `v` (RFC 8785).
 * ```ts
 * canonicalize({ b: [1.0, -0, 1e21], a: "\u20ac" }); // '{"a":"€","b":[1,0,1e+21]}'
 * ```
 * Throws TypeError for what JSON cannot hold: non-finite numbers, strings with lone surrogates,
 * `undefined`, functions, symbols, bigints, array holes, and objects that are not plain objects.
 */
export function canonicalize(v: JsonValue): string {
  return write(v, 0);
}

/**
 * The canonical JSON of `v` as UTF-8 bytes: what gets hashed and signed.
 * ```ts
 * canonicalBytes({ a: 1 }); // Uint8Array of '{"a":1}'
 * ```
 */
export function canonicalBytes(v: JsonValue): Uint8Array {
  return utf8(write(v, 0));
}

function write(v: unknown, depth: number): string {
  switch (typeof v) {
    case "string":
      return writeString(v);
    case "number":
      return writeNumber(v);
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (v === null) return "null";
      if (depth >= MAX_DEPTH) throw new TypeError(`cannot canonicalize: nesting deeper than ${MAX_DEPTH} (or a cycle)`);
      if (Array.isArray(v)) {
        const n = v.length;
        if (n === 0) return "[]";
        let s = "[" + write(v[0], depth + 1);
        for (let i = 1; i < n; i++) s += "," + write(v[i], depth + 1);
        return s + "]";
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`cannot canonicalize a ${describe(v)}: expected a plain object`);
      }
      const o = v as Record<string, unknown>;
      // RFC 8785 §3.2.3: sort by UTF-16 code units, which is the default sort order.
      const names = Object.keys(o).sort();
      const n = names.length;
      if (n === 0) return "{}";
      let s = "{";
      for (let i = 0; i < n; i++) {
        const name = names[i]!;
        if (i > 0) s += ",";
        s += writeString(name) + ":" + write(o[name], depth + 1);
      }
      return s + "}";
    }
    default:
      throw new TypeError(`cannot canonicalize a value of type ${typeof v}: expected a JSON value`);
  }
}

// ---------------------------------------------------------------------------------------------
// The same text written as UTF-8 bytes into a caller's buffer: the digest tree hashes JCS(v) of
// every leaf (DESIGN §4), and building the string, checking it and encoding it again per leaf
// cost more than the hash. test/core/json/canonical.test.ts checks these against canonicalize.

/** Bytes that writeJcsString may write for `s`: at most 6 per UTF-16 unit (`\u001f`), plus the quotes. */
export function jcsStringRoom(s: string): number {
  return 6 * s.length + 2;
}

/** After a backslash: the character of a two-character escape (RFC 8785 §3.2.2.2), 0 for `\u00XX`. */
const SHORT_ESCAPE = new Uint8Array(0x60);
SHORT_ESCAPE[0x08] = 0x62; // \b
SHORT_ESCAPE[0x09] = 0x74; // \t
SHORT_ESCAPE[0x0a] = 0x6e; // \n
SHORT_ESCAPE[0x0c] = 0x66; // \f
SHORT_ESCAPE[0x0d] = 0x72; // \r
SHORT_ESCAPE[0x22] = 0x22; // \"
SHORT_ESCAPE[0x5c] = 0x5c; // \\
const LOWER_HEX = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/**
 * Writes UTF8(JCS(s)) for a string at `o` (room for jcsStringRoom(s) bytes is the caller's) and
 * returns the end. Throws TypeError for a lone surrogate, as canonicalize does.
 */
export function writeJcsString(buf: Uint8Array, o: number, s: string): number {
  buf[o++] = 0x22;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        buf[o++] = c;
        continue;
      }
      buf[o++] = 0x5c;
      const e = SHORT_ESCAPE[c]!;
      if (e !== 0) buf[o++] = e;
      else {
        // JSON.stringify writes the other controls as \u00xx with lowercase hex (RFC 8785 §3.2.2.2).
        buf[o++] = 0x75;
        buf[o++] = 0x30;
        buf[o++] = 0x30;
        buf[o++] = LOWER_HEX[c >> 4]!;
        buf[o++] = LOWER_HEX[c & 15]!;
      }
    } else if (c < 0x800) {
      buf[o++] = 0xc0 | (c >> 6);
      buf[o++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[o++] = 0xe0 | (c >> 12);
      buf[o++] = 0x80 | ((c >> 6) & 63);
      buf[o++] = 0x80 | (c & 63);
    } else {
      const d = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw new TypeError("cannot canonicalize a string with a lone surrogate");
      const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      buf[o++] = 0xf0 | (cp >> 18);
      buf[o++] = 0x80 | ((cp >> 12) & 63);
      buf[o++] = 0x80 | ((cp >> 6) & 63);
      buf[o++] = 0x80 | (cp & 63);
      i++;
    }
  }
  buf[o++] = 0x22;
  return o;
}

/**
 * Writes JCS(n) of a number (ASCII, at most 25 bytes: Number::toString) at `o` and returns the
 * end. Throws TypeError for NaN and ±Infinity, as canonicalize does.
 */
export function writeJcsNumber(buf: Uint8Array, o: number, n: number): number {
  // A safe integer is written digit by digit: exactly Number::toString's digits (no exponent below
  // 1e21), and -0 is 0. Anything else goes through String(n).
  if (Number.isSafeInteger(n)) {
    let v = n;
    if (v < 0) {
      buf[o++] = 0x2d;
      v = -v;
    }
    const start = o;
    do {
      buf[o++] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    for (let a = start, b = o - 1; a < b; a++, b--) {
      const t = buf[a]!;
      buf[a] = buf[b]!;
      buf[b] = t;
    }
    return o;
  }
  const text = writeNumber(n);
  for (let i = 0; i < text.length; i++) buf[o++] = text.charCodeAt(i);
  return o;
}

/**
 * JCS(v) written as UTF-8 bytes into one reusable buffer (issue 14: records leave as bytes,
 * never as strings joined into a spool string that survives every scavenge). The same bytes as
 * utf8(canonicalize(v)), with the same refusals; test/core/json/canonical.test.ts compares them.
 * The caller takes the bytes (`bytes.subarray(0, length)`) and calls `reset()`; a buffer that
 * grew for one huge value goes back to its default size on the next reset.
 */
export class JcsByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(private readonly defaultSize = 64 * 1024) {
    this.bytes = new Uint8Array(defaultSize);
  }

  /** Appends JCS(v). On a refusal (TypeError) the bytes written for v so far are dropped. */
  value(v: JsonValue): void {
    const start = this.length;
    try {
      this.write(v, 0);
    } catch (e) {
      this.length = start;
      throw e;
    }
  }

  /** Appends ASCII text (punctuation between values: `,`, `\n`, `[`). */
  ascii(text: string): void {
    this.room(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  /** Appends bytes [start, end) of `from`: JCS already written elsewhere (the digest walk's leaves). */
  raw(from: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.bytes.set(from.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** Appends one ASCII byte (`,` `:` `[` `]` `{` `}`). */
  byte(b: number): void {
    this.room(1);
    this.bytes[this.length++] = b;
  }

  /** Empties the buffer; one that grew beyond four times its default size is let go. */
  reset(): void {
    this.length = 0;
    if (this.bytes.length > 4 * this.defaultSize) this.bytes = new Uint8Array(this.defaultSize);
  }

  private room(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(need, 2 * this.bytes.length));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }

  private string(s: string): void {
    // Room for the worst case (6 bytes per unit) only for ordinary strings: a string of millions of
    // characters is escaped by JSON.stringify and encoded once, at its real size.
    if (s.length <= 1 << 16) {
      this.room(jcsStringRoom(s));
      this.length = writeJcsString(this.bytes, this.length, s);
      return;
    }
    const encoded = utf8(writeString(s));
    this.room(encoded.length);
    this.bytes.set(encoded, this.length);
    this.length += encoded.length;
  }

  private write(v: unknown, depth: number): void {
    switch (typeof v) {
      case "string":
        this.string(v);
        return;
      case "number":
        this.room(25);
        this.length = writeJcsNumber(this.bytes, this.length, v);
        return;
      case "boolean":
        this.ascii(v ? "true" : "false");
        return;
      case "object": {
        if (v === null) {
          this.ascii("null");
          return;
        }
        if (depth >= MAX_DEPTH) throw new TypeError(`cannot canonicalize: nesting deeper than ${MAX_DEPTH} (or a cycle)`);
        if (Array.isArray(v)) {
          this.ascii("[");
          for (let i = 0; i < v.length; i++) {
            if (i > 0) this.ascii(",");
            this.write(v[i], depth + 1);
          }
          this.ascii("]");
          return;
        }
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          throw new TypeError(`cannot canonicalize a ${describe(v)}: expected a plain object`);
        }
        const o = v as Record<string, unknown>;
        const names = Object.keys(o).sort();
        this.ascii("{");
        for (let i = 0; i < names.length; i++) {
          const name = names[i]!;
          if (i > 0) this.ascii(",");
          this.string(name);
          this.ascii(":");
          this.write(o[name], depth + 1);
        }
        this.ascii("}");
        return;
      }
      default:
        throw new TypeError(`cannot canonicalize a value of type ${typeof v}: expected a JSON value`);
    }
  }
}

function writeNumber(n: number): string {
  // RFC 8785 §3.2.2.3: ECMAScript Number::toString; String(-0) is already "0".
  if (n - n !== 0) throw new TypeError(`cannot canonicalize ${String(n)}: expected a finite number`);
  return String(n);
}

function writeString(s: string): string {
  // JSON.stringify escapes a lone surrogate as \udXXX; JCS (via I-JSON) has no such strings.
  if (!isWellFormed(s)) throw new TypeError("cannot canonicalize a string with a lone surrogate");
  return JSON.stringify(s);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type WellFormed = (this: string) => boolean;
const nativeWellFormed = (String.prototype as unknown as { isWellFormed?: WellFormed }).isWellFormed;

/** String.prototype.isWellFormed (ES2024) where present; a regular expression elsewhere. */
const isWellFormed: (s: string) => boolean =
  typeof nativeWellFormed === "function"
    ? (s) => nativeWellFormed.call(s)
    : (s) => !LONE_SURROGATE.test(s);

function describe(v: object): string {
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === "string" && name !== "" ? name : "non-plain object";
}

/**
 * DESIGN §2 refuses integer literals above 2^53-1, and JCS writes every integral number below
 * 1e21 without an exponent. So a number such as 1e20 parses, but its canonical form could never
 * be read back: export must refuse it (ask for a string) rather than write an unreadable bundle.
 */
export function survivesCanonicalForm(n: number): boolean {
  const a = Math.abs(n);
  return !(Number.isInteger(a) && a > Number.MAX_SAFE_INTEGER && a < 1e21);
}
