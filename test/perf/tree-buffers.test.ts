/**
 * The digest tree's speed-ups (issue 6, docs/performance.md) must not change a single digest:
 * hash inputs assembled in reused buffers (one per nesting level, grown for inputs that do not
 * fit and shrunk back after), node digests carried as latin1 strings and written into their
 * parent's input as hex, JCS written straight into the buffers, a byte path instead of pointer
 * strings for seeded events, a seed written once per event. Each is checked against a plain
 * reference written from DESIGN §4 (Buffer.concat and JSON text, no reuse of anything), with both
 * crypto providers, and at the sizes where a buffer runs out.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { eventDigest, nodeDigest, seedSalt, seedSource } from "../../src/core/digest/tree.js";
import { nobleCrypto } from "../../src/core/crypto/noble.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { canonicalize } from "../../src/core/json/canonical.js";
import { ROOT_POINTER, type JsonPointer } from "../../src/core/json/pointer.js";
import type { CryptoProvider } from "../../src/core/crypto/provider.js";
import type { JsonValue } from "../../src/core/json/value.js";

const H = (...parts: (Uint8Array | string)[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? Buffer.from(p, "utf8") : p);
  return h.digest();
};
const esc = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** N(v, p) of DESIGN §4, as plainly as it can be written. */
function reference(v: JsonValue, p: string, seed: Uint8Array): Buffer {
  if (v === null || typeof v !== "object") return H(Uint8Array.of(0), H(seed, p).subarray(0, 16), canonicalize(v));
  if (Array.isArray(v)) return H(Uint8Array.of(2), canonicalize(v.map((x, i) => reference(x, `${p}/${i}`, seed).toString("hex"))));
  const m: Record<string, string> = {};
  for (const k of Object.keys(v)) m[k] = reference(v[k]!, `${p}/${esc(k)}`, seed).toString("hex");
  return H(Uint8Array.of(1), canonicalize(m));
}

/** N(v, p) with salts and stand-ins given per pointer (a share's partial record). */
function referenceWith(v: JsonValue, p: string, salt: (p: string) => Uint8Array, stand: (p: string) => Buffer | undefined): Buffer {
  const s = stand(p);
  if (s !== undefined) return s;
  if (v === null || typeof v !== "object") return H(Uint8Array.of(0), salt(p), canonicalize(v));
  if (Array.isArray(v)) return H(Uint8Array.of(2), canonicalize(v.map((x, i) => referenceWith(x, `${p}/${i}`, salt, stand).toString("hex"))));
  const m: Record<string, string> = {};
  for (const k of Object.keys(v)) m[k] = referenceWith(v[k]!, `${p}/${esc(k)}`, salt, stand).toString("hex");
  return H(Uint8Array.of(1), canonicalize(m));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const seedOf = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + n * 17) & 0xff);

// The buffers are 64 KiB; views are cached up to 4096 bytes.
const LONG_ASCII = "a".repeat(70_000);
const LONG_UNICODE = "é日😀".repeat(9_000); // 36,000 UTF-16 units, 81,000 UTF-8 bytes
const ESCAPES = "tab\there, quote\" backslash\\ nul\u0000 del\u007f line\u2028 end";
const MANY_MEMBERS = Object.fromEntries(Array.from({ length: 1_200 }, (_, i) => [`member-${i}`, i]));
// The outer name still fits the path buffer (written byte by byte), the inner one does not (the
// walk falls back to pointer strings below a non-root path); a third one overflows at the root.
const LONG_NAME = { ["n".repeat(20_000)]: { ["é/~".repeat(8_000)]: "beyond the path buffer", ok: 1 }, ["m".repeat(30_000)]: [true] };

