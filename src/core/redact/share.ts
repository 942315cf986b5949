/**
 * Making a share (DESIGN §6, §9): apply the policy to every record, scan what is still disclosed,
 * and settle the findings against `--accept`. Pure: the CLI reads, times, signs and writes.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import type { JsonPointer } from "../json/pointer.js";
import type { EventRecord } from "../bundle/types.js";
import { scanRecord, severityRank, type LeakFinding } from "../detect/scan.js";
import { patternTokens, WILDCARD } from "./pointer-glob.js";
import { policyTargets, type Policy, type PolicyRule } from "./policy.js";
import { elideRecord, hiddenIn, isOpen, redactedPointers, redactRecord, type ShareRecord } from "./record.js";

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

/** Applies the policy to the records of a full bundle or a share (checked by the verifier first). */
export function applyPolicy(crypto: CryptoProvider, records: readonly EventRecord[], policy: Policy): AppliedPolicy {
  const out: ShareRecord[] = [];
  const plan: PlanEntry[] = [];
  for (const record of records) {
    if (!isOpen(record)) {
      out.push(record);
      plan.push({ seq: record.seq, action: "elided", pointers: [] });
      continue;
    }
    const targets = policyTargets(policy, { seq: record.seq, event: record.event, hidden: hiddenIn(record) });
    if (targets.elide) {
      out.push(elideRecord(crypto, record));
      plan.push({ seq: record.seq, action: "elide", pointers: [] });
      continue;
    }
    const r = redactRecord(crypto, record, targets.redact);
    out.push(r);
    const before = new Set<string>(redactedPointers(record));
    const now = "redacted" in r ? (Object.keys(r.redacted) as JsonPointer[]) : [];
    plan.push({ seq: record.seq, action: "redact", pointers: now.filter((p) => !before.has(p)) });
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
  /** Block the share until redacted or accepted. */
  blocking: LeakFinding[];
  /** `--accept` ids that name no finding of this share (a typo, or a value now hidden). */
  unknown: string[];
}

/**
 * Splits findings into accepted and blocking. `previous` are the ids a redacted input share
 * already accepted: they carry over while the value is still disclosed (the same finding has the
 * same id in the input and the output), and drop out once it is hidden.
 */
export function settleFindings(findings: readonly LeakFinding[], accept: readonly string[], previous: readonly string[] = []): SettledFindings {
  const ids = new Set(findings.map((f) => f.id));
  const ok = new Set([...accept, ...previous]);
  const accepted = findings.filter((f) => ok.has(f.id));
  const blocking = findings.filter((f) => !ok.has(f.id)).sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.seq - b.seq);
  return { accepted, blocking, unknown: [...new Set(accept)].filter((id) => !ids.has(id)) };
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
