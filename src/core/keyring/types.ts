/**
 * The keyring document (DESIGN §7, normative): exactly
 * `{"format":"imladri.keyring/v1","keys":[...],"log":[entry, ...]}`. The log is the source of
 * truth; `keys` is its derivation, written out so a reader can see the key states at a glance,
 * and a verifier refuses a keyring whose `keys` say anything else.
 */
import type { HexDigest } from "../encoding/hex.js";
import type { JwsSignature } from "../jws/detached.js";
import type { Kid } from "../jws/jwk.js";
import type { KeyStatus } from "../jws/trust.js";

export const KEYRING_FORMAT = "imladri.keyring/v1";
export const ROTATION_FORMAT = "imladri.rotation/v1";

/** A public key as a keyring holds it: exactly these members, never `d`. */
export interface KeyringJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: Kid;
}

export interface Revocation {
  kid: Kid;
  reason: string;
}

/** What one log entry signs (DESIGN §7): every member present, empty arrays included. */
export interface RotationStatement {
  format: typeof ROTATION_FORMAT;
  seq: number;
  /** hex(H(JCS(previous statement))), null for entry 0. */
  prev: HexDigest | null;
  at: string;
  add: KeyringJwk[];
  retire: Kid[];
  revoke: Revocation[];
}

export interface KeyringEntry {
  statement: RotationStatement;
  signatures: JwsSignature[];
}

/** A key's state as derived by replaying the log (DESIGN §7). */
export interface DerivedKey extends KeyringJwk {
  status: KeyStatus;
  /** `at` of the entry that added it. */
  created: string;
  /** `at` of the entry that retired it. */
  retired?: string;
  revoked?: { at: string; reason: string };
}

export interface Keyring {
  format: typeof KEYRING_FORMAT;
  keys: DerivedKey[];
  log: KeyringEntry[];
}
