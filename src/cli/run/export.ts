/** `imladri proof export`: check every event, chain, sign and write atomically, streaming (issue 6). */
import { printable } from "../../core/text/printable.js";
import { randomUUID } from "node:crypto";
import { EventLogChecker, type LogLineResult, type LogProblem } from "../../core/events/log.js";
import { Exporter, signStatement } from "../../core/export/exporter.js";
import { BUNDLE_FORMAT, type BundleHeader } from "../../core/bundle/types.js";
import type { BundleFormat } from "../../core/bundle/serialize.js";
import { proofIdentity, type Issuer, type Statement } from "../../core/statement/statement.js";
import { formatTimestamp } from "../../core/time.js";
import { assertWritable } from "../../io/files.js";
import { BundleFileWriter } from "../../io/bundle-writer.js";
import { inputName, lineErrorMessage, readLines } from "../../io/lines.js";
import { MAX_EVENT_BYTES } from "../../core/limits.js";
import { startProgress } from "../progress.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadSigningKey } from "../key-files.js";
import { openBundleToContinue, type BundleToContinue } from "../bundle-input.js";
import { outputToStdout, printJson, printLine } from "../output.js";
import { isStdout } from "../../io/stdout.js";
import { warn, type CommandContext } from "../context.js";
import { describeLeak } from "../../core/detect/scan.js";
import { LeakTally } from "../../core/detect/tally.js";

export interface ExportOptions {
  log: string;
  out: string;
  keyFile?: string;
  unsigned?: boolean;
  chain?: string;
  tenant?: string;
  workspace?: string;
  format?: BundleFormat;
  continue?: string;
  force?: boolean;
  allowSecrets?: boolean;
}

const MAX_LISTED = 50;

