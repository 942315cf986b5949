/**
 * Making a share (DESIGN §6, §9): apply the policy to every record, scan what is still disclosed,
 * and settle the findings against `--accept`, one record at a time (the CLI streams: issue 6);
 * the array forms are built on the one-record ones. Pure: the CLI reads, times, signs and writes.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { parsePointer, type JsonPointer } from "../json/pointer.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/value.js";
import { recordFormOf, type EventRecord } from "../bundle/types.js";
import { hexDigest } from "../encoding/hex.js";
import { ShareCapture } from "../digest/tree.js";
import { scanRecord, severityRank, type LeakFinding } from "../detect/scan.js";
import { SEVERITIES } from "../detect/detectors.js";
import { patternTokens, WILDCARD } from "./pointer-glob.js";
import { outermost, policyTargets, type Policy, type PolicyRule } from "./policy.js";
import { elideRecord, hiddenIn, isOpen, pointersToHide, redactedPointers, redactRecord, shareFromCapture, type ShareRecord } from "./record.js";

/** What happens to one event: for `--dry-run` and the summary. */
export interface PlanEntry {
  seq: number;
  /** elide: hidden now; elided: already hidden in the input; redact: some or no values hidden. */
  action: "elide" | "elided" | "redact";
  /** Pointers this run hides (outermost; earlier redactions of a share not repeated). */
  pointers: JsonPointer[];
}

export interface AppliedPolicy {
  records: ShareRecord[];
  plan: PlanEntry[];
}

/** One record of the share and what happened to it. */
export interface AppliedRecord {
  record: ShareRecord;
  plan: PlanEntry;
}

/**
 * Applies the policy to one record of a full bundle or a share (checked by the verifier first).
 * One record at a time, so a redactor can stream a bundle of any length (issue 6).
 */
export function applyPolicyToRecord(crypto: CryptoProvider, record: EventRecord, policy: Policy): AppliedRecord {
  if (!isOpen(record)) return { record, plan: { seq: record.seq, action: "elided", pointers: [] } };
  const targets = policyTargets(policy, { seq: record.seq, event: record.event, hidden: hiddenIn(record) });
  if (targets.elide) return { record: elideRecord(crypto, record), plan: { seq: record.seq, action: "elide", pointers: [] } };
  const r = redactRecord(crypto, record, targets.redact);
  const before = new Set<string>(redactedPointers(record));
  const now = "redacted" in r ? (Object.keys(r.redacted) as JsonPointer[]) : [];
  return { record: r, plan: { seq: record.seq, action: "redact", pointers: now.filter((p) => !before.has(p)) } };
}

/**
 * A disclosed record's policy targets, worked out before the record is checked (issue 14), and
 * the capture that the check's digest walk fills with what the share needs (ShareCapture).
 */
export interface PlannedRecord {
  readonly seq: number;
  readonly event: JsonObject;
  readonly elide: boolean;
  /** The outermost pointers to hide that hold a value (redactRecord's). */
  readonly hide: readonly JsonPointer[];
  readonly capture: ShareCapture;
}

/**
 * Plans a record that has the shape of a disclosed one (DESIGN §4: {seq, seed, event}); any other
 * is undefined, and is redacted after its check with {@link applyPolicyToRecord}. The record is
 * not checked yet: the plan is used only once the check has found nothing `invalid` in it.
 */
