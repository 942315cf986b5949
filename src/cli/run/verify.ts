/** `imladri proof verify`: the verdict, every finding, and the proof's identity. */
import { TrustStore } from "../../core/jws/trust.js";
import { Verifier, type VerificationReport } from "../../core/verify/verifier.js";
import { verdictExitCode, type Finding } from "../../core/verify/finding.js";
import { isEvidenceCheck, EVIDENCE_CHECKS, type EvidenceCheck } from "../../core/verify/steps/evidence.js";
import type { Statement } from "../../core/statement/statement.js";
import { readBundleFileForVerify, type ThreadsOption } from "../../io/parallel-verify.js";
import type { ExaminedRecordSink } from "../../core/verify/steps/examine.js";
import { startProgress, type Progress } from "../progress.js";
import { withProgress } from "../progress-sink.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadPublicKeyFile } from "../key-files.js";
import { checkConsistentBundle } from "../bundle-input.js";
import { keyringTrustFindings } from "./keys-file.js";
import { printJson, printLine } from "../output.js";
import { warn, type CommandContext } from "../context.js";
import type { ChalkInstance } from "chalk";

export interface VerifyCliOptions {
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
  const require: EvidenceCheck[] = [];
  for (const r of opts.require) {
    if (!isEvidenceCheck(r)) throw new CliError(ExitCode.usage, `--require ${JSON.stringify(r)}: unknown check (known: ${EVIDENCE_CHECKS.join(", ")})`);
    require.push(r);
  }
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
  if (opts.since !== undefined) since = checkConsistentBundle(crypto, opts.since, "--since bundle").statement;

  const verifier = new Verifier({ crypto, trust, minSignatures, require, ...(since ? { since } : {}), extraFindings: keyringFindings });
  const progress = startProgress("verify", ctx.json);
  try {
    // A worker thread that fails throws here: an internal error (exit 70), never a verdict.
    await readBundleFileForVerify(bundle, withVerifyProgress(verifier, progress), threads);
  } finally {
    progress.finish();
  }
  const report = verifier.result();
  if (ctx.json) printJson({ bundle, ...report });
  else printReport(ctx.c, bundle, report);
  return verdictExitCode(report.verdict);
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

/** `--threads`: "auto" (the default) or 1 to 64 worker threads (1: none). */
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
  printLine(`${verdictText}  ${bundle}${hidden}`);
  if (r.identity) printLine(`  identity    ${r.identity}`);
  if (r.chain !== undefined) printLine(`  chain       ${r.chain}, ${r.length} events (${r.kind ?? "?"} bundle, ${r.form ?? "?"})`);
  if (r.kind === "share") {
    printLine(`  hidden      ${e.elided} of ${e.total} events elided, ${e.redactedFields} fields redacted in ${e.partial} events`);
    const redactors = r.redactorSignatures ?? [];
    const shown = redactors.map((s) => `${s.kid ?? "?"} (${s.status === "valid" ? `valid, ${s.source}` : s.status})`);
    printLine(`  redactor    ${shown.length ? shown.join(", ") : c.dim("unsigned redaction")} ${c.dim("(never counted toward --min-signatures)")}`);
  }
  const valid = r.signatures.filter((s) => s.status === "valid");
  printLine(`  signatures  ${r.validSignatures} valid by trusted keys (${r.minSignatures} required)${valid.length ? ": " + valid.map((s) => `${s.kid} (${s.source})`).join(", ") : ""}`);
  const shown = r.findings;
  if (shown.length > 0) {
    printLine("  findings:");
    for (const f of shown) printLine("    " + formatFinding(c, f));
    for (const line of droppedLines(r.dropped)) printLine(c.dim("    " + line));
  }
}

/** Issue 12: past the cap per code, findings are counted (and weigh in the verdict), not listed. */
export function droppedLines(dropped: Record<string, number>): string[] {
  return Object.entries(dropped).map(([code, n]) => `and ${n} more ${code} finding${n === 1 ? "" : "s"}`);
}

export function formatFinding(c: ChalkInstance, f: Finding): string {
  const tag = f.effect === "invalid" ? c.red(f.effect) : f.effect === "insufficient" ? c.yellow(f.effect) : f.effect === "warning" ? c.yellow(f.effect) : c.dim(f.effect);
  const where = [f.seq !== undefined ? `seq ${f.seq}` : "", f.line !== undefined ? `line ${f.line}` : "", f.pointer ? f.pointer : ""].filter(Boolean).join(" ");
  return `${tag} ${f.code}${where ? ` [${where}]` : ""}: ${f.message}`;
}
