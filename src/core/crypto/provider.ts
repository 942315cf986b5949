/**
 * The one small interface behind which runtime-specific crypto sits (STYLE: panva/jose).
 * `noble` is the portable implementation (browser and Node); `node` uses node:crypto where it is
 * much faster. Tests check that both give identical answers on every public vector.
 *
 * Everything is synchronous so the verifier can stream millions of events without a promise per
 * hash.
 */
export interface CryptoProvider {
  readonly name: "node" | "noble";
  sha256(data: Uint8Array): Uint8Array;
  /**
   * SHA-256 as a 32-character string whose character codes are the digest's bytes (Node's
   * "latin1"): the digest tree's hash, about 100 per event, without a byte array per digest.
   */
  sha256Latin1(data: Uint8Array): string;
  /** SHA-256 over the concatenation of parts, without building the concatenation. */
  sha256Parts(parts: readonly Uint8Array[]): Uint8Array;
  /** An incremental SHA-256, for digests over data that arrives in pieces (a streamed share). */
  sha256Stream(): Sha256Stream;
  /** RFC 8032 Ed25519 verification, strict (cofactorless, canonical S and R encodings). */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** Deterministic RFC 8032 signature from a 32-byte secret seed. */
  ed25519Sign(secretSeed: Uint8Array, message: Uint8Array): Uint8Array;
  /** The 32-byte public key of a 32-byte secret seed. */
  ed25519PublicKey(secretSeed: Uint8Array): Uint8Array;
  randomBytes(n: number): Uint8Array;
}

export interface Sha256Stream {
  update(data: Uint8Array): Sha256Stream;
  digest(): Uint8Array;
}
