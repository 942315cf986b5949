/**
 * `--report-format sarif|junit|github` and `--report <file>` of `proof verify` and
 * `cleanup --check`: the result as a CI report (builders in src/core/report/). Without --report
 * the report is the command's stdout; with it, the report goes to the file (written atomically,
 * never over an existing file without --force-report) and the usual output still goes to stdout.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { isReportFormat, REPORT_FORMATS, type CheckReport, type ReportFormat } from "../core/report/check-report.js";
import { renderReport } from "../core/report/render.js";
import { IoError } from "../io/errors.js";
import { assertWritable, writeFileAtomic } from "../io/files.js";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

export interface ReportCliOptions {
  reportFormat?: string;
  report?: string;
  forceReport?: boolean;
}

export interface ReportRequest {
  format: ReportFormat;
  /** Absent: the report is stdout, in place of the usual output. */
  file?: string;
  force: boolean;
}

export function addReportOptions(cmd: Command): Command {
  return cmd
    .option("--report-format <format>", `also give the result as a CI report: ${REPORT_FORMATS.join(", ")} (SARIF 2.1.0, JUnit XML, GitHub Actions annotations); to stdout unless --report`)
    .option("--report <file>", "with --report-format: write the report to this file; the usual output still goes to stdout")
    .option("--force-report", "with --report: replace an existing report file");
}

/** Checks the options before anything runs, so a bad request never costs a verification. */
export function reportRequest(opts: ReportCliOptions, json: boolean): ReportRequest | undefined {
  if (opts.reportFormat === undefined) {
    if (opts.report !== undefined) throw new CliError(ExitCode.usage, `--report needs --report-format (${REPORT_FORMATS.join(", ")})`);
    if (opts.forceReport) throw new CliError(ExitCode.usage, "--force-report goes with --report <file>");
    return undefined;
  }
  if (!isReportFormat(opts.reportFormat)) {
    throw new CliError(ExitCode.usage, `--report-format ${JSON.stringify(opts.reportFormat)}: expected one of ${REPORT_FORMATS.join(", ")}`);
  }
  if (opts.report === undefined && json) {
    throw new CliError(ExitCode.usage, "--json and a --report-format both want stdout: give --report <file> for the report");
  }
  if (opts.report === undefined && opts.forceReport) throw new CliError(ExitCode.usage, "--force-report goes with --report <file>");
  if (opts.report !== undefined) {
    const force = Boolean(opts.forceReport);
    refuseExisting(opts.report, force);
    assertWritable(opts.report, { force, what: "report" });
    return { format: opts.reportFormat, file: opts.report, force };
  }
  return { format: opts.reportFormat, force: false };
}

function refuseExisting(file: string, force: boolean): void {
  if (!force && fs.existsSync(file)) {
    throw new IoError("exists", file, `${file}: already exists; refusing to overwrite the report (use --force-report to replace it)`);
  }
}

/** True when the report takes the place of the usual output on stdout. */
export function reportOnStdout(req: ReportRequest | undefined): boolean {
  return req !== undefined && req.file === undefined;
}

export function emitReport(req: ReportRequest, report: CheckReport): void {
  const text = renderReport(req.format, report);
  if (req.file === undefined) {
    // Asked for explicitly, so --quiet does not silence it.
    process.stdout.write(text);
    return;
  }
  refuseExisting(req.file, req.force);
  writeFileAtomic(req.file, [text], { force: req.force, what: "report" });
}
