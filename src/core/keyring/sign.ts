/**
 * Writing keyring entries (DESIGN §7): build the rotation statement, sign it as in §5 with typ
 * `imladri-rotation+json`, and derive `keys` by replaying the log that would be written. The
 * writers use the reader's rules (replayLog), so nothing is written that a verifier would refuse.
 *
 * @example
 * const first = createKeyring(crypto, [rootKey], formatTimestamp(new Date()));
 * if (first.ok) write(serializeKeyring(first.keyring));
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { hexDigest } from "../encoding/hex.js";
import { canonicalBytes } from "../json/canonical.js";
import type { JsonObject, JsonValue } from "../json/value.js";
import { signDetached } from "../jws/detached.js";
import { publicJwk, type Kid, type PrivateKey } from "../jws/jwk.js";
import type { Finding } from "../verify/finding.js";
import { replayLog, ROTATION_TYP } from "./replay.js";
import { KEYRING_FORMAT, ROTATION_FORMAT, type Keyring, type KeyringEntry, type Revocation, type RotationStatement } from "./types.js";

/** What one entry changes. Added keys are given with their private part: each signs its entry. */
export interface KeyChange {
  add?: readonly PrivateKey[];
  retire?: readonly Kid[];
  revoke?: readonly Revocation[];
}

/** The new keyring, or the findings that stop it being written (with every `invalid` one). */
export type KeyringWrite = { ok: true; keyring: Keyring; findings: Finding[] } | { ok: false; findings: Finding[] };

/** H(JCS(statement)) as hex: what the next entry's `prev` holds. */
export function rotationDigest(crypto: CryptoProvider, s: RotationStatement): string {
  return hexDigest(crypto.sha256(canonicalBytes(s as unknown as JsonObject)));
}

/** Entry 0: adds the root key(s), signed by each (DESIGN §7). */
export function createKeyring(crypto: CryptoProvider, rootKeys: readonly PrivateKey[], at: string): KeyringWrite {
  return appendEntry(crypto, [], { add: rootKeys }, [], at);
}

/**
 * A later entry, signed by `signers` (at least one must be active before it: the replay checks)
 * and by every added key. `keyring` must be one the reader accepted.
 */
export function extendKeyring(crypto: CryptoProvider, keyring: Keyring, change: KeyChange, signers: readonly PrivateKey[], at: string): KeyringWrite {
  return appendEntry(crypto, keyring.log, change, signers, at);
}

function appendEntry(crypto: CryptoProvider, log: readonly KeyringEntry[], change: KeyChange, signers: readonly PrivateKey[], at: string): KeyringWrite {
  const last = log[log.length - 1];
  const add = change.add ?? [];
  const statement: RotationStatement = {
    format: ROTATION_FORMAT,
    seq: log.length,
    prev: last === undefined ? null : (rotationDigest(crypto, last.statement) as RotationStatement["prev"]),
    at,
    add: add.map((k) => publicJwk(k)),
    retire: [...(change.retire ?? [])],
    revoke: (change.revoke ?? []).map((r) => ({ kid: r.kid, reason: r.reason })),
  };
  const payload = canonicalBytes(statement as unknown as JsonObject);
  // One signature per distinct key (DESIGN §5: signatures are counted per distinct key).
  const byKid = new Map<Kid, PrivateKey>();
  for (const k of [...signers, ...add]) if (!byKid.has(k.kid)) byKid.set(k.kid, k);
  const signatures = [...byKid.values()].map((k) => signDetached(crypto, k, payload, ROTATION_TYP));
  const newLog: KeyringEntry[] = [...log, { statement, signatures }];
  const replay = replayLog(crypto, newLog as unknown as JsonValue[]);
  if (replay.findings.some((f) => f.effect === "invalid")) return { ok: false, findings: replay.findings };
  return { ok: true, keyring: { format: KEYRING_FORMAT, keys: replay.keys.map((k) => k.jwk), log: newLog }, findings: replay.findings };
}

/** The file form: indented JSON (keyrings are reviewed and committed), signatures cover JCS only. */
export function serializeKeyring(keyring: Keyring): string {
  return JSON.stringify(keyring, null, 2) + "\n";
}
