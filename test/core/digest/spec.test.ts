/**
 * The digest tree, chain and statement checked against a second, deliberately naive
 * implementation written straight from the text of DESIGN §4–§5 (node:crypto, JSON.stringify with
 * sorted keys). If tree.ts drifts from the spec — salt spelling, tags, hex vs raw — these differ.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { eventDigest, nodeDigest, seedSalt } from "../../../src/core/digest/tree.js";
import { genesis, ChainBuilder } from "../../../src/core/chain/chain.js";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { ROOT_POINTER } from "../../../src/core/json/pointer.js";
import type { JsonValue } from "../../../src/core/json/value.js";

const H = (...parts: (Buffer | Uint8Array | string)[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? Buffer.from(p, "utf8") : p);
  return h.digest();
};

// JCS for values whose numbers JSON.stringify already writes in ES form and keys sort by code unit.
function jcs(v: any): string {
  if (v === null || typeof v !== "object") return JSON.stringify(Object.is(v, -0) ? 0 : v);
  if (Array.isArray(v)) return "[" + v.map(jcs).join(",") + "]";
  return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + jcs(v[k])).join(",") + "}";
}

const esc = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

function N(v: any, p: string, seed: Buffer): Buffer {
  if (v === null || typeof v !== "object") {
    const salt = H(seed, p).subarray(0, 16);
    return H(Buffer.of(0), salt, jcs(v));
  }
  if (Array.isArray(v)) return H(Buffer.of(2), jcs(v.map((x, i) => N(x, p + "/" + i, seed).toString("hex"))));
  const m: Record<string, string> = {};
  for (const k of Object.keys(v)) m[k] = N(v[k], p + "/" + esc(k), seed).toString("hex");
  return H(Buffer.of(1), jcs(m));
}

const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1));
const EVENTS: JsonValue[] = [
  { id: "e1", type: "tool.call", args: { "a/b": 1, "c~d": [true, null, "x"], "": "empty key", nested: { deep: [[], {}] } } },
  { id: "e2", "é": "accent", "😀": "astral key sorts by UTF-16 units", "\u0080": 0.1, big: 1e21, neg: -0, tiny: 5e-324 },
  {},
  // Names that start in ASCII and continue beyond it, or mix escapes with non-ASCII: a fast path
  // that writes pointer bytes itself must spell these exactly as the pointer string would.
  { "naïve": 1, "a/é~b": { "größe": ["x", { "日本/語": true }] }, "ab~c/d": "plain", "x\u00e9\ud83d\ude00y": null },
  { deep: { "k€y": [[{ "z~1/é": 0.5 }]] } },
];

describe.each([nodeCrypto, nobleCrypto])("DESIGN §4 digest tree ($name)", (crypto) => {
  it.each(EVENTS.map((e, i) => [i, e] as const))("event %i matches the naive reference", (_i, event) => {
    expect(Buffer.from(eventDigest(crypto, event, seed)).toString("hex")).toBe(N(event, "", seed).toString("hex"));
  });

  it("salts use the escaped pointer: key '' is '/', 'a/b' is '/a~1b'", () => {
    expect(Buffer.from(seedSalt(crypto, seed, "/" as any)).toString("hex")).toBe(H(seed, "/").subarray(0, 16).toString("hex"));
    expect(Buffer.from(seedSalt(crypto, seed, "/a~1b" as any)).toString("hex")).toBe(H(seed, "/a~1b").subarray(0, 16).toString("hex"));
  });

  it("1.0 and 1, -0 and 0 are the same leaf; {} and [] digests are constants", () => {
    const a = nodeDigest(crypto, 1, "/x" as any, { salt: () => new Uint8Array(16), redacted: () => undefined });
    const b = nodeDigest(crypto, -0 + 1.0, "/x" as any, { salt: () => new Uint8Array(16), redacted: () => undefined });
    expect(a).toEqual(b);
    const z1 = eventDigest(crypto, { a: {} }, seed);
    const z2 = eventDigest(crypto, { a: {} }, Buffer.alloc(32, 9));
    expect(z1).toEqual(z2);
    expect(eventDigest(crypto, { a: 0 }, seed)).toEqual(eventDigest(crypto, { a: -0 }, seed));
  });

  it("a different seed gives a different digest for the same event", () => {
    expect(eventDigest(crypto, EVENTS[0]!, seed)).not.toEqual(eventDigest(crypto, EVENTS[0]!, Buffer.alloc(32)));
  });
});

describe.each([nodeCrypto, nobleCrypto])("DESIGN §5 chain ($name)", (crypto) => {
  it("genesis and links follow the spec; head of an empty chain is genesis", () => {
    const g = H(Buffer.of(3), "chain-1");
    expect(Buffer.from(genesis(crypto, "chain-1"))).toEqual(g);
    const d0 = N(EVENTS[0], "", seed);
    const d1 = N(EVENTS[1], "", seed);
    const l0 = H(Buffer.of(4), g, d0);
    const l1 = H(Buffer.of(4), l0, d1);
    const c = new ChainBuilder(crypto, "chain-1");
    expect(Buffer.from(c.head)).toEqual(g);
    c.push(d0);
    c.push(d1);
    expect(Buffer.from(c.head)).toEqual(l1);
    expect(c.length).toBe(2);
  });
});

describe("crypto providers agree on incremental hashing", () => {
  it("sha256Stream equals one-shot sha256 in both providers", () => {
    for (let n = 0; n < 50; n++) {
      const parts = Array.from({ length: n % 5 }, (_, i) => Buffer.alloc((n * 13 + i * 31) % 200, n + i));
      const whole = Buffer.concat(parts);
      for (const c of [nodeCrypto, nobleCrypto]) {
        const s = c.sha256Stream();
        for (const p of parts) s.update(p);
        expect(Buffer.from(s.digest()).toString("hex")).toBe(H(whole).toString("hex"));
      }
    }
  });
});