export async function runExport(ctx: CommandContext, opts: ExportOptions): Promise<void> {
  const { crypto } = ctx;
  const format: BundleFormat = opts.format ?? (opts.out.endsWith(".jsonl") ? "jsonl" : "json");
  if (!outputToStdout(opts.out)) assertWritable(opts.out, { force: opts.force, what: "bundle" });

  const key = loadSigningKey(crypto, opts.keyFile);
  if (!key && !opts.unsigned) {
    throw new CliError(ExitCode.usage, "no signing key: give --key-file <jwk> or set IMLADRI_SIGNING_KEY (or --unsigned for a bundle that can never verify)");
  }

  // Issue 6: the earlier bundle is checked first, then read again in step with the new log.
  let earlier: BundleToContinue | undefined;
  let chainId = opts.chain;
  if (opts.continue !== undefined) {
    earlier = openBundleToContinue(crypto, opts.continue);
    if (chainId !== undefined && chainId !== earlier.statement.chain) {
      throw new CliError(ExitCode.usage, `--chain ${JSON.stringify(chainId)} differs from the continued bundle's chain ${JSON.stringify(earlier.statement.chain)}`);
    }
    chainId = earlier.statement.chain;
  }
  chainId ??= randomUUID();
  if (chainId === "") throw new CliError(ExitCode.usage, "--chain must not be empty");

  // Streaming (issue 6): each event is checked, chained, scanned and spooled as it is read, so
  // memory does not grow with the log. Every line is still checked and all bad ones listed; once
  // one is bad no more records are made, and nothing is written (the spool is removed).
  const logName = inputName(opts.log);
  const checker = new EventLogChecker(crypto);
  const exporter = new Exporter(crypto, chainId, earlier?.records);
  const writer = new BundleFileWriter(opts.out, format, { force: opts.force, what: "bundle" });
  // The first problems are kept for the message; the rest are only counted (a log may be all bad).
  const problems: LogProblem[] = [];
  let problemCount = 0;
  let badLines = 0;
  // Counts and the first few findings of each detector: memory and output stay bounded (issue 14).
  const leaks = new LeakTally();
  /** The first seq whose event differs from the continued bundle's (then no more records are made). */
  let changedSeq: number | undefined;
  let refusingSecrets = false;
  const progress = startProgress("export", ctx.json);
  let statement: Statement;
  try {
    for (const l of readLines(opts.log, "event log", MAX_EVENT_BYTES)) {
      progress.tick();
      const r: LogLineResult = "error" in l ? { problems: [{ line: l.line, pointer: "", message: lineErrorMessage(l.error, MAX_EVENT_BYTES) }], problemCount: 1 } : checker.check(l.text, l.line);
      if (r.problemCount > 0) {
        badLines++;
        problemCount += r.problemCount;
        for (const f of r.problems) if (problems.length < MAX_LISTED) problems.push(f);
      }
      if (!r.event || problemCount > 0 || changedSeq !== undefined) continue;
      const added = exporter.add(r.event);
      if (!added.ok) {
        changedSeq = added.seq;
        continue;
      }
      for (const f of added.leaks) {
        leaks.add(f);
        if (f.severity === "high" && !opts.allowSecrets) refusingSecrets = true;
      }
      // Once the export will be refused for a secret, nothing more goes to the spool: a run killed
      // before the refusal must not leave secrets on disk (every event is still scanned and listed).
      if (!refusingSecrets) writer.addJcs(added.jcs);
    }
    if (problemCount > 0) {
      const details = problems.map((p) => `${logName}:${p.line}${p.pointer ? ` ${p.pointer}` : ""}: ${p.message}`);
      if (problemCount > problems.length) details.push(`... and ${problemCount - problems.length} more`);
      throw new CliError(ExitCode.dataError, `${logName}: ${badLines} bad event line(s); nothing was written`, details);
    }
    // Before anything is blamed on the log or written: the earlier records read in step with it
    // (and the rest of them, if the log stopped short) must chain to the head checked first.
    if (!exporter.earlierIntact()) {
      throw new CliError(
        ExitCode.dataError,
        `${opts.continue}: changed while it was being read (its records no longer chain to the head checked first); nothing was written. Run the export again`,
      );
    }
    if (changedSeq !== undefined) {
      throw new CliError(
        ExitCode.dataError,
        `${logName}: the event at seq ${changedSeq} differs from the one exported in ${opts.continue}: the source log was changed after the earlier export; nothing was written`,
      );
    }
    refuseSecrets(ctx, logName, leaks, opts.allowSecrets);
    if (exporter.missingEarlier > 0) {
      throw new CliError(
        ExitCode.dataError,
        `${logName}: holds ${exporter.length} events but ${opts.continue} already has ${exporter.earlierLength}: the source log lost events after the earlier export (first missing: seq ${exporter.length})`,
      );
    }

    const issuer: Issuer = {};
    if (opts.tenant !== undefined) issuer.tenant = opts.tenant;
    if (opts.workspace !== undefined) issuer.workspace = opts.workspace;
    statement = exporter.statement(formatTimestamp(new Date()), issuer);
    const header: BundleHeader = {
      format: BUNDLE_FORMAT,
      kind: "full",
      statement,
      signatures: key ? [signStatement(crypto, statement, key)] : [],
    };
    writer.finish(header);
  } finally {
    progress.finish();
    writer.discard();
    earlier?.close();
  }

  const identity = proofIdentity(crypto, statement);
  if (ctx.json) {
    printJson({ out: opts.out, format, chain: chainId, length: statement.length, head: statement.head, identity, signedBy: key ? [key.kid] : [], continued: exporter.earlierLength, newEvents: statement.length - exporter.earlierLength, leaks: leaks.listed(), leakCounts: leaks.counts(), leaksNotListed: leaks.total - leaks.listed().length });
    return;
  }
  const { c } = ctx;
  const to = isStdout(opts.out) ? "stdout" : printable(opts.out);
  // Issue 11: a continued export says how many events are new, and says so when none is.
  const added = statement.length - exporter.earlierLength;
  if (opts.continue === undefined) printLine(`${c.green("exported")} ${statement.length} events to ${to} (${format})`);
  else if (added === 0) printLine(`${c.yellow("no new events")}: exported 0 new events, ${statement.length} in total, to ${to} (${format})`);
  else printLine(`${c.green("exported")} ${added} new event${added === 1 ? "" : "s"}, ${statement.length} in total, to ${to} (${format})`);
  printLine(`  chain     ${printable(chainId)}${exporter.earlierLength > 0 ? ` (continues ${exporter.earlierLength} earlier events)` : ""}`);
  printLine(`  identity  ${identity}`);
  printLine(`  signed by ${key ? key.kid : c.yellow("nobody (--unsigned): this bundle can never verify")}`);
}

/**
 * DESIGN §9: export runs the redaction detectors too, so the full bundle is not a secret store
 * either. Credentials (severity high) refuse the export, masked, unless --allow-secrets; personal
 * data (e-mail, card numbers, IBANs) is reported and does not block. Returns what was reported.
 */
function refuseSecrets(ctx: CommandContext, logName: string, leaks: LeakTally, allowSecrets: boolean | undefined): void {
  const secrets = leaks.count("high");
  if (secrets > 0 && !allowSecrets) {
    const listed = leaks.listed(["high"]);
    const details = listed.slice(0, MAX_LISTED).map(describeLeak);
    if (secrets > details.length) details.push(`... and ${secrets - details.length} more`);
    throw new CliError(ExitCode.invalid, `${logName}: ${secrets} secret(s) in the events; nothing was written. Remove them from the log, or give --allow-secrets to export them anyway`, details);
  }
  const listed = leaks.listed();
  for (const f of listed) warn(ctx, `${f.severity === "high" ? "secret exported (--allow-secrets)" : "personal data"}: ${describeLeak(f)}`);
  const unlisted = leaks.total - listed.length;
  if (unlisted > 0) warn(ctx, `... and ${unlisted} more finding(s) not listed (${describeCounts(leaks.counts())})`);
}

/** `email 120000, card-number 3`: how many matches each detector found. */
function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([id, n]) => `${id} ${n}`)
    .join(", ");
}