const CASES: [string, JsonValue][] = [
  ["a leaf input over 4096 bytes (no cached view)", { s: "x".repeat(5_000) }],
  ["a leaf input over the 64 KiB buffer", { s: LONG_ASCII }],
  ["a long non-ASCII string", { s: LONG_UNICODE, t: [LONG_UNICODE] }],
  ["strings JSON escapes", { s: ESCAPES, [ESCAPES]: ESCAPES }],
  ["an object body over the buffer (1,200 members)", MANY_MEMBERS],
  ["an array body over the buffer", { a: Array.from({ length: 1_500 }, (_, i) => i % 3 === 0 ? null : i) }],
  ["a pointer over the path buffer", LONG_NAME],
  ["names with ~ and / and non-ASCII", { "~": 1, "/": 2, "~1": 3, "a~/b": { "é~": { "/日": [0, "x"] } }, "": { "": "" } }],
  ["numbers in their JCS spelling", { n: [1, -0, 1.5, 1e21, 1e-7, 123456789012345, -2.5e-300, 0.1] }],
  ["empty containers", { o: {}, a: [], nested: [[], [{}], { x: [] }] }],
  // Object.keys puts integer-like names first, in numeric order; JCS sorts by UTF-16 code units.
  ["names that Object.keys does not give in JCS order", { b: 1, "10": 2, "9": 3, a: 4, B: 5, "é": 6, "\u{1f602}": 7, "\ufb33": 8, "": 9 }],
  ["names with ~ and / and non-ASCII, deep", { x: [{ "a~b/c": { "é/~": [{ "~1~0": { "日/本": null } }] } }] }],
  ["long names in bodies at several levels, each over the buffer", { ["p".repeat(40_000)]: { ["q".repeat(40_000)]: { ["r".repeat(40_000)]: 1, s: [2] } }, t: 3 }],
  ["long non-ASCII and escaped names over the buffer", { ["é\"\u0001".repeat(12_000)]: { ["日\\".repeat(12_000)]: true } }],
  ["a long string of escapes over the buffer", { s: "\u0000\"\\\n".repeat(20_000) }],
  ["many small values at one level (body grows)", { a: Array.from({ length: 3_000 }, (_, i) => ({ [`k${i}`]: i % 2 ? "v" : i })) }],
  ["every scalar kind", { s: "", t: "x", n: [0, -0, -1, 9007199254740991, -9007199254740991, 1e21, 1.5, 5e-324], b: [true, false], z: null }],
];

describe.each([nodeCrypto, nobleCrypto])("digest tree buffers ($name)", (crypto) => {
  it.each(CASES)("%s: eventDigest and nodeDigest match the reference", (_name, value) => {
    const seed = seedOf(1);
    const want = reference(value, "", seed).toString("hex");
    expect(hex(eventDigest(crypto, value, seed))).toBe(want);
    expect(hex(nodeDigest(crypto, value, ROOT_POINTER, seedSource(crypto, seed)))).toBe(want);
  });

  it("events with different seeds, one after another and interleaved, each get their own salts", () => {
    const event: JsonValue = { id: "e", args: { a: [1, "two", { three: 3 }] } };
    const seeds = [seedOf(1), seedOf(2), seedOf(3)];
    const want = seeds.map((s) => reference(event, "", s).toString("hex"));
    const sources = seeds.map((s) => seedSource(crypto, s));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < seeds.length; i++) {
        expect(hex(eventDigest(crypto, event, seeds[i]!))).toBe(want[i]);
        // A seedSource kept from before must still use its own seed after others ran.
        expect(hex(nodeDigest(crypto, event, ROOT_POINTER, sources[(i + 1) % 3]!))).toBe(want[(i + 1) % 3]);
      }
    }
  });

  it("a seed array changed in place between calls is read again (seedSalt and seedSource)", () => {
    const seed = seedOf(4);
    const p = "/args/a" as JsonPointer;
    const before = hex(seedSalt(crypto, seed, p));
    const source = seedSource(crypto, seed);
    seed[0] = seed[0]! ^ 0xff;
    const after = hex(seedSalt(crypto, seed, p));
    expect(after).not.toBe(before);
    expect(after).toBe(hex(H(seed, p).subarray(0, 16)));
    // The source copied the seed when it was made: the change does not reach it.
    expect(hex(source.salt(p)!)).toBe(before);
  });
});

