/**
 * A {@link CheckReport} as GitHub Actions workflow commands: each finding an annotation
 * (`::error`, `::warning`, `::notice`) on the checked file, then one line with the verdict.
 * Text from data cannot start a command of its own: it is escaped by GitHub's rules (see
 * escapeData, escapeProperty) after printable() has made control characters visible.
 */
import { printable } from "../text/printable.js";
import { allFindings, findingLocation, type CheckReport, type ReportLevel } from "./check-report.js";

/** GitHub's escaping of a command's message: % first, then CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** GitHub's escaping of a property value (title, file): as data, and also `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const COMMAND: Readonly<Record<ReportLevel, string>> = { error: "error", warning: "warning", note: "notice" };

function command(name: string, props: Readonly<Record<string, string | number | undefined>>, message: string): string {
  const p = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(printable(String(v)))}`)
    .join(",");
  return `::${name}${p ? " " + p : ""}::${escapeData(printable(message))}`;
}

export function githubReport(report: CheckReport): string {
  const lines = allFindings(report).map((f) => {
    const where = findingLocation(f);
    return command(COMMAND[f.level], { title: `imladri ${f.code}`, file: report.subject, line: f.line }, `${where ? `[${where}] ` : ""}${f.message}`);
  });
  const verdict = `imladri ${report.command}: ${report.verdict} (exit ${report.exitCode})`;
  lines.push(command(report.exitCode === 0 ? "notice" : "error", { title: verdict, file: report.subject }, `${report.verdict}: ${report.subject}`));
  return lines.join("\n") + "\n";
}
