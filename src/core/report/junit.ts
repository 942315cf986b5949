/**
 * A {@link CheckReport} as JUnit XML, the test-report format most CI systems show: one testcase
 * per check, a `<failure>` carrying the failing findings, `<skipped>` for a check that did not
 * apply, and a last testcase for the verdict itself (it fails whenever the exit code is not 0).
 */
import { printable } from "../text/printable.js";
import { checkFailed, findingText, type CheckReport, type ReportCheck } from "./check-report.js";

/**
 * Text as XML 1.0 character data or attribute value: control characters shown as `\u` escapes
 * (printable()), then characters XML 1.0 cannot hold at all (lone surrogates, U+FFFE, U+FFFF)
 * replaced by U+FFFD, then the five markup characters escaped. Tabs and line ends in data come
 * out as `\u0009`-style text too, so attribute normalisation by a parser cannot change them; the
 * newlines that separate findings in an element body are the builder's own.
 */
export function xmlText(text: string): string {
  return printable(text)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, "\ufffd")
    .replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]!);
}

const XML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

function attrs(a: Readonly<Record<string, string | number>>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join("");
}

function testcase(classname: string, check: ReportCheck): string[] {
  const open = `    <testcase${attrs({ classname, name: check.name })}`;
  const errors = check.findings.filter((f) => f.level === "error");
  const others = check.findings.filter((f) => f.level !== "error");
  const body: string[] = [];
  if (check.skipped !== undefined) body.push(`      <skipped${attrs({ message: check.skipped })}/>`);
  if (checkFailed(check)) {
    const first = errors[0]!;
    const message = errors.length === 1 ? findingText(first) : `${errors.length} findings; first: ${findingText(first)}`;
    body.push(`      <failure${attrs({ message, type: first.code })}>${errors.map((f) => xmlText(findingText(f))).join("\n")}</failure>`);
  }
  if (others.length > 0) body.push(`      <system-out>${others.map((f) => xmlText(`${f.level}: ${findingText(f)}`)).join("\n")}</system-out>`);
  return body.length === 0 ? [open + "/>"] : [open + ">", ...body, "    </testcase>"];
}

export function junitReport(report: CheckReport): string {
  // "proof verify" → imladri.proof.verify, "cleanup --check" → imladri.cleanup.check
  const classname = ["imladri", ...report.command.split(" ").map((w) => w.replace(/^-+/, ""))].join(".");
  const verdictCheck: ReportCheck = {
    name: "verdict",
    findings:
      report.exitCode === 0
        ? []
        : [{ code: `verdict.${report.verdict}`, level: "error", message: `${report.verdict} (exit ${report.exitCode}): ${report.subject}` }],
  };
  const checks = [...report.checks, verdictCheck];
  const failures = checks.filter(checkFailed).length;
  const skipped = checks.filter((c) => c.skipped !== undefined).length;
  const counts = { tests: checks.length, failures, errors: 0, skipped };
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${attrs({ name: "imladri", ...counts })}>`,
    `  <testsuite${attrs({ name: `imladri ${report.command} ${report.subject}`, ...counts })}>`,
    `    <properties>`,
    ...Object.entries({ verdict: report.verdict, exitCode: report.exitCode, version: report.toolVersion, ...report.properties }).map(
      ([name, value]) => `      <property${attrs({ name, value: String(value) })}/>`,
    ),
    `    </properties>`,
    ...checks.flatMap((c) => testcase(classname, c)),
    `  </testsuite>`,
    `</testsuites>`,
  ];
  return lines.join("\n") + "\n";
}
