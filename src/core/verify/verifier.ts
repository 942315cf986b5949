/**
 * The verifier reads as its algorithm (DESIGN §8): structure → each record's digest → the chain
 * → statement equality → signatures → redaction block → required evidence → verdict.
 * It takes the bundle one piece at a time (header, then records) so a stream of millions of events
 * needs memory only for the running chain.
 *
 * Each record is examined on its own (`examineRecord`: structure, digest, schema warnings, evidence
 * facts) and the examination folded in seq order (`recordResult`: counts, chain, records digest,
 * evidence). `record` does both; a caller that examines records elsewhere (worker threads,
 * src/io/parallel-verify.ts) folds with `recordResult`, so both paths share every check and the
 * order of findings.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { ChainBuilder } from "../chain/chain.js";
import { hexDigest, type HexDigest } from "../encoding/hex.js";
import type { BundleKind } from "../bundle/types.js";
import type { JsonObject, JsonValue } from "../json/value.js";
import type { TrustStore } from "../jws/trust.js";
import { statementBytes, statementDigest, type Statement } from "../statement/statement.js";
import { MAX_FINDINGS_PER_CODE } from "../limits.js";
import { FindingList, type Finding, type Verdict } from "./finding.js";
import { checkHeader } from "./steps/header.js";
import { examineRecord, type EventSchemaOutcome, type ExaminedRecordSink, type RecordExamination, type RecordNeeds } from "./steps/examine.js";
import { checkSignatures, type SignatureOutcome } from "./steps/signatures.js";
import { checkRedactionBlock } from "./steps/redaction.js";
import { RecordsDigest } from "../redact/block.js";
import { countRedacted } from "../redact/hidden.js";
import { EvidenceCollector, type EvidenceCheck } from "./steps/evidence.js";
import { hasTree } from "../statement/statement.js";
import { MerkleBuilder } from "../tree/merkle.js";
import { checkConsistencyProof, checkInclusionPath, eventTreeHasher, type ReadConsistency } from "./steps/tree.js";
import { checkSince } from "./steps/since.js";

export interface VerifyOptions {
  crypto: CryptoProvider;
  trust: TrustStore;
  /** DESIGN §8: at least this many valid signatures by distinct trusted keys (default 1). */
  minSignatures?: number;
  require?: readonly EvidenceCheck[];
  /** `--since`: an earlier statement (any kind, v1 or v2) this bundle must extend (DESIGN §8, §12). */
  since?: Statement;
  /**
   * Called with each event digest of a full bundle or share, in seq order, as the chain is folded:
   * the excerpt and checkpoint writers build their proofs in the same pass (DESIGN §12).
   */
  onDigest?: (digest: Uint8Array, seq: number) => void;
  /** Statement and redaction checks of other components (keyring, redactor) add findings here. */
  extraFindings?: readonly Finding[];
}

export interface VerificationReport {
  verdict: Verdict;
  /** `sha256:<hex>` of the statement, when there is a well-formed one. */
  identity?: string;
  kind?: BundleKind;
  form?: "json" | "jsonl";
  chain?: string;
  length?: number;
  /** The statement's event tree (DESIGN §12), for a v2 statement. */
  tree?: HexDigest;
  /** The records read (an excerpt's `total` is the records it holds, not the statement's length); `redactedEvents`: records with at least one redacted pointer (core/redact/hidden.ts). */
  events: { total: number; disclosed: number; partial: number; elided: number; redactedFields: number; redactedEvents: number };
  /** An excerpt's seqs, in order (DESIGN §12): what it shows of the statement's `length` events. */
  excerptSeqs?: number[];
  /** A checkpoint's consistency proof: from which length, and whether it verified. */
  consistency?: { length: number; verified: boolean };
  signatures: SignatureOutcome[];
  /** A share's redactor signatures (DESIGN §6): reported, never counted toward minSignatures. */
  redactorSignatures?: SignatureOutcome[];
  validSignatures: number;
  minSignatures: number;
  /** The first MAX_FINDINGS_PER_CODE findings of each code (src/core/limits.ts), in order found. */
  findings: Finding[];
  /** How many findings of each code were counted past that cap (in the verdict, not listed). */
  dropped: Record<string, number>;
}