describe.each([nodeCrypto, nobleCrypto])("digest tree state between calls ($name)", (crypto: CryptoProvider) => {
  const seed = seedOf(7);
  const event: JsonValue = { id: "e", args: { a: [1, "two", { three: 3 }], "b/c": "é" }, ok: true };
  const want = () => reference(event, "", seed).toString("hex");

  it("a huge value, then ordinary events: the grown buffers went back and every digest is right", () => {
    const huge: JsonValue = { s: "x".repeat(300_000), [("n".repeat(50_000))]: { m: "é".repeat(100_000) } };
    expect(hex(eventDigest(crypto, huge, seed))).toBe(reference(huge, "", seed).toString("hex"));
    for (let i = 0; i < 3; i++) expect(hex(eventDigest(crypto, event, seed))).toBe(want());
    expect(hex(nodeDigest(crypto, huge, ROOT_POINTER, seedSource(crypto, seed)))).toBe(reference(huge, "", seed).toString("hex"));
    expect(hex(nodeDigest(crypto, event, ROOT_POINTER, seedSource(crypto, seed)))).toBe(want());
  });

  it("a value refused midway (lone surrogate, undefined, bigint) throws a TypeError and leaves nothing behind", () => {
    const bad: unknown[] = [
      { a: { b: [1, { c: "ok", d: "x\ud800" }] } },
      { a: [1, undefined] },
      { a: { b: 1n } },
      { a: [1, , 3] }, // eslint-disable-line no-sparse-arrays
      { ["x\udc00"]: { deep: [1, 2] } },
      { a: NaN },
    ];
    for (const v of bad) {
      expect(() => eventDigest(crypto, v as JsonValue, seed)).toThrow(TypeError);
      expect(() => nodeDigest(crypto, v as JsonValue, ROOT_POINTER, seedSource(crypto, seed))).toThrow(TypeError);
      expect(hex(eventDigest(crypto, event, seed))).toBe(want());
      expect(hex(nodeDigest(crypto, event, ROOT_POINTER, seedSource(crypto, seed)))).toBe(want());
    }
  });

  it("stand-ins (a share's redacted digests) at any depth, the root included, as the reference hashes them", () => {
    const value: JsonValue = { a: { b: null, c: [null, 2] }, d: null, e: "x", f: { g: { h: null } } };
    const salt = (p: string) => H(seed, p).subarray(0, 16);
    const stands: Record<string, Buffer> = { "/a/b": H("one"), "/a/c/0": H("two"), "/d": H("three"), "/f/g": H("four") };
    const stand = (p: string) => stands[p];
    const want = referenceWith(value, "", salt, stand).toString("hex");
    const source = { salt: (p: JsonPointer) => new Uint8Array(salt(p)), redacted: (p: JsonPointer) => (stands[p] ? new Uint8Array(stands[p]) : undefined) };
    expect(hex(nodeDigest(crypto, value, ROOT_POINTER, source))).toBe(want);
    // Redacting "" stands in for the whole value.
    expect(hex(nodeDigest(crypto, value, ROOT_POINTER, { ...source, redacted: () => new Uint8Array(H("root")) }))).toBe(H("root").toString("hex"));
    // A stand-in that is not 32 bytes is a caller's bug, never hashed as something else.
    expect(() => nodeDigest(crypto, value, ROOT_POINTER, { ...source, redacted: (p) => (p === "/d" ? new Uint8Array(16) : undefined) })).toThrow(RangeError);
    expect(hex(nodeDigest(crypto, value, ROOT_POINTER, source))).toBe(want);
  });

  it("a DigestSource whose callbacks compute other digests in the middle of a walk does not disturb it", () => {
    const value: JsonValue = { a: { b: [1, { c: "x" }], d: "y" }, e: [[2, 3], { f: null }] };
    const other: JsonValue = { z: [{ y: "deep" }, [4, [5, { w: "é" }]]] };
    const otherWant = reference(other, "", seedOf(9)).toString("hex");
    const salt = (p: string) => H(seed, p).subarray(0, 16);
    const seen: string[] = [];
    const source = {
      salt: (p: JsonPointer) => {
        // Both walks, entered again while this one has bodies pending at several levels.
        seen.push(hex(eventDigest(crypto, other, seedOf(9))), hex(nodeDigest(crypto, other, ROOT_POINTER, seedSource(crypto, seedOf(9)))));
        return new Uint8Array(salt(p));
      },
      redacted: (p: JsonPointer) => {
        if (p === "/e/1") seen.push(hex(nodeDigest(crypto, other, ROOT_POINTER, seedSource(crypto, seedOf(9)))));
        return undefined;
      },
    };
    expect(hex(nodeDigest(crypto, value, ROOT_POINTER, source))).toBe(referenceWith(value, "", salt, () => undefined).toString("hex"));
    expect(seen.length).toBeGreaterThan(10);
    expect(new Set(seen)).toEqual(new Set([otherWant]));
  });
});

describe("the providers' latin1 digests", () => {
  it("sha256Latin1 is SHA-256, one character per byte, in both providers, on inputs of every length up to 300", () => {
    const big = Uint8Array.from({ length: 1_024 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= 300; n++) {
      const input = big.subarray(n % 13, (n % 13) + n);
      const want = createHash("sha256").update(input).digest("binary");
      expect(nodeCrypto.sha256Latin1(input)).toBe(want);
      expect(nobleCrypto.sha256Latin1(input)).toBe(want);
    }
  });
});

describe("node:crypto SHA-256 read back from a latin1 string", () => {
  it("equals noble's on inputs of every length up to 300 bytes, at any offset in a larger buffer", () => {
    const big = Uint8Array.from({ length: 1_024 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= 300; n++) {
      const input = big.subarray(n % 13, (n % 13) + n);
      const d = nodeCrypto.sha256(input);
      expect(d).toBeInstanceOf(Uint8Array);
      expect(d.length).toBe(32);
      expect(hex(d)).toBe(hex(nobleCrypto.sha256(input)));
    }
  });

  it("returns a fresh array each time (a caller may keep or change it)", () => {
    const a = nodeCrypto.sha256(Uint8Array.of(1));
    const b = nodeCrypto.sha256(Uint8Array.of(1));
    expect(a).not.toBe(b);
    a[0] = a[0]! ^ 1;
    expect(hex(b)).toBe(hex(nobleCrypto.sha256(Uint8Array.of(1))));
  });
});