export function planDisclosedRecord(policy: Policy, record: JsonValue): PlannedRecord | undefined {
  if (!isJsonObject(record) || recordFormOf(record) !== "disclosed") return undefined;
  const { seq, event } = record;
  if (!isJsonObject(event) || typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return undefined;
  const targets = policyTargets(policy, { seq, event, hidden: () => false });
  const hide = targets.elide ? [] : pointersToHide(event, targets.redact);
  return { seq, event, elide: targets.elide, hide, capture: new ShareCapture(targets.elide ? "elide" : hide.map((p) => parsePointer(p)!)) };
}

/**
 * What {@link applyPolicyToRecord} makes of a planned record, from its capture: undefined when no
 * walk filled the capture (the record was not checked).
 */
export function appliedFromCapture(planned: PlannedRecord): AppliedRecord | undefined {
  const { seq, capture } = planned;
  if (planned.elide) {
    if (capture.eventDigest === undefined) return undefined;
    return { record: { seq, digest: hexDigest(capture.eventDigest) }, plan: { seq, action: "elide", pointers: [] } };
  }
  const record = shareFromCapture(seq, planned.event, planned.hide, capture);
  return record && { record, plan: { seq, action: "redact", pointers: [...planned.hide] } };
}

/** {@link applyPolicyToRecord} over every record of a bundle held in memory. */
export function applyPolicy(crypto: CryptoProvider, records: readonly EventRecord[], policy: Policy): AppliedPolicy {
  const out: ShareRecord[] = [];
  const plan: PlanEntry[] = [];
  for (const record of records) {
    const applied = applyPolicyToRecord(crypto, record, policy);
    out.push(applied.record);
    plan.push(applied.plan);
  }
  return { records: out, plan };
}

/** Every finding in what the share still discloses, in order of seq, then pointer. */
export function scanShare(crypto: CryptoProvider, records: readonly EventRecord[]): LeakFinding[] {
  return records.flatMap((r) => scanRecord(crypto, r));
}

export interface SettledFindings {
  /** Recorded in the redaction block. */
  accepted: LeakFinding[];
  /** Block the share until redacted or accepted: most severe first, then by seq (the first `keep` when kept). */
  blocking: LeakFinding[];
  /** How many findings block, kept or not. */
  blockingCount: number;
  /** `--accept` ids that name no finding of this share (a typo, or a value now hidden). */
  unknown: string[];
}

/**
 * Splits findings into accepted and blocking, one finding at a time as a streamed share is
 * scanned (issue 6). `previous` are the ids a redacted input share already accepted: they carry
 * over while the value is still disclosed (the same finding has the same id in the input and the
 * output), and drop out once it is hidden.
 *
 * Memory: the accepted findings (they go into the redaction block; at most one per id of
 * `accept` and `previous`, since ids are unique) and, of the blocking ones, the first `keep` of
 * each severity and a count. Findings must be added in order of seq (as a share is scanned) for
 * the kept ones to be the first by severity, then seq.
 */
export class FindingSettler {
  private readonly ok: ReadonlySet<string>;
  private readonly accept: readonly string[];
  /** Ids of `ok` that named a finding. */
  private readonly matched = new Set<string>();
  private readonly accepted: LeakFinding[] = [];
  /** Blocking findings by severity rank (high first), each list in order of arrival. */
  private readonly blocking: LeakFinding[][] = SEVERITIES.map(() => []);
  private blockingCount = 0;

  constructor(accept: readonly string[], previous: readonly string[] = [], private readonly keep = Infinity) {
    this.accept = accept;
    this.ok = new Set([...accept, ...previous]);
  }

  add(finding: LeakFinding): void {
    if (this.ok.has(finding.id)) {
      this.matched.add(finding.id);
      // The redaction block records exactly {id, detector, severity, seq, pointer, preview}
      // (docs/redaction.md): a value's count past the cap is for display only. Accepting the
      // finding that carries it accepts the value with the matches past the cap.
      const { more: _more, ...recorded } = finding;
      this.accepted.push(recorded);
      return;
    }
    this.blockingCount++;
    const list = this.blocking[severityRank(finding.severity)]!;
    if (list.length < this.keep) list.push(finding);
  }

  result(): SettledFindings {
    // Stable: within a severity, by seq, then as scanned (the order of the array form).
    const blocking = this.blocking.flatMap((list) => [...list].sort((a, b) => a.seq - b.seq)).slice(0, this.keep);
    return {
      accepted: this.accepted,
      blocking,
      blockingCount: this.blockingCount,
      unknown: [...new Set(this.accept)].filter((id) => !this.matched.has(id)),
    };
  }
}

/** {@link FindingSettler} over findings held in memory. */
export function settleFindings(findings: readonly LeakFinding[], accept: readonly string[], previous: readonly string[] = []): SettledFindings {
  const settler = new FindingSettler(accept, previous);
  for (const f of findings) settler.add(f);
  return settler.result();
}

/** A `--redact` or `--elide` value that cannot be read; `message` says what was expected. */
export class RuleSpecError extends Error {}

/**
 * `--redact POINTER` (every event) or `--redact SEQ:POINTER` (one event), and `--elide SEQ` or
 * `--elide TYPE-GLOB`, as policy rules appended to the policy, so the share records everything
 * that was applied (and its policy digest covers it).
 */
export function extendPolicy(policy: Policy, redact: readonly string[], elide: readonly string[]): Policy {
  const rules: PolicyRule[] = [];
  for (const spec of redact) {
    const m = /^([0-9]+):(.*)$/s.exec(spec);
    const pointer = m ? m[2]! : spec;
    if (patternTokens(pointer) === undefined) {
      throw new RuleSpecError(`--redact ${JSON.stringify(spec)}: expected a JSON Pointer like /args/to (with * for any name or index), optionally prefixed by a seq like 3:/args`);
    }
    const seq = m ? Number(m[1]) : undefined;
    if (seq !== undefined && !Number.isSafeInteger(seq)) throw new RuleSpecError(`--redact ${JSON.stringify(spec)}: the seq is too large`);
    rules.push({ description: `--redact ${spec}`, ...(seq !== undefined ? { match: { seq: [seq] } } : {}), redact: [pointer] });
  }
  for (const spec of elide) {
    if (/^[0-9]+$/.test(spec)) {
      const seq = Number(spec);
      if (!Number.isSafeInteger(seq)) throw new RuleSpecError(`--elide ${JSON.stringify(spec)}: the seq is too large`);
      rules.push({ description: `--elide ${spec}`, match: { seq: [seq] }, elide: true });
    } else if (/^[A-Za-z0-9_.*-]+$/.test(spec) && spec.length > 0) {
      rules.push({ description: `--elide ${spec}`, match: { type: [spec] }, elide: true });
    } else {
      throw new RuleSpecError(`--elide ${JSON.stringify(spec)}: expected an event seq like 4 or a type glob like tool.* (or ${WILDCARD} for every event)`);
    }
  }
  if (rules.length === 0) return policy;
  return { ...policy, rules: [...policy.rules, ...rules] };
}
