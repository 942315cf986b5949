import { verify as opensslVerify, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { Point, utils as edUtils } from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import type { CryptoProvider } from "../../../src/core/crypto/provider.js";
import { b64uDecode } from "../../../src/core/encoding/base64url.js";
import { fromHex, toHex } from "../../../src/core/encoding/hex.js";
import { concatBytes, utf8 } from "../../../src/core/encoding/utf8.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";

import { VECTORS } from "../../support/vectors.js";
const readJson = (name: string): unknown => JSON.parse(readFileSync(VECTORS + name, "utf8"));

function hex(text: string): Uint8Array {
  const bytes = fromHex(text);
  if (bytes === undefined) throw new Error(`bad hex in test data: ${text}`);
  return bytes;
}
function b64u(text: string): Uint8Array {
  const bytes = b64uDecode(text);
  if (bytes === undefined) throw new Error(`bad base64url in test data: ${text}`);
  return bytes;
}
function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

// --- the public vectors --------------------------------------------------------------------------

interface WycheproofFile {
  numberOfTests: number;
  testGroups: { publicKey: { pk: string }; tests: { tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: string }[] }[];
}
const wycheproof = readJson("wycheproof/ed25519_test.json") as WycheproofFile;
const wycheproofCases = wycheproof.testGroups.flatMap((g) =>
  g.tests.map((t) => ({ ...t, pk: g.publicKey.pk, label: `tcId ${t.tcId} ${t.result} [${t.flags.join(",")}] ${t.comment}` })),
);

interface Rfc8032Vector { name: string; secretKey: string; publicKey: string; message: string; signature: string }
const rfc8032 = (readJson("rfc8032.json") as { vectors: Rfc8032Vector[] }).vectors;

interface Rfc8037 {
  "A.1_privateKeyJwk": { d: string; x: string };
  "A.2_publicKeyJwk": { x: string };
  "A.4_ed25519Signing": { signingInput: string; signatureB64u: string; compactJws: string };
}
const rfc8037 = readJson("rfc8037.json") as Rfc8037;

// --- constructed vectors (see the tests that use them) -------------------------------------------

/** Order of the prime-order subgroup. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
/** A point of order 8 (in @noble/curves ED25519_TORSION_SUBGROUP; re-checked below). */
const T8 = Point.fromBytes(hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), false);
const leInt = (b: Uint8Array): bigint => BigInt("0x" + (toHex(b.slice().reverse()) || "0"));
const leBytes32 = (n: bigint): Uint8Array => hex(n.toString(16).padStart(64, "0")).reverse();
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint => leInt(sha512(concatBytes([r, a, m]))) % L;

const test1 = rfc8032[0]!;
const test1Scalar = edUtils.getExtendedPublicKey(hex(test1.secretKey)).scalar;

/**
 * A signature by the RFC 8032 TEST 1 key whose R = [r]B + T8 carries an order-8 component:
 * S = r + k·a. It satisfies the cofactored equation [8][S]B = [8]R + [8][k]A (what noble's own
 * `verify` checks, even with zip215: false) but not the cofactorless [S]B = R + [k]A (OpenSSL).
 */
function torsionRSignature(message: Uint8Array): Uint8Array {
  const r = 0x1234567890abcdefn;
  const rBytes = Point.BASE.multiply(r).add(T8).toBytes();
  const k = challenge(rBytes, hex(test1.publicKey), message);
  return concatBytes([rBytes, leBytes32((r + k * test1Scalar) % L)]);
}

/** The TEST 1 key plus T8: a mixed-order key, not small order, so the admission check lets it in. */
const mixedKey = Point.fromBytes(hex(test1.publicKey), false).add(T8).toBytes();
/** An honest-looking signature under the mixed key; cofactorless verification accepts it iff 8 | k. */
function mixedKeySignature(message: Uint8Array): { sig: Uint8Array; k: bigint } {
  const r = 0xfeedfacecafebeefn + BigInt(message.length);
  const rBytes = Point.BASE.multiply(r).toBytes();
  const k = challenge(rBytes, mixedKey, message);
  return { sig: concatBytes([rBytes, leBytes32((r + k * test1Scalar) % L)]), k };
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure reproduces. */
function prng(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = next() & 0xff;
    return out;
  };
}

