/**
 * Step: the redaction block of a share (DESIGN §6): exact member set and format; its source must
 * be the statement's digest; its policy a policy whose digest matches; its stats the counts of the
 * records just verified; its accepted findings well formed; and its redactor signatures, over the
 * redaction statement with the digest of the share's records, must verify when by a trusted key.
 *
 * Redactor signatures never count toward --min-signatures: they say who made the share, not that
 * the events are true (the issuer's signature over the statement does that). A trusted key's
 * failing signature or a revoked key makes the share invalid; an unknown key is reported (info).
 */
import type { CryptoProvider } from "../../crypto/provider.js";
import type { HexDigest } from "../../encoding/hex.js";
import { asPointer } from "../../json/pointer.js";
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../../json/value.js";
import type { TrustStore } from "../../jws/trust.js";
import { isRfc3339Utc } from "../../time.js";
import { SEVERITIES } from "../../detect/detectors.js";
import { readPolicy } from "../../redact/policy.js";
import { policyDigest, redactionStatementBytes, REDACTION_FORMAT, REDACTION_TYP, STATS_MEMBERS, type ShareStats } from "../../redact/block.js";
import type { Finding } from "../finding.js";
import { checkSignatures, type SignatureOutcome } from "./signatures.js";

export { REDACTION_FORMAT };

const BLOCK_MEMBERS = ["format", "source", "policy", "policyDigest", "createdAt", "stats", "accepted", "signatures"];
const REQUIRED_MEMBERS = BLOCK_MEMBERS.filter((m) => m !== "signatures");
const ACCEPTED_MEMBERS = ["detector", "id", "pointer", "preview", "seq", "severity"];

export interface RedactionContext {
  /** hex(H(JCS(statement))), when the statement is well formed. */
  statementDigest?: HexDigest;
  /** What the verifier counted in the records. */
  counts: ShareStats;
  /** H(JCS(records array)), computed while streaming when the block carries signatures. */
  eventsDigest?: HexDigest;
  /** An excerpt's seqs (DESIGN §12): an accepted finding's seq must be one of them. */
  seqs?: ReadonlySet<number>;
  trust: TrustStore;
}

export interface RedactionResult {
  findings: Finding[];
  /** The redactor signatures, for the report (never counted toward --min-signatures). */
  signatures: SignatureOutcome[];
}

export function checkRedactionBlock(crypto: CryptoProvider, block: JsonObject, ctx: RedactionContext): RedactionResult {
  const findings: Finding[] = [];
  const bad = (code: string, message: string, pointer: string) => findings.push({ code, effect: "invalid", message, pointer: "/redaction" + pointer });
  for (const name of Object.keys(block)) {
    if (!BLOCK_MEMBERS.includes(name)) bad("redaction.member", `unexpected member "${name}" in the redaction block`, "/" + name);
  }
  for (const name of REQUIRED_MEMBERS) {
    if (!hasMember(block, name)) bad("redaction.member", `missing member "${name}" in the redaction block`, "");
  }
  if (block.format !== REDACTION_FORMAT) bad("redaction.format", `"format" must be "${REDACTION_FORMAT}"`, "/format");
  if (ctx.statementDigest !== undefined && block.source !== ctx.statementDigest) {
    bad("redaction.source", "the redaction block's source is not the digest of this bundle's statement", "/source");
  }
  const policy = block.policy;
  if (!isJsonObject(policy)) bad("redaction.policy", '"policy" must be an object', "/policy");
  else {
    for (const p of readPolicy(policy).problems) bad("redaction.policy", `the recorded policy is not a policy: ${p.message}`, "/policy" + p.pointer);
    if (block.policyDigest !== policyDigest(crypto, policy)) {
      bad("redaction.policy-digest", "the policy digest does not match the policy (the policy was changed after the share was made)", "/policyDigest");
    }
  }
  if (!(typeof block.createdAt === "string" && isRfc3339Utc(block.createdAt))) bad("redaction.created-at", '"createdAt" must be an RFC 3339 UTC time ending in Z', "/createdAt");
  checkStats(block.stats, ctx.counts, bad);
  checkAccepted(block.accepted, ctx.counts.events, ctx.seqs, bad);

  let signatures: SignatureOutcome[] = [];
  if (hasMember(block, "signatures")) {
    const list = block.signatures;
    if (!isJsonArray(list)) bad("redaction.signature-list", '"signatures" must be an array', "/signatures");
    else if (ctx.eventsDigest !== undefined) {
      const payload = redactionStatementBytes(
        { source: block.source ?? null, policyDigest: block.policyDigest ?? null, createdAt: block.createdAt ?? null, accepted: block.accepted ?? null },
        ctx.eventsDigest,
      );
      const s = checkSignatures(crypto, list, payload, REDACTION_TYP, ctx.trust, "/redaction/signatures");
      signatures = s.outcomes;
      // The same outcomes as issuer signatures, under codes that say whose signature it is.
      for (const f of s.findings) findings.push({ ...f, code: f.code.replace(/^signature\./, "redaction.signature-"), message: `redactor ${f.message}` });
    }
  }
  return { findings, signatures };
}

