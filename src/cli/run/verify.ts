/** `imladri proof verify`: the verdict, every finding, and the proof's identity. */
import { printable } from "../../core/text/printable.js";
import { TrustStore } from "../../core/jws/trust.js";
import { Verifier, type VerificationReport } from "../../core/verify/verifier.js";
import { verdictExitCode, type Finding } from "../../core/verify/finding.js";
import { EVIDENCE_CHECKS, type EvidenceCheck } from "../../core/verify/steps/evidence.js";
import { describeHidden } from "../../core/redact/hidden.js";
import { checkName } from "../suggest.js";
import type { Statement } from "../../core/statement/statement.js";
import { readBundleFileForVerify, type ThreadsOption } from "../../io/parallel-verify.js";
import type { ExaminedRecordSink } from "../../core/verify/steps/examine.js";
import { startProgress, type Progress } from "../progress.js";
import { withProgress } from "../progress-sink.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadPublicKeyFile } from "../key-files.js";
import { BundleRecognizer, sinceAnchor } from "../bundle-input.js";
import { keyringTrustFindings } from "./keys-file.js";
import { escapeStrings, printJson, printLine } from "../output.js";
import { warn, type CommandContext } from "../context.js";
import type { ChalkInstance } from "chalk";
import { emitReport, reportOnStdout, reportRequest, type ReportCliOptions } from "../report-options.js";
import { verifyCheckReport } from "../../core/report/verify-report.js";
import { VERSION } from "../version.js";

export interface VerifyCliOptions extends ReportCliOptions {
  key: string[];
  minSignatures?: string;
  require: string[];
  since?: string;
  keyring?: string;
  root?: string;
  threads?: string;
}

export async function runVerify(ctx: CommandContext, bundle: string, opts: VerifyCliOptions): Promise<number> {
  const { crypto } = ctx;
  const minSignatures = parseMinSignatures(opts.minSignatures);
  const threads = parseThreads(opts.threads);
  const reportReq = reportRequest(opts, ctx.json);
  const require: EvidenceCheck[] = opts.require.map((r) => checkName("--require", r, "evidence check", EVIDENCE_CHECKS));
  const trust = new TrustStore();
  for (const file of opts.key) {
    const k = loadPublicKeyFile(crypto, file);
    if (k.hadPrivatePart) warn(ctx, `${file} holds a private key; only its public part is used. Give verifiers the public JWK instead.`);
    trust.add({ key: k.key, status: "active", source: file });
  }
  // DESIGN §7: a keyring's findings (a broken log makes the verdict invalid) go with the bundle's.
  if (opts.root !== undefined && opts.keyring === undefined) throw new CliError(ExitCode.usage, "--root pins a keyring's first key: give --keyring too");
  const keyringFindings = opts.keyring === undefined ? [] : keyringTrustFindings(crypto, opts.keyring, opts.root, trust);
  let since: Statement | undefined;
  // DESIGN §12: the anchor is any kind, trusted as given, but must be well formed and consistent (else exit 65).
  if (opts.since !== undefined) since = sinceAnchor(crypto, opts.since, bundle);

  const verifier = new Verifier({ crypto, trust, minSignatures, require, ...(since ? { since } : {}), extraFindings: keyringFindings });
  const progress = startProgress("verify", ctx.json);
  const recognizer = new BundleRecognizer();
  try {
    // A worker thread that fails throws here: an internal error (exit 70), never a verdict.
    await readBundleFileForVerify(bundle, recognizer.watch(withVerifyProgress(verifier, progress)), threads);
  } finally {
    progress.finish();
  }
  recognizer.refuseNonBundle(bundle);
  const report = verifier.result();
  const exitCode = verdictExitCode(report.verdict);
  if (reportOnStdout(reportReq)) {
    // The report is stdout: the usual output would corrupt it.
  } else if (ctx.json) printJson({ bundle, ...report, ...(opts.since !== undefined ? { since: { anchor: opts.since, length: since?.length, extends: sinceOutcome(report) } } : {}) });
  else {
    printReport(ctx.c, bundle, escapeStrings(report));
    if (opts.since !== undefined && since) printSince(ctx.c, printable(opts.since), since.length, report);
  }
  if (reportReq !== undefined) {
    const facts = { bundle, toolVersion: VERSION, exitCode, keyring: opts.keyring !== undefined, require: opts.require.length > 0, since: opts.since !== undefined };
    emitReport(reportReq, verifyCheckReport(report, facts));
  }
  return exitCode;
}

/** DESIGN §12: whether B was shown to extend the anchor ("proven"), not ("fork"), or cannot be told. */
function sinceOutcome(r: VerificationReport): "proven" | "fork" | "unproven" | "not-checked" {
  if (r.findings.some((f) => f.code === "since.chain" || f.code === "since.shorter" || f.code === "since.fork")) return "fork";
  if (r.findings.some((f) => f.code === "since.unproven")) return "unproven";
  if (r.verdict === "invalid") return "not-checked";
  return "proven";
}

function printSince(c: ChalkInstance, anchor: string, length: number, r: VerificationReport): void {
  const outcome = sinceOutcome(r);
  const text =
    outcome === "proven"
      ? c.green(`extends ${anchor} (its ${length.toLocaleString("en-US")} events are this bundle's first)`)
      : outcome === "fork"
        ? c.red(`does NOT extend ${anchor}`)
        : outcome === "unproven"
          ? c.yellow(`cannot show that it extends ${anchor} (see since.unproven)`)
          : c.dim(`not checked against ${anchor}: the bundle is invalid`);
  printLine(`  since       ${text}`);
}

