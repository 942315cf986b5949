/**
 * The digest tree's speed-ups (issue 6, docs/performance.md) must not change a single digest:
 * hash inputs assembled in reused buffers, one-off buffers for inputs that do not fit, a byte path
 * instead of pointer strings for seeded events, a seed written once per event, and node:crypto
 * digests read back from latin1 strings. Each is checked against a plain reference written from
 * DESIGN §4 (Buffer.concat and JSON text, no reuse of anything), with both crypto providers, and
 * at the sizes where a buffer runs out.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { eventDigest, nodeDigest, seedSalt, seedSource } from "../../src/core/digest/tree.js";
import { nobleCrypto } from "../../src/core/crypto/noble.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { canonicalize } from "../../src/core/json/canonical.js";
import { ROOT_POINTER, type JsonPointer } from "../../src/core/json/pointer.js";
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
