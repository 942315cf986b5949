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
    if (this.count++ > 0) this.hash.update(COMMA);
    this.hash.update(canonicalBytes(record));
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

export function shareStats(records: readonly EventRecord[]): ShareStats {
  const s: ShareStats = { events: records.length, disclosed: 0, partial: 0, elided: 0, redactedFields: 0 };
  for (const r of records) {
    if ("digest" in r) s.elided++;
    else if ("seed" in r) s.disclosed++;
    else {
      s.partial++;
      s.redactedFields += Object.keys(r.redacted).length;
    }
  }
  return s;
}

export interface BlockInput {
  statementDigest: HexDigest;
  policy: Policy;
  createdAt: string;
  records: readonly EventRecord[];
  accepted: LeakFinding[];
  /** The redactor's key: when given, the block carries its signature. */
  key?: PrivateKey;
}

export function makeRedactionBlock(crypto: CryptoProvider, input: BlockInput): RedactionBlock {
  const block: RedactionBlock = {
    format: REDACTION_FORMAT,
    source: input.statementDigest,
    policy: input.policy,
    policyDigest: policyDigest(crypto, input.policy as unknown as JsonObject),
    createdAt: input.createdAt,
    stats: shareStats(input.records),
    accepted: input.accepted,
  };
  if (input.key) {
    const events = new RecordsDigest(crypto);
    for (const r of input.records) events.push(r as unknown as JsonObject);
    const signed = { source: block.source, policyDigest: block.policyDigest, createdAt: block.createdAt, accepted: block.accepted as unknown as JsonValue };
    const payload = redactionStatementBytes(signed, events.digest());
    block.signatures = [signDetached(crypto, input.key, payload, REDACTION_TYP)];
  }
  return block;
}
