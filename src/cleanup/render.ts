/**
 * What `imladri cleanup` prints: the plan table, one line per attempt, the summary, and the
 * `--json` document holding the same facts. Pure string building; the CLI writes them.
 */
import type { ChalkInstance } from "chalk";
import { printable } from "../core/text/printable.js";
import { formatAge, type PlanRow } from "./plan.js";
import type { AttemptRecord, CleanupOutcome, Prepared, RowResult } from "./run.js";

export const REPORT_FORMAT = "imladri.cleanup-report/v1";

function actionText(row: PlanRow): string {
  if (row.action === "skip") return `skip: ${printable(row.reason ?? "")}`;
  if (row.action === "refuse") return `refuse: ${printable(row.reason ?? "")}`;
  if (row.action === "resume") return `resume destroy (interrupted in run ${printable(row.leftover.interrupted?.run ?? "?")})`;
  if (row.leftover.lastFailure !== undefined) return `destroy (failed before in run ${printable(row.leftover.lastFailure.run)})`;
  return "destroy";
}

/** The plan as an aligned table, or one line when nothing is left. */
export function renderPlan(prepared: Prepared, c: ChalkInstance): string[] {
  const { plan, mode } = prepared;
  if (plan.length === 0) return [c.green("Nothing left to clean up") + ` in ${printable(prepared.log.file)}.`];
  const header = ["KIND", "ID", "PROVIDER", "AGE", "CREATED BY", "ACTION"];
  const rows = plan.map((r) => [
    printable(r.kind),
    printable(r.id),
    printable(r.provider?.label ?? "(none)"),
    formatAge(r.ageMs),
    `${printable(r.leftover.createdBy.eventId)} (line ${r.leftover.createdBy.line})`,
    actionText(r),
  ]);
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.length > widths[i]! ? cell.slice(0, widths[i]! - 1) + "…" : cell.padEnd(widths[i]!)))
      .join("  ");
  const out: string[] = [];
  const n = plan.length;
  const verb = mode === "apply" ? "Plan" : mode === "check" ? "Check" : "Plan (dry run: nothing will change without --apply)";
  out.push(c.bold(`${verb}: ${n} leftover${n === 1 ? "" : "s"} in ${printable(prepared.log.file)}`));
  out.push(c.dim(fmt(header)));
  plan.forEach((r, i) => {
    const line = fmt(rows[i]!);
    out.push(r.action === "skip" ? c.yellow(line) : r.action === "refuse" ? c.red(line) : line);
  });
  return out;
}

/** One line per attempt, as it happens. */
export function renderAttempt(row: PlanRow, a: AttemptRecord, willRetry: boolean, c: ChalkInstance): string {
  const what = printable(`${row.kind} ${row.id}`);
  const took = `${(a.ms / 1000).toFixed(1)}s`;
  if (a.result === "ok") return `${c.green("destroyed")} ${what} (attempt ${a.attempt}, ${took})`;
  if (a.result === "absent") return `${c.green("already gone")} ${what} (attempt ${a.attempt})`;
  return `${c.red("failed")} ${what} (attempt ${a.attempt}, ${took}): ${printable(a.error ?? "")}${willRetry ? c.dim(" — retrying") : ""}`;
}

export function renderSkip(r: RowResult, c: ChalkInstance): string | undefined {
  const what = printable(`${r.row.kind} ${r.row.id}`);
  if (r.result === "skipped") return `${c.yellow("skipped")} ${what}: ${printable(r.error ?? "")}`;
  if (r.result === "closed") return `${c.dim("closed meanwhile")} ${what}: the log already records its destroy`;
  return undefined;
}

export function summaryCounts(out: CleanupOutcome): Record<"ok" | "absent" | "failed" | "skipped" | "closed", number> {
  const counts = { ok: 0, absent: 0, failed: 0, skipped: 0, closed: 0 };
  for (const r of out.results) counts[r.result]++;
  return counts;
}

/** The closing lines of an apply run, or of a check. */
export function renderSummary(out: CleanupOutcome, c: ChalkInstance): string[] {
  const lines: string[] = [];
  if (out.warningCount > 0) {
    lines.push(c.yellow(`note: ${out.warningCount} schema problem(s) in events cleanup does not read (proof export will refuse them)`));
  }
  if (out.mode === "check") {
    lines.push(out.remaining === 0 ? c.green("check passed: nothing left") : c.red(`check failed: ${out.remaining} leftover(s) (exit 3)`));
    return lines;
  }
  if (out.mode === "plan") {
    if (out.remaining > 0) lines.push(c.dim("Run again with --apply to destroy them (--yes to skip the confirmation)."));
    return lines;
  }
  if (out.confirmed === false) {
    lines.push(c.yellow("Not confirmed: nothing was changed."));
    return lines;
  }
  const s = summaryCounts(out);
  const parts = [`${s.ok} destroyed`, `${s.absent} already gone`, `${s.failed} failed`, `${s.skipped} skipped`];
  if (s.closed > 0) parts.push(`${s.closed} closed meanwhile`);
  lines.push(`${out.run !== undefined ? `run ${out.run}: ` : ""}${parts.join(", ")}; ${out.remaining} left in the log`);
  lines.push(out.exitCode === 0 ? c.green("cleanup complete") : c.red("cleanup incomplete (exit 1)"));
  return lines;
}

/** The `--json` document. */
export function reportJson(out: CleanupOutcome): Record<string, unknown> {
  const p = out.prepared;
  const byRow = new Map(out.results.map((r) => [r.row, r]));
  return {
    format: REPORT_FORMAT,
    mode: out.mode,
    log: p.log.file,
    config: p.config.file,
    ...(out.run !== undefined ? { run: out.run } : {}),
    ...(out.confirmed !== undefined ? { confirmed: out.confirmed } : {}),
    leftovers: p.plan.map((row) => {
      const l = row.leftover;
      const r = byRow.get(row);
      return {
        kind: row.kind,
        id: row.id,
        provider: row.provider ?? null,
        action: row.action,
        ...(row.reason !== undefined ? { reason: row.reason } : {}),
        ageSeconds: row.ageMs === undefined ? null : Math.floor(row.ageMs / 1000),
        createdBy: { event: l.createdBy.eventId, line: l.createdBy.line, ts: l.createdBy.ts, type: l.createdByType },
        ...(l.interrupted !== undefined ? { interrupted: { event: l.interrupted.eventId, line: l.interrupted.line, run: l.interrupted.run } } : {}),
        ...(l.lastFailure !== undefined
          ? { lastFailure: { event: l.lastFailure.eventId, line: l.lastFailure.line, run: l.lastFailure.run, error: l.lastFailure.error ?? null } }
          : {}),
        ...(r !== undefined
          ? {
              result: r.result,
              ...(r.error !== undefined ? { error: r.error } : {}),
              attempts: r.attempts.map((a) => ({
                attempt: a.attempt,
                result: a.result,
                ms: a.ms,
                events: a.events,
                ...(a.error !== undefined ? { error: a.error, transient: a.transient ?? false } : {}),
              })),
            }
          : {}),
      };
    }),
    summary: { ...summaryCounts(out), remaining: out.remaining },
    warnings: out.warnings.map((w) => ({ line: w.line, pointer: w.pointer, message: w.message })),
    warningsDropped: out.warningCount - out.warnings.length,
    exitCode: out.exitCode,
  };
}
