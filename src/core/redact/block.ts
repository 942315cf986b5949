/**
 * The `redaction` block of a share and the statement its redactor signs (DESIGN §6, normative):
 *
 *   {"format":"imladri.redaction/v1","source":hex(H(JCS(statement))),"policy":{...},
 *    "policyDigest":hex(H(JCS(policy))),"createdAt":T,"stats":{...},"accepted":[findings],
 *    "signatures":[...]}                                                  (signatures optional)
 *
 *   signed: JCS({"format":"imladri.redaction-statement/v1","source","policyDigest","createdAt",
 *                "accepted","events":hex(H(JCS(array of the share's records)))})
 *           with typ "imladri-redaction+json"
 *
 * For JSON Lines the events digest is the same hash over `[` + records joined by `,` + `]`, which
 * is exactly JCS of the array: {@link RecordsDigest} computes it one record at a time for both
 * the writer and the streaming verifier.
 */
import type { CryptoProvider, Sha256Stream } from "../crypto/provider.js";
import { hexDigest, type HexDigest } from "../encoding/hex.js";
import { utf8 } from "../encoding/utf8.js";
import { canonicalBytes } from "../json/canonical.js";
import type { JsonObject, JsonValue } from "../json/value.js";
import { signDetached, type JwsSignature } from "../jws/detached.js";
import type { PrivateKey } from "../jws/jwk.js";
import type { EventRecord } from "../bundle/types.js";
import type { LeakFinding } from "../detect/scan.js";
import type { Policy } from "./policy.js";

export const REDACTION_FORMAT = "imladri.redaction/v1";
export const REDACTION_STATEMENT_FORMAT = "imladri.redaction-statement/v1";
export const REDACTION_TYP = "imladri-redaction+json";

/** Counts a verifier recomputes from the records (docs/redaction.md: exactly these members). */
export interface ShareStats {
  events: number;
  disclosed: number;
  partial: number;
  elided: number;
  redactedFields: number;
}

export const STATS_MEMBERS: readonly (keyof ShareStats)[] = ["events", "disclosed", "partial", "elided", "redactedFields"];

export interface RedactionBlock {
  format: typeof REDACTION_FORMAT;
  source: HexDigest;
  policy: Policy;
  policyDigest: HexDigest;
  createdAt: string;
  stats: ShareStats;
  accepted: LeakFinding[];
  signatures?: JwsSignature[];
}

/** H(JCS(records array)), fed one record at a time. */
export class RecordsDigest {
  private readonly hash: Sha256Stream;
  private count = 0;

  constructor(crypto: CryptoProvider) {
    this.hash = crypto.sha256Stream().update(OPEN);
  }

  push(record: JsonValue): void {
    this.pushCanonical(canonicalBytes(record));
  }

  /** The same, from the record's JCS bytes when the caller already has them (a writer does). */
  pushCanonical(jcs: Uint8Array): void {
    if (this.count++ > 0) this.hash.update(COMMA);
    this.hash.update(jcs);
  }

  /** Call once, after the last record. */
  digest(): HexDigest {
    return hexDigest(this.hash.update(CLOSE).digest());
  }
}

const OPEN = utf8("[");
const COMMA = utf8(",");
const CLOSE = utf8("]");

export function policyDigest(crypto: CryptoProvider, policy: JsonValue): HexDigest {
  return hexDigest(crypto.sha256(canonicalBytes(policy)));
}

/** The bytes a redactor signs. */
export function redactionStatementBytes(
  block: { source: JsonValue; policyDigest: JsonValue; createdAt: JsonValue; accepted: JsonValue },
  eventsDigest: HexDigest,
): Uint8Array {
  return canonicalBytes({
    format: REDACTION_STATEMENT_FORMAT,
    source: block.source,
    policyDigest: block.policyDigest,
    createdAt: block.createdAt,
    accepted: block.accepted,
    events: eventsDigest,
  });
}

export function emptyStats(): ShareStats {
  return { events: 0, disclosed: 0, partial: 0, elided: 0, redactedFields: 0 };
}

/** Counts one record of the share into `stats`, as it is written (issue 6: a share streams). */
export function countRecord(stats: ShareStats, record: EventRecord): void {
  stats.events++;
  if ("digest" in record) stats.elided++;
  else if ("seed" in record) stats.disclosed++;
  else {
    stats.partial++;
    stats.redactedFields += Object.keys(record.redacted).length;
  }
}

/** {@link countRecord} over records held in memory. */
export function shareStats(records: readonly EventRecord[]): ShareStats {
  const s = emptyStats();
  for (const r of records) countRecord(s, r);
  return s;
}

/** {@link RecordsDigest} over records held in memory. */
export function recordsDigest(crypto: CryptoProvider, records: readonly EventRecord[]): HexDigest {
  const d = new RecordsDigest(crypto);
  for (const r of records) d.push(r as unknown as JsonObject);
  return d.digest();
}

export interface BlockInput {
  statementDigest: HexDigest;
  policy: Policy;
  createdAt: string;
  /** The counts of the share's records ({@link countRecord}, {@link shareStats}). */
  stats: ShareStats;
  accepted: LeakFinding[];
  /** When given, the block carries the redactor's signature over the records' digest ({@link RecordsDigest}). */
  signer?: { key: PrivateKey; eventsDigest: HexDigest };
}

/**
 * The block of a share whose records were counted and, when a redactor signs, digested as they
 * were written: the records themselves are not needed, so a share of any length streams.
 */
export function makeRedactionBlock(crypto: CryptoProvider, input: BlockInput): RedactionBlock {
  const block: RedactionBlock = {
    format: REDACTION_FORMAT,
    source: input.statementDigest,
    policy: input.policy,
    policyDigest: policyDigest(crypto, input.policy as unknown as JsonObject),
    createdAt: input.createdAt,
    stats: { ...input.stats },
    accepted: input.accepted,
  };
  if (input.signer) {
    const signed = { source: block.source, policyDigest: block.policyDigest, createdAt: block.createdAt, accepted: block.accepted as unknown as JsonValue };
    const payload = redactionStatementBytes(signed, input.signer.eventsDigest);
    block.signatures = [signDetached(crypto, input.signer.key, payload, REDACTION_TYP)];
  }
  return block;
}
