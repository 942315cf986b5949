/**
 * Trust material is an input, never read from the thing being verified (STYLE: sigstore).
 * `--key` files give active keys; a keyring (DESIGN §7) gives active, retired and revoked ones.
 */
import type { Kid, PublicKey } from "./jwk.js";

export type KeyStatus = "active" | "retired" | "revoked";

export interface TrustedKey {
  key: PublicKey;
  status: KeyStatus;
  /** Where the trust came from, for messages: a file name or "keyring". */
  source: string;
  revokedReason?: string;
}

export class TrustStore {
  private readonly keys = new Map<Kid, TrustedKey>();

  add(entry: TrustedKey): void {
    const existing = this.keys.get(entry.key.kid);
    // A revocation anywhere wins: a key revoked in a keyring stays revoked even if also given by --key.
    if (existing && existing.status === "revoked") return;
    this.keys.set(entry.key.kid, entry);
  }

  get(kid: Kid): TrustedKey | undefined {
    return this.keys.get(kid);
  }

  get size(): number {
    return this.keys.size;
  }

  all(): TrustedKey[] {
    return [...this.keys.values()];
  }
}
