/**
 * Strict hex and base64url (DESIGN §2): the scanning decoders must accept exactly what the plain
 * regular-expression definitions accept, and decode to the same bytes. A lenient decoder would let
 * two spellings carry one signature or one digest.
 */
import { describe, expect, it } from "vitest";
import { b64uDecode, b64uEncode } from "../../../src/core/encoding/base64url.js";
import { fromHex, isHexDigest, toHex } from "../../../src/core/encoding/hex.js";

/** The definitions, as plainly as they can be written (Buffer's decoder is lenient: it is only used on checked text). */
function referenceB64u(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64url");
  // Canonical: encoding the bytes again gives the same text (unused trailing bits are zero).
  return bytes.toString("base64url") === text ? new Uint8Array(bytes) : undefined;
}
function referenceHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "hex"));
}
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : Buffer.from(a).equals(Buffer.from(b));

// Every character that could matter: the alphabets, their neighbours, padding, space, non-ASCII.
const CHARS = ["A", "Z", "a", "z", "0", "9", "-", "_", "+", "/", "=", " ", "@", "[", "`", "{", ".", ":", "f", "g", "F", "G", "é", "\u0141", "\uff21", "\u0000"];

function* strings(maxLength: number): Generator<string> {
  yield "";
  let level = [""];
  for (let n = 1; n <= maxLength; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of CHARS) next.push(s + c);
    yield* next;
    level = next;
  }
}

describe("b64uDecode", () => {
  it("accepts and decodes exactly what the definition does, on every string of up to 4 characters from a mixed alphabet", () => {
    const failures: string[] = [];
    let accepted = 0;
    for (const s of strings(4)) {
      const want = referenceB64u(s);
      if (want !== undefined) accepted++;
      if (!same(b64uDecode(s), want)) failures.push(JSON.stringify(s));
    }
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(1000);
  });

  it("round-trips pseudo-random bytes of every length up to 100, and refuses each one-character change that the definition refuses", () => {
    let x = 0x2545f491;
    const failures: string[] = [];
    for (let n = 0; n <= 100; n++) {
      const bytes = Uint8Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
      const text = b64uEncode(bytes);
      expect(Buffer.from(b64uDecode(text)!).equals(Buffer.from(bytes))).toBe(true);
      for (let i = 0; i < text.length; i++) {
        for (const c of ["A", "_", "=", "+", "é"]) {
          const t = text.slice(0, i) + c + text.slice(i + 1);
          if (!same(b64uDecode(t), referenceB64u(t))) failures.push(t);
        }
      }
      for (const t of [text + "=", text + "A", text + "==", "=" + text]) if (!same(b64uDecode(t), referenceB64u(t))) failures.push(t);
    }
    expect(failures).toEqual([]);
  });

  it("refuses unused trailing bits, padding and characters beyond ASCII", () => {
    expect(b64uDecode("AA")).toEqual(Uint8Array.of(0));
    expect(b64uDecode("AB")).toBeUndefined();
    expect(b64uDecode("AAA")).toEqual(Uint8Array.of(0, 0));
    expect(b64uDecode("AAB")).toBeUndefined();
    expect(b64uDecode("AA==")).toBeUndefined();
    expect(b64uDecode("A")).toBeUndefined();
    expect(b64uDecode("AA\u0100A")).toBeUndefined();
    // A character whose code is an alphabet letter's plus 256 must not alias it.
    expect(b64uDecode("AAA" + String.fromCharCode(0x41 + 0x100))).toBeUndefined();
  });
});

describe("fromHex and isHexDigest", () => {
  it("accept exactly lowercase hex of even length, on every string of up to 3 characters from a mixed alphabet", () => {
    const failures: string[] = [];
    for (const s of strings(3)) {
      if (!same(fromHex(s), referenceHex(s))) failures.push(JSON.stringify(s));
    }
    expect(failures).toEqual([]);
  });

  it("decode every byte, and isHexDigest takes exactly 64 lowercase hex characters", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromHex(toHex(all))).toEqual(all);
    const digest = "0123456789abcdef".repeat(4);
    expect(isHexDigest(digest)).toBe(true);
    expect(fromHex(digest)).toEqual(new Uint8Array(Buffer.from(digest, "hex")));
    for (let i = 0; i < 64; i++) {
      for (const c of ["A", "F", "g", " ", "é", String.fromCharCode(digest.charCodeAt(i) + 0x100)]) {
        const bad = digest.slice(0, i) + c + digest.slice(i + 1);
        expect(isHexDigest(bad), JSON.stringify(bad)).toBe(false);
        expect(fromHex(bad)).toBeUndefined();
      }
    }
    expect(isHexDigest(digest.slice(1))).toBe(false);
    expect(isHexDigest(digest + "0")).toBe(false);
    expect(isHexDigest(digest + "00")).toBe(false);
    expect(isHexDigest(Buffer.from(digest))).toBe(false);
  });
});