export class Verifier implements ExaminedRecordSink {
  private readonly findings = new FindingList();
  private kind: BundleKind | undefined;
  private form: "json" | "jsonl" | undefined;
  private statement: Statement | undefined;
  private signatures: JsonValue[] | undefined;
  private redaction: JsonObject | undefined;
  /** H(JCS(records)) for a share's redactor signatures, fed as records stream by (DESIGN §6). */
  private recordsDigest: RecordsDigest | undefined;
  private chain: ChainBuilder | undefined;
  /** DESIGN §12: the event tree, folded with the chain (full bundles and shares). */
  private tree: MerkleBuilder | undefined;
  private chainBroken = false;
  /** B's recomputed head and tree at the anchor's length (`--since`). */
  private sincePrefix: { head: HexDigest; tree: HexDigest } | undefined;
  private consistency: ReadConsistency | undefined;
  /** Whether the checkpoint's consistency proof was checked and held (reported only then as verified). */
  private consistencyVerified = false;
  /** An excerpt's seqs in order; the last one read, for the strictly-increasing check. */
  private readonly excerptSeqs: number[] = [];
  private lastExcerptSeq = -1;
  private readonly evidence: EvidenceCollector;
  private readonly counts = { total: 0, disclosed: 0, partial: 0, elided: 0, redactedFields: 0, redactedEvents: 0 };
  /** Events per unknown type, for the first types (types are data): one finding each, within the cap. */
  private unknownTypes = new Map<string, number>();
  /** Events of unknown types beyond those. */
  private otherUnknownTypes = 0;
  private report: VerificationReport | undefined;

  constructor(private readonly options: VerifyOptions) {
    this.evidence = new EvidenceCollector(new Set(options.require ?? []));
  }

  header(header: JsonObject, form: "json" | "jsonl"): void {
    this.form = form;
    const h = checkHeader(header, form);
    this.findings.addAll(h.findings);
    this.kind = h.kind;
    this.statement = h.statement;
    this.signatures = h.signatures;
    this.redaction = h.redaction;
    const redactorSignatures = h.redaction?.signatures;
    if (Array.isArray(redactorSignatures) && redactorSignatures.length > 0) this.recordsDigest = new RecordsDigest(this.options.crypto);
    if (h.consistency) this.consistency = h.consistency;
    const st = h.statement;
    if (st && this.holdsEveryRecord()) {
      this.chain = new ChainBuilder(this.options.crypto, st.chain);
      // The tree costs a hash per event beyond the chain's: only when something will compare it.
      const since = this.options.since;
      if (hasTree(st) || (since && hasTree(since))) this.tree = new MerkleBuilder(eventTreeHasher(this.options.crypto));
      this.snapshotSince();
    }
  }

  /** Full bundles and shares hold a record for every event; excerpts and checkpoints do not (DESIGN §12). */
  private holdsEveryRecord(): boolean {
    return this.kind !== "excerpt" && this.kind !== "checkpoint";
  }

  /** Keeps B's head and tree when its chain reaches the anchor's length (`--since`). */
  private snapshotSince(): void {
    const since = this.options.since;
    if (!since || !this.chain || this.chain.length !== since.length) return;
    this.sincePrefix = { head: hexDigest(this.chain.head), tree: hexDigest(this.tree?.root() ?? eventTreeHasher(this.options.crypto).empty()) };
  }

  record(record: JsonValue, index: number, line?: number): void {
    this.recordResult(examineRecord(this.options.crypto, record, index, line, this.recordNeeds()), index, line);
  }

  /** What each record's examination must include; fixed by the header, so call after `header`. */
  recordNeeds(): RecordNeeds {
    return { kind: this.kind, recordsDigest: this.recordsDigest !== undefined, evidence: this.evidence.active };
  }

