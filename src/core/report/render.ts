/** The one switch from a report format's name to its builder. */
import type { CheckReport, ReportFormat } from "./check-report.js";
import { githubReport } from "./github.js";
import { junitReport } from "./junit.js";
import { sarifReport } from "./sarif.js";

const BUILDERS: Readonly<Record<ReportFormat, (r: CheckReport) => string>> = { sarif: sarifReport, junit: junitReport, github: githubReport };

export function renderReport(format: ReportFormat, report: CheckReport): string {
  return BUILDERS[format](report);
}
