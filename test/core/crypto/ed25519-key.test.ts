import { readFileSync } from "node:fs";
import { Point } from "@noble/ed25519";
import { describe, expect, it } from "vitest";
import { checkEd25519PublicKey } from "../../../src/core/crypto/ed25519-key.js";
import { fromHex, toHex } from "../../../src/core/encoding/hex.js";

import { VECTORS } from "../../support/vectors.js";

interface Rfc8032Vector {
  name: string;
  publicKey: string;
  secretKey: string;
}
const rfc8032 = (JSON.parse(readFileSync(VECTORS + "rfc8032.json", "utf8")) as { vectors: Rfc8032Vector[] }).vectors;

function hex(text: string): Uint8Array {
  const bytes = fromHex(text);
  if (bytes === undefined) throw new Error(`bad hex in test data: ${text}`);
  return bytes;
}

const P = (1n << 255n) - 19n;

/** The 32-byte little-endian encoding of y, with the x sign bit set when asked. */
function encode(y: bigint, signBit = false): Uint8Array {
  const out = new Uint8Array(32);
  let v = y;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (signBit) out[31]! |= 0x80;
  return out;
}

/**
 * The canonical encodings of the 8 points of the Ed25519 torsion subgroup (orders 1, 2, 4, 4, 8, 8,
 * 8, 8). Source: @noble/curves `ED25519_TORSION_SUBGROUP` (src/ed25519.ts), the same 8 strings.
 * The first test below re-derives that they are exactly the torsion subgroup, so the list is not
 * taken on trust.
 */
const SMALL_ORDER = [
  { order: 1n, hex: "0100000000000000000000000000000000000000000000000000000000000000" },
  { order: 2n, hex: "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" },
  { order: 4n, hex: "0000000000000000000000000000000000000000000000000000000000000000" },
  { order: 4n, hex: "0000000000000000000000000000000000000000000000000000000000000080" },
  { order: 8n, hex: "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a" },
  { order: 8n, hex: "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa" },
  { order: 8n, hex: "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05" },
  { order: 8n, hex: "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85" },
];

describe("checkEd25519PublicKey", () => {
  it("the 8 listed encodings are exactly the torsion subgroup, each of its stated order", () => {
    const seen = new Set<string>();
    for (const { order, hex: h } of SMALL_ORDER) {
      const point = Point.fromBytes(hex(h), false);
      expect(point.toHex()).toBe(h);
      expect(point.multiply(order, false).is0()).toBe(true);
      if (order > 1n) expect(point.multiply(order / 2n, false).is0()).toBe(false);
      seen.add(point.toHex());
    }
    // The torsion subgroup of edwards25519 has exactly 8 elements: 8 distinct ones are all of it.
    expect(seen.size).toBe(8);
  });

  it("accepts the five RFC 8032 §7.1 public keys", () => {
    expect(rfc8032).toHaveLength(5);
    for (const v of rfc8032) expect(checkEd25519PublicKey(hex(v.publicKey)), v.name).toEqual({ ok: true });
  });

  it.each(SMALL_ORDER)("refuses the small-order point of order $order: $hex", ({ hex: h }) => {
    const check = checkEd25519PublicKey(hex(h));
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.reason).toBe("small-order");
      expect(check.message).toMatch(/small order/);
    }
  });

  it.each([
    { what: "y = p + 3 (a point of large order, y not reduced)", bytes: encode(P + 3n) },
    { what: "y = p + 1 (the identity, y not reduced)", bytes: encode(P + 1n) },
    { what: "y = p (an order-4 point, y not reduced)", bytes: encode(P) },
    { what: "y = 2^255 - 1, the largest 255-bit y", bytes: encode((1n << 255n) - 1n) },
    { what: "x = 0 with the sign bit set (the identity)", bytes: encode(1n, true) },
    { what: "x = 0 with the sign bit set (the order-2 point)", bytes: encode(P - 1n, true) },
  ])("refuses a non-canonical encoding: $what", ({ bytes }) => {
    expect(checkEd25519PublicKey(bytes)).toMatchObject({ ok: false, reason: "non-canonical" });
  });

  it("the y = p + 3 key decodes (leniently) to a point of large order, so only canonicity refuses it", () => {
    const lenient = Point.fromBytes(encode(P + 3n), true);
    expect(lenient.isSmallOrder()).toBe(false);
    expect(toHex(lenient.toBytes())).toBe(toHex(encode(3n)));
    expect(checkEd25519PublicKey(encode(3n))).toEqual({ ok: true });
  });

  it("refuses a y for which no x exists (y = 2) as not on the curve", () => {
    expect(checkEd25519PublicKey(encode(2n))).toMatchObject({ ok: false, reason: "not-on-curve" });
  });

  it.each([0, 31, 33, 64])("refuses a %i-byte key as the wrong length", (n) => {
    const check = checkEd25519PublicKey(new Uint8Array(n).fill(9));
    expect(check).toMatchObject({ ok: false, reason: "length" });
    if (!check.ok) expect(check.message).toContain(String(n));
  });
});