  /**
   * Folds the examination of record `index` (made with `recordNeeds()`, here or elsewhere) into the
   * running state; examinations must arrive in seq order, interleaved with `problem` as they occur.
   */
  recordResult(x: RecordExamination, index: number, line?: number): void {
    if (this.recordsDigest) {
      if (x.jcs === undefined) throw new Error(`internal: record ${index} was examined without its JCS, which the records digest needs`);
      this.recordsDigest.pushCanonical(x.jcs);
    }
    this.findings.addAll(x.findings);
    this.counts.total++;
    if (x.form) this.counts[x.form]++;
    countRedacted(this.counts, x.redactedCount);
    if (this.kind === "excerpt") this.excerptRecord(x, index, line);
    else if (this.kind === "checkpoint") {
      this.findings.add({ code: "checkpoint.records", effect: "invalid", message: "a checkpoint holds no event records (DESIGN §12)", pointer: "/events/" + index, ...(line !== undefined ? { line } : {}) });
    } else if (x.digest === undefined) this.chainBroken = true;
    else if (this.chain && !this.chainBroken) {
      this.chain.push(x.digest);
      this.tree?.push(x.digest);
      this.snapshotSince();
      this.options.onDigest?.(x.digest, this.chain.length - 1);
    }
    if (x.form && this.evidence.active) {
      if (x.evidence === undefined) throw new Error(`internal: record ${index} was examined without the evidence facts --require needs`);
      this.evidence.observe(index, x.form, x.evidence ?? undefined);
    }
    if (x.schema) this.eventSchemaFindings(x.schema, index, line);
  }

  /**
   * DESIGN §12: an excerpt's records are in strictly increasing seq, each below the statement's
   * length, and each record's inclusion path leads from its recomputed digest to the signed tree.
   */
  private excerptRecord(x: RecordExamination, index: number, line: number | undefined): void {
    const st = this.statement;
    const seq = x.seq;
    if (seq === undefined) return;
    const at = { seq, ...(line !== undefined ? { line } : {}) };
    const pointer = `/events/${index}`;
    if (seq <= this.lastExcerptSeq) {
      const why = seq === this.lastExcerptSeq ? "repeats the seq before it" : `comes after seq ${this.lastExcerptSeq}`;
      this.findings.add({ code: "excerpt.order", effect: "invalid", message: `seq ${seq} ${why}: an excerpt's records are in strictly increasing seq`, pointer: pointer + "/seq", ...at });
    } else {
      this.lastExcerptSeq = seq;
    }
    this.excerptSeqs.push(seq);
    if (!st || !hasTree(st)) return;
    if (seq >= st.length) {
      this.findings.add({ code: "excerpt.seq-range", effect: "invalid", message: `seq ${seq} is not below the statement's length ${st.length}`, pointer: pointer + "/seq", ...at });
      return;
    }
    if (x.digest === undefined || x.proof === undefined) return;
    const failure = checkInclusionPath(eventTreeHasher(this.options.crypto), seq, st.length, x.digest, x.proof, st.tree);
    if (failure) {
      const where = failure.code === "hash-size" ? `${pointer}/proof/${failure.at}` : `${pointer}/proof`;
      const message =
        failure.code === "root"
          ? `the event at seq ${seq} is not in the signed tree: recomputed from the record, its inclusion path (${x.proof.length} hashes) leads elsewhere (the event, its seq or a proof hash was changed)`
          : `the inclusion path of seq ${seq}: ${failure.message}`;
      this.findings.add({ code: "excerpt.proof", effect: "invalid", message, pointer: where, ...at });
    }
  }

  problem(finding: Finding): void {
    this.findings.add(finding);
    if (finding.seq !== undefined) {
      this.counts.total++;
      this.chainBroken = true;
      // An unreadable record has no JCS: the records digest cannot be computed.
      this.recordsDigest = undefined;
    }
  }

  end(): void {
    this.report = this.buildReport();
  }

  /** The finished report; call after `end()`. */
  result(): VerificationReport {
    if (!this.report) this.report = this.buildReport();
    return this.report;
  }

