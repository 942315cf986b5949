const HEX = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/** Value of each lowercase hex digit by character code; -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE[HEX.charCodeAt(i)] = i;

function hexValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? HEX_VALUE[c]! : -1;
}

/** Strict lowercase hex (DESIGN §2: digests are 64 lowercase hex characters). */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(text, 2 * i);
    const lo = hexValue(text, 2 * i + 1);
    if ((hi | lo) < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** A SHA-256 digest written as 64 lowercase hex characters. */
export type HexDigest = string & { readonly __brand: "HexDigest" };

export function isHexDigest(v: unknown): v is HexDigest {
  if (typeof v !== "string" || v.length !== 64) return false;
  for (let i = 0; i < 64; i++) if (hexValue(v, i) < 0) return false;
  return true;
}

export function hexDigest(bytes: Uint8Array): HexDigest {
  return toHex(bytes) as HexDigest;
}
