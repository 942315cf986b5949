const HEX = "0123456789abcdef";

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/** Strict lowercase hex (DESIGN §2: digests are 64 lowercase hex characters). */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A SHA-256 digest written as 64 lowercase hex characters. */
export type HexDigest = string & { readonly __brand: "HexDigest" };

export function isHexDigest(v: unknown): v is HexDigest {
  return typeof v === "string" && /^[0-9a-f]{64}$/.test(v);
}

export function hexDigest(bytes: Uint8Array): HexDigest {
  return toHex(bytes) as HexDigest;
}