  // DESIGN §8: event contents that break the event schemas are warnings, not `invalid`: verify
  // proves what was signed; export is where contents are refused.
  private eventSchemaFindings(v: EventSchemaOutcome, seq: number, line: number | undefined): void {
    const type = v.unknownType;
    if (type !== undefined) {
      const n = this.unknownTypes.get(type);
      if (n !== undefined || this.unknownTypes.size < MAX_FINDINGS_PER_CODE - 1) this.unknownTypes.set(type, (n ?? 0) + 1);
      else this.otherUnknownTypes++;
    }
    for (const issue of v.issues) {
      this.findings.add({ code: "event.schema", effect: "warning", message: issue.message, seq, pointer: `/events/${seq}/event${issue.pointer}`, ...(line !== undefined ? { line } : {}) });
    }
  }

  private buildReport(): VerificationReport {
    const { crypto } = this.options;
    const findings = this.findings;
    if (this.form === undefined && !findings.has("invalid")) {
      findings.add({ code: "bundle.empty", effect: "invalid", message: "no bundle was read" });
    }
    const st = this.statement;
    let digest: HexDigest | undefined;
    const minSignatures = this.options.minSignatures ?? 1;
    let signatures: SignatureOutcome[] = [];
    let validSignatures = 0;
    if (st) {
      digest = statementDigest(crypto, st);
      if (this.holdsEveryRecord()) findings.addAll(this.chainFindings(st));
      else if (this.kind === "excerpt" && this.excerptSeqs.length === 0 && this.counts.total === 0) {
        findings.add({ code: "excerpt.empty", effect: "invalid", message: "an excerpt holds at least one event record (DESIGN §12)", pointer: "/events" });
      }
      if (this.kind === "checkpoint") findings.addAll(this.consistencyFindings(st));
      const since = this.options.since;
      if (since && this.kind !== undefined && !(this.holdsEveryRecord() && (this.chainBroken || !this.chain))) {
        findings.addAll(checkSince(crypto, since, { statement: st, kind: this.kind, ...(this.sincePrefix ? { prefix: this.sincePrefix } : {}), ...(this.consistency ? { consistency: this.consistency } : {}) }));
      }
      if (this.signatures) {
        const s = checkSignatures(crypto, this.signatures, statementBytes(st), "imladri-statement+json", this.options.trust, "/signatures");
        findings.addAll(s.findings);
        signatures = s.outcomes;
        validSignatures = s.validKids.length;
      }
      findings.addAll(this.signatureSufficiency(validSignatures, minSignatures, signatures));
    }
    let redactorSignatures: SignatureOutcome[] | undefined;
    if (this.redaction) {
      let { total: events, elided } = this.counts;
      const { disclosed, partial, redactedFields } = this.counts;
      // DESIGN §12: an excerpt's stats count as for a share of all `length` events, every absent one elided.
      if (this.kind === "excerpt" && st) {
        elided = st.length - this.counts.total;
        events = st.length;
      }
      const r = checkRedactionBlock(crypto, this.redaction, {
        ...(digest !== undefined ? { statementDigest: digest } : {}),
        counts: { events, disclosed, partial, elided, redactedFields },
        ...(this.kind === "excerpt" ? { seqs: new Set(this.excerptSeqs) } : {}),
        ...(this.recordsDigest ? { eventsDigest: this.recordsDigest.digest() } : {}),
        trust: this.options.trust,
      });
      findings.addAll(r.findings);
      redactorSignatures = r.signatures;
    }
    for (const [type, n] of this.unknownTypes) {
      findings.add({ code: "event.unknown-type", effect: "info", message: `${n} event(s) of unknown type "${type}" (accepted: the runtime may be newer than this tool)` });
    }
    if (this.otherUnknownTypes > 0) {
      findings.add({ code: "event.unknown-type", effect: "info", message: `${this.otherUnknownTypes} more event(s) of other unknown types` });
    }
    findings.addAll(this.holdsEveryRecord() ? this.evidence.finish() : this.absentEvidence());
    findings.addAll(this.options.extraFindings ?? []);
    const report: VerificationReport = {
      verdict: findings.verdict(),
      events: { ...this.counts },
      signatures,
      validSignatures,
      minSignatures,
      findings: [...findings.findings],
      dropped: findings.dropped(),
    };
    if (redactorSignatures) report.redactorSignatures = redactorSignatures;
    if (this.kind === "excerpt") report.excerptSeqs = [...this.excerptSeqs];
    if (this.consistency) report.consistency = { length: this.consistency.length, verified: this.consistencyVerified };
    if (digest) report.identity = "sha256:" + digest;
    if (this.kind) report.kind = this.kind;
    if (this.form) report.form = this.form;
    if (st) {
      report.chain = st.chain;
      report.length = st.length;
      if (hasTree(st)) report.tree = st.tree;
    }
    return report;
  }

