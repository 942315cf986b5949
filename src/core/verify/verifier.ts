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
import { EvidenceCollector, type EvidenceCheck } from "./steps/evidence.js";

export interface VerifyOptions {
  crypto: CryptoProvider;
  trust: TrustStore;
  /** DESIGN §8: at least this many valid signatures by distinct trusted keys (default 1). */
  minSignatures?: number;
  require?: readonly EvidenceCheck[];
  /** `--since`: an earlier statement this bundle must extend. */
  since?: Statement;
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
  events: { total: number; disclosed: number; partial: number; elided: number; redactedFields: number };
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
  private chainBroken = false;
  private sinceLink: Uint8Array | undefined;
  private readonly evidence: EvidenceCollector;
  private readonly counts = { total: 0, disclosed: 0, partial: 0, elided: 0, redactedFields: 0 };
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
    if (h.statement) this.chain = new ChainBuilder(this.options.crypto, h.statement.chain);
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
    this.counts.redactedFields += x.redactedCount;
    if (x.digest === undefined) this.chainBroken = true;
    else if (this.chain && !this.chainBroken) {
      this.chain.push(x.digest);
      if (this.options.since && this.chain.length === this.options.since.length) this.sinceLink = this.chain.head;
    }
    if (x.form && this.evidence.active) {
      if (x.evidence === undefined) throw new Error(`internal: record ${index} was examined without the evidence facts --require needs`);
      this.evidence.observe(index, x.form, x.evidence ?? undefined);
    }
    if (x.schema) this.eventSchemaFindings(x.schema, index, line);
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
      findings.addAll(this.chainFindings(st));
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
      const { total: events, disclosed, partial, elided, redactedFields } = this.counts;
      const r = checkRedactionBlock(crypto, this.redaction, {
        ...(digest !== undefined ? { statementDigest: digest } : {}),
        counts: { events, disclosed, partial, elided, redactedFields },
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
    findings.addAll(this.evidence.finish());
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
    if (digest) report.identity = "sha256:" + digest;
    if (this.kind) report.kind = this.kind;
    if (this.form) report.form = this.form;
    if (st) {
      report.chain = st.chain;
      report.length = st.length;
    }
    return report;
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
    const since = this.options.since;
    if (since) {
      if (since.chain !== st.chain) {
        out.push({ code: "since.chain", effect: "invalid", message: `--since: the earlier bundle is chain "${since.chain}", this one is "${st.chain}"` });
      } else if (since.length > this.chain.length) {
        out.push({ code: "since.shorter", effect: "invalid", message: `--since: this bundle has ${this.chain.length} events, fewer than the earlier bundle's ${since.length}` });
      } else {
        const link = since.length === 0 ? undefined : this.sinceLink;
        const expected = since.length === 0 ? hexDigest(new ChainBuilder(this.options.crypto, st.chain).head) : link && hexDigest(link);
        if (expected !== since.head) {
          out.push({ code: "since.fork", effect: "invalid", message: `--since: the chain at length ${since.length} is not the earlier bundle's head: the history was rewritten` });
        }
      }
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
