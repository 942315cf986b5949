/** Deterministic keys and hand-made (possibly forged) keyring entries for the keyring tests. */
import type { CryptoProvider } from "../../../src/core/crypto/provider.js";
import { canonicalBytes } from "../../../src/core/json/canonical.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { signDetached, type JwsType } from "../../../src/core/jws/detached.js";
import { publicKeyFromRaw, type PrivateKey } from "../../../src/core/jws/jwk.js";
import { replayLog } from "../../../src/core/keyring/replay.js";
import { rotationDigest } from "../../../src/core/keyring/sign.js";
import { KEYRING_FORMAT, ROTATION_FORMAT, type KeyringEntry, type RotationStatement } from "../../../src/core/keyring/types.js";
import type { Finding } from "../../../src/core/verify/finding.js";

/** A key from a fixed seed, so every run builds the same keyrings. */
export function fixedKey(crypto: CryptoProvider, n: number): PrivateKey {
  const seed = new Uint8Array(32).fill(n);
  return { ...publicKeyFromRaw(crypto, crypto.ed25519PublicKey(seed)), seed };
}

export function at(i: number): string {
  return `2026-11-${String(10 + i).padStart(2, "0")}T09:00:00.000Z`;
}

/**
 * An entry appended to `log`, with correct seq, prev and time unless overridden, signed by
 * `signers` (nothing checks whether they may sign: that is what the tests are for).
 */
export function entry(
  crypto: CryptoProvider,
  log: readonly KeyringEntry[],
  change: Partial<RotationStatement>,
  signers: readonly PrivateKey[],
  typ: JwsType = "imladri-rotation+json",
): KeyringEntry {
  const last = log[log.length - 1];
  const statement: RotationStatement = {
    format: ROTATION_FORMAT,
    seq: log.length,
    prev: last === undefined ? null : (rotationDigest(crypto, last.statement) as RotationStatement["prev"]),
    at: at(log.length),
    add: [],
    retire: [],
    revoke: [],
    ...change,
  };
  const payload = canonicalBytes(statement as unknown as JsonObject);
  return { statement, signatures: signers.map((k) => signDetached(crypto, k, payload, typ)) };
}

/** A keyring document whose `keys` are what the code derives from `log`, right or wrong. */
export function keyringOf(crypto: CryptoProvider, log: readonly KeyringEntry[]): JsonObject {
  const keys = replayLog(crypto, log as unknown as JsonValue[]).keys.map((k) => k.jwk);
  return clone({ format: KEYRING_FORMAT, keys, log }) as unknown as JsonObject;
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The distinct codes of the `invalid` findings, sorted. */
export function invalidCodes(findings: readonly Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.effect === "invalid").map((f) => f.code))].sort();
}