/** The verifier with a progress line: records count whether examined here or on a worker thread. */
function withVerifyProgress(verifier: Verifier, progress: Progress): ExaminedRecordSink {
  return {
    ...withProgress(verifier, progress),
    recordNeeds: () => verifier.recordNeeds(),
    recordResult: (x, index, line) => {
      progress.tick();
      verifier.recordResult(x, index, line);
    },
  };
}

/** `--threads`: "auto" (the default) or 1 to 64 threads, the main one and n - 1 workers (1: no workers). */
const MAX_THREADS = 64;

function parseThreads(v: string | undefined): ThreadsOption {
  if (v === undefined || v === "auto") return "auto";
  if (!/^[1-9][0-9]{0,1}$/.test(v) || Number(v) > MAX_THREADS) {
    throw new CliError(ExitCode.usage, `--threads ${JSON.stringify(v)}: expected "auto" or a whole number from 1 (no worker threads) to ${MAX_THREADS}`);
  }
  return Number(v);
}

function parseMinSignatures(v: string | undefined): number {
  if (v === undefined) return 1;
  if (!/^[1-9][0-9]{0,5}$/.test(v)) {
    throw new CliError(ExitCode.usage, `--min-signatures ${JSON.stringify(v)}: expected a whole number of at least 1 (lacking evidence never yields "verified")`);
  }
  return Number(v);
}

export function printReport(c: ChalkInstance, bundle: string, r: VerificationReport): void {
  const verdictText = r.verdict === "verified" ? c.green.bold("verified") : r.verdict === "invalid" ? c.red.bold("invalid") : c.yellow.bold("insufficient_evidence");
  // DESIGN §6: a share says how much it hides right beside the verdict.
  const e = r.events;
  const hidden = r.kind === "share" ? c.dim(`  (share: ${e.elided} of ${e.total} events elided, ${e.redactedFields} fields redacted)`) : "";
  printLine(`${verdictText}  ${printable(bundle)}${hidden}`);
  if (r.kind === "excerpt" || r.kind === "checkpoint") printLine(`  ${r.kind.padEnd(11)} ${c.bold(partialViewText(r))}`);
  if (r.identity) printLine(`  identity    ${r.identity}`);
  if (r.chain !== undefined) printLine(`  chain       ${printable(r.chain)}, ${r.length} events (${r.kind ?? "?"}${r.kind === "checkpoint" ? "" : ` bundle, ${r.form ?? "?"}`})`);
  if (r.kind === "share" || r.kind === "excerpt") {
    if (r.kind === "share") printLine(`  hidden      ${describeHidden({ ...e, events: e.total })}`);
    const redactors = r.redactorSignatures ?? [];
    const shown = redactors.map((s) => `${printable(s.kid ?? "?")} (${s.status === "valid" ? `valid, ${printable(s.source ?? "")}` : s.status})`);
    printLine(`  redactor    ${shown.length ? shown.join(", ") : c.dim("unsigned redaction")} ${c.dim("(never counted toward --min-signatures)")}`);
  }
  const valid = r.signatures.filter((s) => s.status === "valid");
  printLine(`  signatures  ${r.validSignatures} valid by trusted keys (${r.minSignatures} required)${valid.length ? ": " + valid.map((s) => `${printable(s.kid ?? "?")} (${printable(s.source ?? "")})`).join(", ") : ""}`);
  const shown = r.findings;
  if (shown.length > 0) {
    printLine("  findings:");
    for (const f of shown) printLine("    " + formatFinding(c, f));
    for (const line of droppedLines(r.dropped)) printLine(c.dim("    " + line));
  }
}

/** DESIGN §12: what an excerpt or a checkpoint verifies, and what it cannot show. */
export function partialViewText(r: VerificationReport): string {
  const n = (x: number | undefined) => (x ?? 0).toLocaleString("en-US");
  if (r.kind === "excerpt") {
    const seqs = r.excerptSeqs ?? [];
    const listed = seqs.slice(0, 10).join(", ") + (seqs.length > 10 ? `, … (${n(seqs.length - 10)} more)` : "");
    return `${n(seqs.length)} of ${n(r.length)} events shown${seqs.length > 0 ? ` (seq ${listed})` : ""}; the rest are not in this file`;
  }
  const c = r.consistency;
  return `the signed statement alone: no events shown${c ? `; consistency proof from ${n(c.length)} events ${c.verified ? "verified" : "FAILED"}` : ""}`;
}

/** Issue 12: past the cap per code, findings are counted (and weigh in the verdict), not listed. */
export function droppedLines(dropped: Record<string, number>): string[] {
  return Object.entries(dropped).map(([code, n]) => `and ${n} more ${code} finding${n === 1 ? "" : "s"}`);
}

export function formatFinding(c: ChalkInstance, f: Finding): string {
  const tag = f.effect === "invalid" ? c.red(f.effect) : f.effect === "insufficient" ? c.yellow(f.effect) : f.effect === "warning" ? c.yellow(f.effect) : c.dim(f.effect);
  const where = [f.seq !== undefined ? `seq ${f.seq}` : "", f.line !== undefined ? `line ${f.line}` : "", f.pointer ? printable(f.pointer) : ""].filter(Boolean).join(" ");
  // The message may quote data (a reason, a member name): shown through printable (issue 11).
  return `${tag} ${f.code}${where ? ` [${where}]` : ""}: ${printable(f.message)}`;
}
