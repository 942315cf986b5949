/**
 * Step: the redaction block of a share (DESIGN §6): its source must be the statement's digest and
 * its policy digest must match its policy.
 */
import type { CryptoProvider } from "../../crypto/provider.js";
import { hexDigest } from "../../encoding/hex.js";
import { canonicalBytes } from "../../json/canonical.js";
import { isJsonObject, type JsonObject } from "../../json/value.js";
import type { HexDigest } from "../../encoding/hex.js";
import type { Finding } from "../finding.js";

export const REDACTION_FORMAT = "imladri.redaction/v1";

export function checkRedactionBlock(crypto: CryptoProvider, block: JsonObject, statementDigest: HexDigest | undefined): Finding[] {
  const findings: Finding[] = [];
  const bad = (code: string, message: string, pointer: string) => findings.push({ code, effect: "invalid", message, pointer: "/redaction" + pointer });
  if (block.format !== REDACTION_FORMAT) bad("redaction.format", `"format" must be "${REDACTION_FORMAT}"`, "/format");
  if (statementDigest !== undefined && block.source !== statementDigest) {
    bad("redaction.source", "the redaction block's source is not the digest of this bundle's statement", "/source");
  }
  if (!isJsonObject(block.policy)) bad("redaction.policy", '"policy" must be an object', "/policy");
  else if (block.policyDigest !== hexDigest(crypto.sha256(canonicalBytes(block.policy)))) {
    bad("redaction.policy-digest", "the policy digest does not match the policy (the policy was changed after the share was made)", "/policyDigest");
  }
  return findings;
}
