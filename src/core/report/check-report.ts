/**
 * What the CI report formats (SARIF, JUnit, GitHub workflow commands) are built from: one run of
 * one command over one file, as named checks that passed, failed or did not apply, each with the
 * findings it produced. `proof verify` and `cleanup --check` each map their own result into it
 * (verify-report.ts, src/cleanup/report.ts), so the three formats share one input and one meaning
 * of "failed". Pure data, no I/O.
 */

/** SARIF's levels; `error` fails the run (an `invalid` or `insufficient` finding, a leftover). */
export type ReportLevel = "error" | "warning" | "note";

export interface ReportFinding {
  /** The stable finding code, e.g. `chain.head-mismatch` (SARIF ruleId, JUnit failure type). */
  code: string;
  level: ReportLevel;
  /** Text from data: escaped by each format's own rules, and by printable() for terminals. */
  message: string;
  seq?: number;
  pointer?: string;
  line?: number;
  /** Extra facts kept in SARIF result properties (e.g. the verifier's effect). */
  properties?: Readonly<Record<string, string | number | boolean>>;
}

export interface ReportCheck {
  /** A short name, e.g. `signatures`; one JUnit testcase each. */
  name: string;
  /** Why a check did not apply (e.g. "not a share"); absent when it ran. */
  skipped?: string;
  findings: ReportFinding[];
}

export interface CheckReport {
  /** The command that ran, e.g. `proof verify`; the JUnit suite's name. */
  command: string;
  toolVersion: string;
  /** The file checked (bundle, event log), as given on the command line. */
  subject: string;
  /** The outcome in the command's words: verified, invalid, insufficient_evidence, clean, leftovers. */
  verdict: string;
  exitCode: number;
  checks: ReportCheck[];
  /** Facts about the run for SARIF run properties (identity, chain, ...). */
  properties?: Readonly<Record<string, string | number | boolean>>;
}

/** A check fails when one of its findings is an error. */
export function checkFailed(check: ReportCheck): boolean {
  return check.findings.some((f) => f.level === "error");
}

/** Every finding of a report, in check order. */
export function allFindings(report: CheckReport): ReportFinding[] {
  return report.checks.flatMap((c) => c.findings);
}

/** "seq 3 /events/3/event/args" or "" : where a finding is, in words. */
export function findingLocation(f: ReportFinding): string {
  return [f.seq !== undefined ? `seq ${f.seq}` : "", f.line !== undefined ? `line ${f.line}` : "", f.pointer ?? ""].filter(Boolean).join(" ");
}

/** The one-line text of a finding: `code [where]: message`. */
export function findingText(f: ReportFinding): string {
  const where = findingLocation(f);
  return `${f.code}${where ? ` [${where}]` : ""}: ${f.message}`;
}

export const REPORT_FORMATS = ["sarif", "junit", "github"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(v: string): v is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(v);
}
