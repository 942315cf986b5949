/**
 * `cleanup --check` as a {@link CheckReport} for the CI report formats: each leftover is an error
 * finding (code `cleanup.leftover`) on the log line of the event that created it; schema problems
 * in events cleanup does not read are warnings. The verdict is `clean` or `leftovers`.
 */
import type { CheckReport, ReportFinding } from "../core/report/check-report.js";
import type { CleanupOutcome } from "./run.js";

export function cleanupCheckReport(out: CleanupOutcome, toolVersion: string): CheckReport {
  const p = out.prepared;
  const leftovers: ReportFinding[] = p.plan.map((row) => ({
    code: "cleanup.leftover",
    level: "error",
    message: `${row.kind} ${row.id} is still there (created by event ${row.leftover.createdBy.eventId}); plan: ${row.action}${row.reason !== undefined ? ` (${row.reason})` : ""}`,
    line: row.leftover.createdBy.line,
    properties: { kind: row.kind, id: row.id, action: row.action },
  }));
  const schema: ReportFinding[] = out.warnings.map((w) => ({ code: "event.schema", level: "warning", message: w.message, line: w.line, pointer: w.pointer }));
  return {
    command: "cleanup --check",
    toolVersion,
    subject: p.log.file,
    verdict: out.remaining === 0 ? "clean" : "leftovers",
    exitCode: out.exitCode,
    checks: [
      { name: "leftovers", findings: leftovers },
      { name: "event-schemas", findings: schema },
    ],
    properties: { leftovers: out.remaining, config: p.config.file },
  };
}
