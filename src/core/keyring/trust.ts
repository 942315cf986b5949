/**
 * From a replayed keyring to the verifier's trust material (DESIGN §7): active and retired keys
 * are trusted for any bundle; revoked keys are carried as revoked, so a signature by one makes
 * the bundle `invalid` (src/core/verify/steps/signatures.ts). A keyring that did not replay
 * cleanly gives no trust at all.
 */
import type { TrustStore } from "../jws/trust.js";
import type { Finding } from "../verify/finding.js";
import type { KeyringReplay } from "./replay.js";

/** Adds the keyring's keys to `trust`; returns how many were added (0 for a broken keyring). */
export function addKeyringToTrust(trust: TrustStore, replay: KeyringReplay, source: string): number {
  if (!replay.ok) return 0;
  for (const k of replay.keys) {
    trust.add({ key: k.key, status: k.jwk.status, source, ...(k.jwk.revoked ? { revokedReason: k.jwk.revoked.reason } : {}) });
  }
  return replay.keys.length;
}

/**
 * `proof verify --keyring` in one step, for the CLI and the browser page alike: adds a sound
 * keyring's keys to `trust` and returns its findings for the Verifier's `extraFindings` (a broken
 * keyring makes the verdict `invalid`, DESIGN §7). `label` names the keyring (its file name) in
 * each message, because these findings sit among the bundle's and point into another document.
 *
 * @example
 * const extra = trustKeyring(trust, replayKeyring(crypto, doc, { root }), "keyring.json");
 * const verifier = new Verifier({ crypto, trust, extraFindings: extra });
 */
export function trustKeyring(trust: TrustStore, replay: KeyringReplay, label: string): Finding[] {
  addKeyringToTrust(trust, replay, label);
  const findings = replay.findings.map((f) => ({ ...f, message: `keyring ${label}: ${f.message}` }));
  if (!replay.ok) {
    // Explains the "unknown key" and "no trusted key" findings the verifier adds for its signatures.
    const n = replay.findings.filter((f) => f.effect === "invalid").length;
    findings.push({ code: "keyring.untrusted", effect: "info", message: `keyring ${label} does not verify (${n} problem${n === 1 ? "" : "s"}): none of its keys is trusted` });
  }
  return findings;
}
