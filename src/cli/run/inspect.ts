/**
 * `imladri proof inspect`: a readable account of the events; it never says "valid".
 *
 * A person reads a screenful (issue 11): each list shows at most LIST_CAP rows, the most important
 * first (blocked actions, then resources still running before destroyed ones), then "and N more
 * (--json for all)". Without --json the Summarizer keeps only what is shown and counts the rest,
 * so a huge share costs counts, not lines; --json keeps and prints everything.
 */
import type { ChalkInstance } from "chalk";
import { LIST_CAP, countsForReading, moreText, resourceTally, resourcesByImportance, RESOURCE_STATE_TEXT, stillRunning } from "../../core/inspect/lists.js";
import { REDACTED, Summarizer, type ResourceLine, type Summary } from "../../core/inspect/summary.js";
import { describeHidden } from "../../core/redact/hidden.js";
import { printable } from "../../core/text/printable.js";
import { readBundleFile } from "../../io/bundle-source.js";
import { startProgress } from "../progress.js";
import { withProgress } from "../progress-sink.js";
import { BundleRecognizer } from "../bundle-input.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { escapeStrings, printJson, printLine } from "../output.js";
import type { CommandContext } from "../context.js";
import { formatFinding } from "./verify.js";

export async function runInspect(ctx: CommandContext, bundle: string): Promise<void> {
  const summarizer = new Summarizer(ctx.json ? {} : { keep: LIST_CAP });
  // On a terminal, a long read shows how far it is (issue 6); never with --json.
  const progress = startProgress("inspect", ctx.json);
  const recognizer = new BundleRecognizer();
  try {
    readBundleFile(bundle, recognizer.watch(withProgress(summarizer, progress)));
  } finally {
    progress.finish();
  }
  // One rule for every command (docs/spec.md "Not a bundle"): exit 65.
  recognizer.refuseNonBundle(bundle);
  const s = summarizer.result();
  if (s.kind === undefined && s.records === 0 && s.problems.length > 0) {
    throw new CliError(ExitCode.dataError, `${bundle}: not a readable bundle: ${s.problems[0]!.message}`);
  }
  if (ctx.json) {
    printJson({ bundle, note: "inspect does not verify; run imladri proof verify", ...s });
    return;
  }
  // Issue 11: every string from the bundle is escaped before the summary is laid out.
  printSummary(ctx, printable(bundle), escapeStrings(s));
}

/** "(--json for all)" after a capped list: the one way to see the rest. */
const FOR_ALL = "(--json for all)";

/** Items of a one-line list, at most LIST_CAP of them, then how many more. */
function inlineList(c: ChalkInstance, items: readonly string[]): string {
  if (items.length === 0) return "-";
  const shown = items.slice(0, LIST_CAP).join(", ");
  return items.length > LIST_CAP ? `${shown} ${c.dim(`${moreText(items.length - LIST_CAP)} ${FOR_ALL}`)}` : shown;
}

function printSummary(ctx: CommandContext, bundle: string, s: Summary): void {
  const { c } = ctx;
  const p = printable;
  printLine(`${c.bold(p(bundle))}  ${c.dim("(inspect does not verify: run imladri proof verify)")}`);
  printLine(`  chain       ${p(s.chain ?? "?")} (${p(s.kind ?? "?")} bundle), ${s.records} records${s.statementLength !== undefined && s.statementLength !== s.records && s.kind !== "excerpt" && s.kind !== "checkpoint" ? c.red(` but the statement says ${s.statementLength}`) : ""}`);
  // DESIGN §12: an excerpt shows a few events; a checkpoint none.
  if (s.kind === "excerpt") printLine(`  shows       ${s.records.toLocaleString("en-US")} of ${(s.statementLength ?? 0).toLocaleString("en-US")} events; the rest are not in this file`);
  if (s.kind === "checkpoint") printLine(`  shows       no events: a checkpoint is the signed statement alone`);
  if (s.kind === "share" || s.kind === "excerpt") printLine(`  hidden      ${describeHidden({ ...s, events: s.records })}`);
  printLine(`  time        ${p(s.firstTs ?? "?")} .. ${p(s.lastTs ?? "?")}`);
  const actors = [...s.actors].sort((a, b) => b.events - a.events).map((a) => `${p(a.tenant)}/${p(a.agent)} (${a.events})`);
  printLine(`  actors      ${inlineList(c, actors)}${s.users ? `; ${s.users} distinct user(s)` : ""}${s.redactedUsers ? `; user ${REDACTED} in ${s.redactedUsers} event(s)` : ""}`);
  printLine(`  types       ${inlineList(c, countsForReading(s.byType).map(([t, n]) => `${p(t)} ${n}`))}`);
  printLine(`  decisions   ${inlineList(c, countsForReading(s.decisions).map(([t, n]) => `${p(t)} ${n}`))}`);
  if (s.blockedCount > 0) {
    printLine(`  blocked     ${s.blockedCount} action(s):`);
    for (const b of s.blocked) printLine(`    seq ${b.seq}  ${p(b.tool)}: ${p(b.reason)}${b.policy ? c.dim(` (policy ${p(b.policy)})`) : ""}`);
    if (s.blockedCount > s.blocked.length) printLine(`    ${c.dim(`${moreText(s.blockedCount - s.blocked.length)} ${FOR_ALL}`)}`);
  }
  if (s.resources.length > 0) printResources(c, s.resources);
  if (s.unknownTypes.length > 0) printLine(`  unknown     ${inlineList(c, s.unknownTypes.map(p))} ${c.dim("(types this version does not know)")}`);
  for (const f of s.problems) printLine("  " + formatFinding(c, f));
  if (s.problemCount > s.problems.length) printLine(`  ${c.dim(`${moreText(s.problemCount - s.problems.length)} problem(s) ${FOR_ALL}`)}`);
}

/** Resources still running (or whose destroy failed) first and in colour, destroyed ones after, dim. */
function printResources(c: ChalkInstance, resources: readonly ResourceLine[]): void {
  const t = resourceTally(resources);
  const tally = [t.running ? c.yellow(`${t.running} left running`) : "", t.failed ? c.red(`${t.failed} destroy failed`) : "", t.destroyed ? `${t.destroyed} destroyed` : ""].filter(Boolean).join(", ");
  printLine(`  resources   ${resources.length}: ${tally}`);
  const ordered = resourcesByImportance(resources);
  for (const r of ordered.slice(0, LIST_CAP)) {
    const state = RESOURCE_STATE_TEXT[r.state];
    const shown = r.state === "left" ? c.yellow(state) : r.state === "failed" ? c.red(state) : c.green(state);
    const seqs = [r.createdSeq !== undefined ? `created seq ${r.createdSeq}` : "", r.destroyedSeq !== undefined ? `destroyed seq ${r.destroyedSeq}` : ""].filter(Boolean).join(", ");
    const line = `${printable(r.kind)} ${printable(r.id)}${r.provider ? ` (${printable(r.provider)})` : ""}`;
    printLine(`    ${stillRunning(r) ? line : c.dim(line)}: ${shown}${seqs ? c.dim(` ${seqs}`) : ""}`);
  }
  const rest = ordered.slice(LIST_CAP);
  if (rest.length > 0) {
    const running = rest.filter(stillRunning).length;
    printLine(`    ${c.dim(`${moreText(rest.length)}${running ? `, ${running} of them still running` : ""} ${FOR_ALL}`)}`);
  }
}
