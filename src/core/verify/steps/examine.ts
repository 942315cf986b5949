/**
 * Step: everything the verifier learns from one record on its own (DESIGN §4, §6, §8), kept apart
 * from what needs the records before it (the chain, counts, the records digest, the evidence
 * collector, the cap on schema warnings). The Verifier folds examinations in seq order; because an
 * examination depends only on the record, its position and what the header says, it can be made
 * on another thread (src/io/parallel-verify.ts) and folded exactly as if it had been made in line.
 *
 * An examination is plain data (strings, numbers, byte arrays, plain objects): it survives
 * structured cloning unchanged.
 */
import type { CryptoProvider } from "../../crypto/provider.js";
import type { BundleSink } from "../../bundle/read.js";
import type { BundleKind, RecordForm } from "../../bundle/types.js";
import { canonicalBytes } from "../../json/canonical.js";
import type { JsonValue } from "../../json/value.js";
import { validateEvent, type SchemaIssue } from "../../schema/validate.js";
import type { Finding } from "../finding.js";
import { evidenceFactsOf, type EvidenceFacts } from "./evidence.js";
import { checkRecord } from "./record.js";
import type { ShareCapture } from "../../digest/tree.js";

/** What the header says the records' examinations must include beyond the always-made checks. */
export interface RecordNeeds {
  /** The bundle's kind, when the header gives a valid one (a full bundle holds only disclosed records). */
  kind: BundleKind | undefined;
  /** A share with redactor signatures: each record's JCS feeds H(JCS(records)) (DESIGN §6). */
  recordsDigest: boolean;
  /** `--require` was given: each record's evidence facts (DESIGN §8). */
  evidence: boolean;
}

/** DESIGN §8: a disclosed event's contents checked against the event schemas (warnings only). */
export interface EventSchemaOutcome {
  issues: SchemaIssue[];
  /** The event's type, when it has no schema of its own and the envelope is fine. */
  unknownType?: string;
}

export interface RecordExamination {
  /** checkRecord's outcome (DESIGN §4, §6). */
  form?: RecordForm;
  /** The recomputed event digest; undefined when the record is too broken to compute one. */
  digest?: Uint8Array;
  redactedCount: number;
  findings: Finding[];
  /** Only for a disclosed record with an event. */
  schema?: EventSchemaOutcome;
  /**
   * Only when `needs.evidence` and the record has a form: the event's facts, or null when the
   * record shows no event (elided, or an event that is not an object).
   */
  evidence?: EvidenceFacts | null;
  /** Only when `needs.recordsDigest`: JCS of the whole record. */
  jcs?: Uint8Array;
  /** Only for an excerpt's records (DESIGN §12), never examined on worker threads: see checkRecord. */
  seq?: number;
  proof?: Uint8Array[];
}

/** `capture`: see checkRecord (never on worker threads: it is filled in place). */
export function examineRecord(crypto: CryptoProvider, record: JsonValue, index: number, line: number | undefined, needs: RecordNeeds, capture?: ShareCapture): RecordExamination {
  const r = checkRecord(crypto, record, index, needs.kind, line, capture);
  const x: RecordExamination = { redactedCount: r.redactedCount, findings: r.findings };
  if (r.form !== undefined) x.form = r.form;
  if (r.digest !== undefined) x.digest = r.digest;
  if (r.seq !== undefined) x.seq = r.seq;
  if (r.proof !== undefined) x.proof = r.proof;
  if (r.event !== undefined && r.form === "disclosed") {
    const v = validateEvent(r.event);
    x.schema = { issues: v.issues };
    if (!v.known && v.issues.length === 0 && typeof r.event.type === "string") x.schema.unknownType = r.event.type;
  }
  if (needs.evidence && r.form !== undefined) x.evidence = r.event === undefined ? null : evidenceFactsOf(r.event);
  if (needs.recordsDigest) x.jcs = canonicalBytes(record);
  return x;
}

/**
 * A sink that also takes records examined elsewhere (the Verifier): a reader that examines
 * records on other threads asks `recordNeeds()` once the header is in, and hands each examination
 * to `recordResult` in seq order, with `problem` for unreadable lines where they occur.
 */
export interface ExaminedRecordSink extends BundleSink {
  recordNeeds(): RecordNeeds;
  recordResult(x: RecordExamination, index: number, line?: number): void;
}