  /**
   * DESIGN §12: every --require check is unmet on an excerpt or a checkpoint: they cannot show
   * what the absent events hold.
   */
  private absentEvidence(): Finding[] {
    const what = this.kind === "excerpt" ? `an excerpt shows ${this.counts.total} of ${this.statement?.length ?? "?"} events` : "a checkpoint shows no events";
    return [...new Set(this.options.require ?? [])].map((check) => ({
      code: `require.${check}`,
      effect: "insufficient" as const,
      message: `--require ${check} cannot be met: ${what}, and the absent events may hold what the check looks for`,
    }));
  }

  /** DESIGN §12: a checkpoint's consistency proof, from the tree it names to its signed tree. */
  private consistencyFindings(st: Statement): Finding[] {
    const c = this.consistency;
    if (!c || !hasTree(st)) return [];
    const failure = checkConsistencyProof(eventTreeHasher(this.options.crypto), c, st.length, st.tree, c.proof);
    if (!failure) {
      this.consistencyVerified = true;
      return [];
    }
    const pointer = failure.code === "hash-size" ? `/consistency/proof/${failure.at}` : "/consistency/proof";
    return [{ code: "checkpoint.consistency", effect: "invalid", message: `the consistency proof from length ${c.length} to ${st.length} does not verify: ${failure.message}`, pointer }];
  }

  private chainFindings(st: Statement): Finding[] {
    const out: Finding[] = [];
    if (this.chainBroken || !this.chain) {
      out.push({ code: "chain.incomplete", effect: "invalid", message: "the chain cannot be recomputed: a record above is unreadable" });
      return out;
    }
    if (this.chain.length !== st.length) {
      out.push({ code: "statement.length-mismatch", effect: "invalid", message: `the statement says ${st.length} events, the bundle holds ${this.chain.length}`, pointer: "/statement/length" });
    }
    if (hexDigest(this.chain.head) !== st.head) {
      out.push({ code: "chain.head-mismatch", effect: "invalid", message: "the recomputed chain head differs from the signed head: an event was changed, added, removed or reordered", pointer: "/statement/head" });
    }
    if (hasTree(st) && this.tree && this.chain.length === st.length && hexDigest(this.tree.root()) !== st.tree) {
      out.push({ code: "tree.root-mismatch", effect: "invalid", message: "the recomputed event tree differs from the signed tree: an event was changed, added, removed or reordered", pointer: "/statement/tree" });
    }
    return out;
  }

  private signatureSufficiency(valid: number, min: number, outcomes: SignatureOutcome[]): Finding[] {
    if (valid >= min) return [];
    const why =
      (this.signatures?.length ?? 0) === 0
        ? "the bundle is unsigned"
        : this.options.trust.size === 0
          ? "no trusted key (give --key, or a --keyring that verifies)"
          : outcomes.some((o) => o.status === "bad-signature" || o.status === "revoked-key" || o.status === "malformed")
            ? "the signatures by trusted keys failed"
            : "no signature here is by a trusted key";
    return [
      {
        code: "signature.insufficient",
        effect: "insufficient",
        message: `${valid} valid signature(s) by trusted keys, ${min} required: ${valid === 0 ? why : "not enough distinct keys"}`,
        pointer: "/signatures",
      },
    ];
  }
}
