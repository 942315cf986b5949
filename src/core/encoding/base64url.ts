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

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? LOOKUP[c]! : -1;
}

/** Returns undefined for anything that is not the one canonical spelling of some bytes. */
export function b64uDecode(text: string): Uint8Array | undefined {
  const n = b64uDecodedLength(text.length);
  if (n === undefined) return undefined;
  const out = new Uint8Array(n);
  return b64uDecodeInto(text, out) ? out : undefined;
}

/** The byte length a strict base64url text of `chars` characters decodes to; undefined when none does. */
export function b64uDecodedLength(chars: number): number | undefined {
  const rest = chars % 4;
  if (rest === 1) return undefined;
  return ((chars - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1);
}

/**
 * {@link b64uDecode} into `out`, which must be exactly b64uDecodedLength(text.length) bytes long
 * (a verifier decodes every salt of a share into one reused array: issue 14). Returns false,
 * with `out` partly written, for anything that is not the one canonical spelling of such bytes.
 */
export function b64uDecodeInto(text: string, out: Uint8Array): boolean {
  const n = text.length;
  const rest = n % 4;
  if (rest === 1 || out.length !== b64uDecodedLength(n)) return false;
  const full = n - rest;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return false;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (rest === 2) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    // The unused trailing bits must be zero: one byte string, one spelling.
    if ((a | b) < 0 || (b & 15) !== 0) return false;
    out[o++] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    const c = sextet(text, full + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return false;
    const v = (a << 10) | (b << 4) | (c >> 2);
    out[o++] = v >> 8;
    out[o++] = v & 255;
  }
  return true;
}
