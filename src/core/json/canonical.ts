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
