/**
 * Strict base64url without padding (DESIGN §2): only the URL-safe alphabet, no `=`, and the
 * unused trailing bits must be zero, so one byte string has exactly one spelling.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function b64uEncode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** Returns undefined for anything that is not the one canonical spelling of some bytes. */
export function b64uDecode(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const vals = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) return undefined;
    vals[i] = v;
  }
  const full = Math.floor(text.length / 4);
  const rest = text.length % 4;
  const out = new Uint8Array(full * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  for (let i = 0; i < full * 4; i += 4) {
    const n = (vals[i]! << 18) | (vals[i + 1]! << 12) | (vals[i + 2]! << 6) | vals[i + 3]!;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const i = full * 4;
  if (rest === 2) {
    if ((vals[i + 1]! & 15) !== 0) return undefined;
    out[o++] = (vals[i]! << 2) | (vals[i + 1]! >> 4);
  } else if (rest === 3) {
    if ((vals[i + 2]! & 3) !== 0) return undefined;
    const n = (vals[i]! << 10) | (vals[i + 1]! << 4) | (vals[i + 2]! >> 2);
    out[o++] = n >> 8;
    out[o++] = n & 255;
  }
  return out;
}