type Bad = (code: string, message: string, pointer: string) => void;

function checkStats(s: JsonValue | undefined, counts: ShareStats, bad: Bad): void {
  if (!isJsonObject(s)) return bad("redaction.stats", '"stats" must be an object', "/stats");
  for (const name of Object.keys(s)) {
    if (!(STATS_MEMBERS as readonly string[]).includes(name)) bad("redaction.stats", `unexpected member "${name}" in stats (expected ${STATS_MEMBERS.join(", ")})`, "/stats/" + name);
  }
  for (const name of STATS_MEMBERS) {
    if (!hasMember(s, name)) bad("redaction.stats", `stats lacks "${name}"`, "/stats");
    else if (s[name] !== counts[name]) {
      bad("redaction.stats", `stats say ${JSON.stringify(s[name])} for "${name}", the records hold ${counts[name]}`, "/stats/" + name);
    }
  }
}

function checkAccepted(accepted: JsonValue | undefined, events: number, seqs: ReadonlySet<number> | undefined, bad: Bad): void {
  if (!isJsonArray(accepted)) return bad("redaction.accepted", '"accepted" must be an array of findings', "/accepted");
  const seen = new Set<string>();
  accepted.forEach((f, i) => {
    const at = `/accepted/${i}`;
    if (!isJsonObject(f)) return bad("redaction.accepted", "an accepted finding must be an object", at);
    const members = Object.keys(f).sort().join(",");
    if (members !== ACCEPTED_MEMBERS.join(",")) {
      return bad("redaction.accepted", `an accepted finding has exactly the members ${ACCEPTED_MEMBERS.join(", ")}`, at);
    }
    if (typeof f.id !== "string" || !/^[0-9a-f]{16}$/.test(f.id)) bad("redaction.accepted", "id must be 16 lowercase hex characters", at + "/id");
    else if (seen.has(f.id)) bad("redaction.accepted", `finding ${f.id} is accepted twice`, at + "/id");
    else seen.add(f.id);
    if (typeof f.detector !== "string" || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(f.detector)) bad("redaction.accepted", "detector must be a detector id like aws-access-key", at + "/detector");
    if (!(SEVERITIES as readonly JsonValue[]).includes(f.severity!)) bad("redaction.accepted", `severity must be one of ${SEVERITIES.join(", ")}`, at + "/severity");
    if (!(typeof f.seq === "number" && Number.isSafeInteger(f.seq) && f.seq >= 0 && f.seq < events)) bad("redaction.accepted", `seq must be the position of an event of this share (0..${events - 1})`, at + "/seq");
    else if (seqs !== undefined && !seqs.has(f.seq)) bad("redaction.accepted", `seq ${f.seq} is not an event of this excerpt: accepted findings are in the chosen events only (DESIGN §12)`, at + "/seq");
    if (typeof f.pointer !== "string" || asPointer(f.pointer) === undefined) bad("redaction.accepted", "pointer must be a JSON Pointer in canonical spelling", at + "/pointer");
    if (typeof f.preview !== "string") bad("redaction.accepted", "preview must be a string", at + "/preview");
  });
}
