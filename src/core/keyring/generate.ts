/**
 * New Ed25519 signing keys. The seed is 32 bytes from the CryptoProvider's CSPRNG (node:crypto in
 * the CLI, WebCrypto's getRandomValues in a browser) and the public key comes from the same
 * provider that signs and verifies: one code path, synchronous, no key-object conversions.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { checkEd25519PublicKey } from "../crypto/ed25519-key.js";
import { b64uEncode } from "../encoding/base64url.js";
import { publicKeyFromRaw, type PrivateKey } from "../jws/jwk.js";

export function generatePrivateKey(crypto: CryptoProvider): PrivateKey {
  const seed = crypto.randomBytes(32);
  const raw = crypto.ed25519PublicKey(seed);
  // Cannot fail for a random seed (the public key is a multiple of the base point); checked so a
  // broken provider can never produce a key that every loader would later refuse.
  const check = checkEd25519PublicKey(raw);
  if (!check.ok) throw new Error(`generated key refused: ${check.message}`);
  return { ...publicKeyFromRaw(crypto, raw), seed };
}

/**
 * The private JWK file text (RFC 8037), as `readPrivateJwk` reads it. Only for writing a 0600
 * file: never print it, never put it in an error.
 */
export function privateJwkText(key: PrivateKey): string {
  return JSON.stringify({ kty: "OKP", crv: "Ed25519", x: key.x, kid: key.kid, d: b64uEncode(key.seed) }, null, 2) + "\n";
}
