/**
 * From a replayed keyring to the verifier's trust material (DESIGN §7): active and retired keys
 * are trusted for any bundle; revoked keys are carried as revoked, so a signature by one makes
 * the bundle `invalid` (src/core/verify/steps/signatures.ts). A keyring that did not replay
 * cleanly gives no trust at all.
 */
import type { TrustStore } from "../jws/trust.js";
import type { KeyringReplay } from "./replay.js";

/** Adds the keyring's keys to `trust`; returns how many were added (0 for a broken keyring). */
export function addKeyringToTrust(trust: TrustStore, replay: KeyringReplay, source: string): number {
  if (!replay.ok) return 0;
  for (const k of replay.keys) {
    trust.add({ key: k.key, status: k.jwk.status, source, ...(k.jwk.revoked ? { revokedReason: k.jwk.revoked.reason } : {}) });
  }
  return replay.keys.length;
}
