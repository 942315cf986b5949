/** `imladri proof inspect`: a readable account of the events; it never says "valid". */
import { REDACTED, Summarizer, type Summary } from "../../core/inspect/summary.js";
import { readBundleFile } from "../../io/bundle-file.js";
import { startProgress } from "../progress.js";
import { withProgress } from "../progress-sink.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { printJson, printLine } from "../output.js";
import type { CommandContext } from "../context.js";
import { droppedLines, formatFinding } from "./verify.js";

export async function runInspect(ctx: CommandContext, bundle: string): Promise<void> {
  const summarizer = new Summarizer();
  // On a terminal, a long read shows how far it is (issue 6); never with --json.
  const progress = startProgress("inspect", ctx.json);
  try {
    readBundleFile(bundle, withProgress(summarizer, progress));
  } finally {
    progress.finish();
  }
  const s = summarizer.result();
  if (s.kind === undefined && s.records === 0 && s.problems.length > 0) {
    throw new CliError(ExitCode.dataError, `${bundle}: not a readable bundle: ${s.problems[0]!.message}`);
  }
  if (ctx.json) {
    printJson({ bundle, note: "inspect does not verify; run imladri proof verify", ...s });
    return;
  }
  printSummary(ctx, bundle, s);
}

function printSummary(ctx: CommandContext, bundle: string, s: Summary): void {
  const { c } = ctx;
  printLine(`${c.bold(bundle)}  ${c.dim("(inspect does not verify: run imladri proof verify)")}`);
  printLine(`  chain       ${s.chain ?? "?"} (${s.kind ?? "?"} bundle), ${s.records} records${s.statementLength !== undefined && s.statementLength !== s.records ? c.red(` but the statement says ${s.statementLength}`) : ""}`);
  if (s.kind === "share") printLine(`  hidden      ${s.elided} events elided, ${s.redactedFields} fields [redacted] in ${s.partial} events`);
  printLine(`  time        ${s.firstTs ?? "?"} .. ${s.lastTs ?? "?"}`);
  printLine(`  actors      ${s.actors.map((a) => `${a.tenant}/${a.agent} (${a.events})`).join(", ") || "-"}${s.users ? `; ${s.users} distinct user(s)` : ""}${s.redactedUsers ? `; user ${REDACTED} in ${s.redactedUsers} event(s)` : ""}`);
  printLine(`  types       ${Object.entries(s.byType).sort().map(([t, n]) => `${t} ${n}`).join(", ") || "-"}`);
  printLine(`  decisions   ${Object.entries(s.decisions).sort().map(([t, n]) => `${t} ${n}`).join(", ") || "-"}`);
  if (s.blocked.length > 0) {
    printLine("  blocked:");
    for (const b of s.blocked) printLine(`    seq ${b.seq}  ${b.tool}: ${b.reason}${b.policy ? c.dim(` (policy ${b.policy})`) : ""}`);
  }
  if (s.resources.length > 0) {
    printLine("  resources:");
    for (const r of s.resources) {
      const state = r.state === "left" ? c.yellow("left running") : r.state === "failed" ? c.red("destroy failed") : r.state === "destroyed" ? c.green("destroyed") : "destroyed (created earlier)";
      const seqs = [r.createdSeq !== undefined ? `created seq ${r.createdSeq}` : "", r.destroyedSeq !== undefined ? `destroyed seq ${r.destroyedSeq}` : ""].filter(Boolean).join(", ");
      printLine(`    ${r.kind} ${r.id}${r.provider ? ` (${r.provider})` : ""}: ${state}${seqs ? c.dim(` ${seqs}`) : ""}`);
    }
  }
  if (s.unknownTypes.length > 0) printLine(`  unknown     ${s.unknownTypes.join(", ")} ${c.dim("(types this version does not know)")}`);
  for (const p of s.problems) printLine("  " + formatFinding(c, p));
  for (const line of droppedLines(s.problemsDropped)) printLine(c.dim("  " + line));
}