const providers: CryptoProvider[] = [nobleCrypto, nodeCrypto];

describe("the vector files", () => {
  it("are all there (a missing or truncated file fails here, not silently)", () => {
    expect(wycheproof.numberOfTests).toBe(151);
    expect(wycheproofCases).toHaveLength(151);
    expect(wycheproofCases.filter((c) => c.result === "valid")).toHaveLength(88);
    expect(wycheproofCases.filter((c) => c.result === "invalid")).toHaveLength(63);
    expect(rfc8032).toHaveLength(5);
    expect(rfc8037["A.4_ed25519Signing"].compactJws).toBe(
      `${rfc8037["A.4_ed25519Signing"].signingInput}.${rfc8037["A.4_ed25519Signing"].signatureB64u}`,
    );
  });

  it("the constructed torsion-R signature is valid under the cofactored equation only", () => {
    expect(T8.multiply(8n, false).is0()).toBe(true);
    expect(T8.multiply(4n, false).is0()).toBe(false);
    const m = utf8("cofactored, not cofactorless");
    const sig = torsionRSignature(m);
    const A = Point.fromBytes(hex(test1.publicKey), false);
    const R = Point.fromBytes(sig.subarray(0, 32), false);
    const k = challenge(sig.subarray(0, 32), hex(test1.publicKey), m);
    const diff = Point.BASE.multiply(leInt(sig.subarray(32)), false).subtract(A.multiply(k, false)).subtract(R);
    expect(diff.is0()).toBe(false);
    expect(diff.clearCofactor().is0()).toBe(true);
  });
});

