/**
 * Ed25519 public-key admission (DESIGN §5): a key that is not canonically encoded, or whose point
 * has small order, is refused wherever a key is loaded. A small-order key "verifies" forged
 * signatures under common (cofactored or lenient) verifiers, and a non-canonical encoding gives one
 * key two spellings, hence two thumbprints.
 *
 * Pure core: the curve arithmetic is noble's `Point`; no runtime-specific imports.
 *
 * @example
 * const check = checkEd25519PublicKey(rawKey);
 * if (!check.ok) throw new KeyError(check.reason, check.message);
 */
import { Point } from "@noble/ed25519";
import { bytesEqual } from "../encoding/utf8.js";

export type Ed25519KeyProblem = "length" | "non-canonical" | "not-on-curve" | "small-order";

export type Ed25519KeyCheck =
  | { ok: true }
  | { ok: false; reason: Ed25519KeyProblem; message: string };

/** Field prime p = 2^255 - 19 (RFC 8032 §5.1). */
const P = (1n << 255n) - 19n;

/** Little-endian bytes to an integer, ignoring bit 255 (the x sign bit of an encoded point). */
function encodedY(raw: Uint8Array): bigint {
  let y = BigInt(raw[31]! & 0x7f);
  for (let i = 30; i >= 0; i--) y = (y << 8n) | BigInt(raw[i]!);
  return y;
}

/**
 * Decodes an Ed25519 public key, refusing every encoding DESIGN §5 refuses. The providers use the
 * decoded point so the check and the verification share one decoder.
 */
export function decodeEd25519PublicKey(
  raw: Uint8Array,
): { ok: true; point: Point } | { ok: false; reason: Ed25519KeyProblem; message: string } {
  if (raw.length !== 32) {
    return { ok: false, reason: "length", message: `Ed25519 public key is ${raw.length} bytes; expected 32` };
  }
  // RFC 8032 §5.1.3 step 1: decoding fails if y >= p. A lenient decoder reduces it instead, which
  // gives a second spelling of the point.
  if (encodedY(raw) >= P) {
    return {
      ok: false,
      reason: "non-canonical",
      message: "Ed25519 public key is not canonically encoded (its y coordinate is not reduced mod p)",
    };
  }
  let point: Point;
  try {
    // Lenient (ZIP-215) decoding on purpose: y < p is checked above, and the one remaining
    // non-canonical form (x = 0 with the sign bit set) is caught by the re-encoding below, so a
    // throw here can only mean that no x exists for this y.
    point = Point.fromBytes(raw, true);
  } catch {
    return { ok: false, reason: "not-on-curve", message: "Ed25519 public key is not a point on the curve" };
  }
  // DESIGN §5: re-encoding the decoded point must give the same bytes.
  if (!bytesEqual(point.toBytes(), raw)) {
    return {
      ok: false,
      reason: "non-canonical",
      message: "Ed25519 public key is not canonically encoded (x = 0 written with the sign bit set)",
    };
  }
  // Small order: [8]A is the identity (the 8 points of the torsion subgroup).
  if (point.isSmallOrder()) {
    return {
      ok: false,
      reason: "small-order",
      message: "Ed25519 public key has small order (it would accept forged signatures); use a properly generated key",
    };
  }
  return { ok: true, point };
}

/** DESIGN §5: whether a raw 32-byte Ed25519 public key may be loaded, and why not. */
export function checkEd25519PublicKey(raw: Uint8Array): Ed25519KeyCheck {
  const decoded = decodeEd25519PublicKey(raw);
  return decoded.ok ? { ok: true } : { ok: false, reason: decoded.reason, message: decoded.message };
}
