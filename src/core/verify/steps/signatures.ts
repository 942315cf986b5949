/**
 * Step: the issuer signatures over the statement (DESIGN §5, §8). Signatures are counted per
 * distinct trusted, non-revoked key; unknown keys are ignored and reported; a trusted key whose
 * signature fails, or any signature by a revoked key, makes the bundle invalid.
 */
import type { CryptoProvider } from "../../crypto/provider.js";
import { readSignatureEntry, verifyDetached, type JwsType } from "../../jws/detached.js";
import type { Kid } from "../../jws/jwk.js";
import type { TrustStore } from "../../jws/trust.js";
import type { JsonValue } from "../../json/value.js";
import type { Finding } from "../finding.js";

export type SignatureStatus = "valid" | "bad-signature" | "unknown-key" | "revoked-key" | "malformed";

export interface SignatureOutcome {
  index: number;
  kid?: Kid;
  status: SignatureStatus;
  /** Where the trusted key came from. */
  source?: string;
}

export interface SignaturesResult {
  outcomes: SignatureOutcome[];
  /** Distinct trusted, non-revoked keys with a valid signature. */
  validKids: Kid[];
  findings: Finding[];
}

export function checkSignatures(
  crypto: CryptoProvider,
  entries: readonly JsonValue[],
  payload: Uint8Array,
  typ: JwsType,
  trust: TrustStore,
  basePointer: string,
): SignaturesResult {
  const findings: Finding[] = [];
  const outcomes: SignatureOutcome[] = [];
  const valid = new Set<Kid>();
  entries.forEach((entry, index) => {
    const pointer = `${basePointer}/${index}`;
    const read = readSignatureEntry(entry, typ);
    if (!read.ok) {
      findings.push({ code: read.code, effect: "invalid", message: `signature ${index}: ${read.message}`, pointer: pointer + read.pointer });
      outcomes.push({ index, status: "malformed" });
      return;
    }
    const trusted = trust.get(read.kid);
    if (trusted === undefined) {
      findings.push({ code: "signature.unknown-key", effect: "info", message: `signature ${index} is by key ${read.kid}, which is not trusted here: ignored`, pointer });
      outcomes.push({ index, kid: read.kid, status: "unknown-key" });
      return;
    }
    const good = verifyDetached(crypto, trusted.key, read.protectedB64, read.signature, payload);
    if (trusted.status === "revoked") {
      const why = trusted.revokedReason ? ` (${trusted.revokedReason})` : "";
      findings.push({ code: "signature.revoked-key", effect: "invalid", message: `signature ${index} is by key ${read.kid}, which is revoked${why}`, pointer });
      outcomes.push({ index, kid: read.kid, status: "revoked-key", source: trusted.source });
      return;
    }
    if (!good) {
      findings.push({ code: "signature.bad", effect: "invalid", message: `signature ${index} by trusted key ${read.kid} does not verify`, pointer });
      outcomes.push({ index, kid: read.kid, status: "bad-signature", source: trusted.source });
      return;
    }
    valid.add(read.kid);
    outcomes.push({ index, kid: read.kid, status: "valid", source: trusted.source });
  });
  return { outcomes, validKids: [...valid], findings };
}