describe.each(providers)("$name provider", (crypto) => {
  describe("Wycheproof ed25519_test.json", () => {
    it.each(wycheproofCases)("$label", (c) => {
      expect(crypto.ed25519Verify(hex(c.pk), hex(c.msg), hex(c.sig))).toBe(c.result === "valid");
    });
  });

  describe("RFC 8032 §7.1", () => {
    it.each(rfc8032)("$name: derives the public key from the seed", (v) => {
      expect(toHex(crypto.ed25519PublicKey(hex(v.secretKey)))).toBe(v.publicKey);
    });

    it.each(rfc8032)("$name: signs deterministically to the published signature", (v) => {
      expect(toHex(crypto.ed25519Sign(hex(v.secretKey), hex(v.message)))).toBe(v.signature);
    });

    it.each(rfc8032)("$name: the published signature verifies", (v) => {
      expect(crypto.ed25519Verify(hex(v.publicKey), hex(v.message), hex(v.signature))).toBe(true);
    });

    it.each(rfc8032)("$name: any one flipped bit in R or S is refused", (v) => {
      const sig = hex(v.signature);
      // first and last bits of R and of S (bit 511 pushes S above L: the malleability check).
      for (const bit of [0, 7, 100, 255, 256, 300, 510, 511]) {
        expect(crypto.ed25519Verify(hex(v.publicKey), hex(v.message), flipBit(sig, bit)), `bit ${bit}`).toBe(false);
      }
    });

    it.each(rfc8032)("$name: the signature does not verify for another message or key", (v) => {
      const other = rfc8032.find((o) => o.name !== v.name)!;
      expect(crypto.ed25519Verify(hex(v.publicKey), utf8("not the message"), hex(v.signature))).toBe(false);
      expect(crypto.ed25519Verify(hex(other.publicKey), hex(v.message), hex(v.signature))).toBe(false);
    });
  });

  describe("RFC 8037 Appendix A (Ed25519 JWS)", () => {
    const a4 = rfc8037["A.4_ed25519Signing"];

    it("A.4's signature over the ASCII signing input verifies under the A.2 key", () => {
      expect(crypto.ed25519Verify(b64u(rfc8037["A.2_publicKeyJwk"].x), utf8(a4.signingInput), b64u(a4.signatureB64u))).toBe(true);
    });

    it("signing A.4's input with A.1's d reproduces the signature, and d derives A.1's x", () => {
      const d = b64u(rfc8037["A.1_privateKeyJwk"].d);
      expect(crypto.ed25519Sign(d, utf8(a4.signingInput))).toEqual(b64u(a4.signatureB64u));
      expect(crypto.ed25519PublicKey(d)).toEqual(b64u(rfc8037["A.1_privateKeyJwk"].x));
    });

    it("the A.4 signature does not verify over a changed signing input", () => {
      const changed = a4.signingInput.replace("RXhh", "RXhi");
      expect(changed).not.toBe(a4.signingInput);
      expect(crypto.ed25519Verify(b64u(rfc8037["A.2_publicKeyJwk"].x), utf8(changed), b64u(a4.signatureB64u))).toBe(false);
    });
  });

  describe("strictness beyond the vector files", () => {
    it("refuses a signature whose R has a small-order component (cofactorless, as OpenSSL)", () => {
      for (const text of ["a", "bb", "torsion in R"]) {
        const m = utf8(text);
        expect(crypto.ed25519Verify(hex(test1.publicKey), m, torsionRSignature(m))).toBe(false);
      }
    });

    it("answers for a mixed-order key exactly as the cofactorless equation does (iff 8 divides k)", () => {
      const answers = new Set<boolean>();
      for (let i = 0; i < 40; i++) {
        const m = utf8(`mixed-order message ${i}`);
        const { sig, k } = mixedKeySignature(m);
        const expected = k % 8n === 0n;
        answers.add(expected);
        expect(crypto.ed25519Verify(mixedKey, m, sig), `message ${i}`).toBe(expected);
      }
      // Both outcomes occurred, so the loop tested the distinction rather than one constant answer.
      expect([...answers].sort()).toEqual([false, true]);
    });

    it.each([
      ["the identity key", "0100000000000000000000000000000000000000000000000000000000000000"],
      ["the identity spelled y = p + 1 (non-canonical)", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"],
      ["the identity spelled with the x sign bit set (non-canonical)", "0100000000000000000000000000000000000000000000000000000000000080"],
    ])("refuses the universal forgery under %s, which raw OpenSSL accepts (DESIGN §5)", (_, keyHex) => {
      const key = hex(keyHex);
      // R = the identity, S = 0: [S]B - [k]A is the identity for every message when A is.
      const forged = concatBytes([hex("0100000000000000000000000000000000000000000000000000000000000000"), new Uint8Array(32)]);
      const m = utf8("any message at all");
      const spki = concatBytes([hex("302a300506032b6570032100"), key]);
      const raw = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
      expect(opensslVerify(null, m, raw, forged)).toBe(true);
      expect(crypto.ed25519Verify(key, m, forged)).toBe(false);
    });

    it("refuses wrong lengths of key and signature without throwing", () => {
      const v = test1;
      expect(crypto.ed25519Verify(hex(v.publicKey).subarray(0, 31), hex(v.message), hex(v.signature))).toBe(false);
      expect(crypto.ed25519Verify(hex(v.publicKey), hex(v.message), hex(v.signature).subarray(0, 63))).toBe(false);
      expect(crypto.ed25519Verify(hex(v.publicKey), hex(v.message), concatBytes([hex(v.signature), Uint8Array.of(0)]))).toBe(false);
    });

    it("verifies the same signature again through its key cache, and still refuses a bad one after", () => {
      const v = rfc8032[2]!;
      for (let i = 0; i < 3; i++) {
        expect(crypto.ed25519Verify(hex(v.publicKey), hex(v.message), hex(v.signature))).toBe(true);
        expect(crypto.ed25519Verify(hex(v.publicKey), hex(v.message), flipBit(hex(v.signature), 3))).toBe(false);
      }
    });

    it("refuses a secret seed that is not 32 bytes", () => {
      expect(() => crypto.ed25519Sign(new Uint8Array(31), utf8("x"))).toThrow(/32/);
      expect(() => crypto.ed25519PublicKey(new Uint8Array(33))).toThrow(/32/);
    });
  });

  describe("SHA-256", () => {
    it.each([
      // FIPS 180-2 Appendix B examples, plus the empty string.
      ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
      ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
      ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
    ])("SHA-256(%j)", (text, digest) => {
      expect(toHex(crypto.sha256(utf8(text)))).toBe(digest);
      expect(Buffer.from(crypto.sha256Latin1(utf8(text)), "latin1").toString("hex")).toBe(digest);
      expect(toHex(crypto.sha256Parts([utf8(text)]))).toBe(digest);
      expect(toHex(crypto.sha256Parts([...text].map((ch) => utf8(ch))))).toBe(digest);
    });

    it("SHA-256 of one million 'a' (FIPS 180-2), whole and in uneven parts", () => {
      const data = new Uint8Array(1_000_000).fill(0x61);
      const digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
      expect(toHex(crypto.sha256(data))).toBe(digest);
      expect(Buffer.from(crypto.sha256Latin1(data), "latin1").toString("hex")).toBe(digest);
      expect(toHex(crypto.sha256Parts([data.subarray(0, 1), data.subarray(1, 70_001), data.subarray(70_001)]))).toBe(digest);
    });

    it("sha256Parts of no parts is SHA-256 of nothing", () => {
      expect(toHex(crypto.sha256Parts([]))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    });

    it("returns plain 32-byte Uint8Arrays (not Buffers, whose slice shares memory)", () => {
      for (const out of [crypto.sha256(utf8("x")), crypto.sha256Parts([utf8("x")]), crypto.ed25519Sign(hex(test1.secretKey), utf8("x")), crypto.ed25519PublicKey(hex(test1.secretKey))]) {
        expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
      }
      expect(crypto.sha256(utf8("x"))).toHaveLength(32);
    });
  });

  describe("randomBytes", () => {
    it("gives the length asked for, fresh each call, including more than one getRandomValues chunk", () => {
      expect(crypto.randomBytes(0)).toHaveLength(0);
      const a = crypto.randomBytes(32);
      const b = crypto.randomBytes(32);
      expect(a).toHaveLength(32);
      expect(toHex(a)).not.toBe(toHex(b));
      const big = crypto.randomBytes(70_000);
      expect(big).toHaveLength(70_000);
      // The tail past the first 65,536-byte chunk was filled too (4,464 zero bytes by chance: 2^-35712).
      expect(big.subarray(65_536).some((x) => x !== 0)).toBe(true);
    });

    it("refuses a negative or fractional length", () => {
      expect(() => crypto.randomBytes(-1)).toThrow(RangeError);
      expect(() => crypto.randomBytes(1.5)).toThrow(RangeError);
    });
  });
});

describe("the two providers agree", () => {
  it("on SHA-256, sha256Latin1 and sha256Parts of 301 pseudo-random inputs of 0..300 bytes split at random", () => {
    const bytes = prng(0x1a2b3c4d);
    for (let len = 0; len <= 300; len++) {
      const data = bytes(len);
      const cuts = [...bytes(3)].map((c) => (c * len) >> 8).sort((x, y) => x - y);
      const parts = [data.subarray(0, cuts[0]), data.subarray(cuts[0], cuts[1]), data.subarray(cuts[1], cuts[2]), data.subarray(cuts[2])];
      const expected = toHex(nodeCrypto.sha256(data));
      expect(toHex(nobleCrypto.sha256(data)), `length ${len}`).toBe(expected);
      const latin1 = nodeCrypto.sha256Latin1(data);
      expect(latin1).toHaveLength(32);
      expect(Buffer.from(latin1, "latin1").toString("hex"), `length ${len}`).toBe(expected);
      expect(nobleCrypto.sha256Latin1(data), `length ${len}`).toBe(latin1);
      expect(toHex(nodeCrypto.sha256Parts(parts)), `length ${len}`).toBe(expected);
      expect(toHex(nobleCrypto.sha256Parts(parts)), `length ${len}`).toBe(expected);
    }
  });

  it("on Ed25519 keys, signatures and their verification for pseudo-random seeds and messages", () => {
    const bytes = prng(0x5eed);
    for (let i = 0; i < 24; i++) {
      const seed = bytes(32);
      const message = bytes(i * 13);
      const pk = nodeCrypto.ed25519PublicKey(seed);
      expect(toHex(nobleCrypto.ed25519PublicKey(seed))).toBe(toHex(pk));
      const sig = nodeCrypto.ed25519Sign(seed, message);
      expect(toHex(nobleCrypto.ed25519Sign(seed, message))).toBe(toHex(sig));
      for (const p of providers) {
        expect(p.ed25519Verify(pk, message, sig), p.name).toBe(true);
        expect(p.ed25519Verify(pk, message, flipBit(sig, i * 21)), p.name).toBe(false);
      }
    }
  });
});
