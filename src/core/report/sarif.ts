/**
 * A {@link CheckReport} as SARIF 2.1.0 (OASIS), the format code-scanning services read: one
 * result per finding, its code as ruleId, the checked file as the artifact location, the seq and
 * JSON Pointer in the message and in the result's properties; the verdict in the run's properties.
 * Checked against the official schema by test/core/report/sarif.test.ts.
 */
import { allFindings, findingText, type CheckReport } from "./check-report.js";

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** A file path as a URI reference: each segment percent-encoded; absolute paths as file: URIs. */
export function pathToUriReference(file: string): string {
  const encoded = file.split("/").map(encodeURIComponent).join("/");
  return file.startsWith("/") ? `file://${encoded}` : encoded;
}

export function sarifReport(report: CheckReport): string {
  const findings = allFindings(report);
  const ruleIndex = new Map<string, number>();
  const rules: { id: string; shortDescription: { text: string } }[] = [];
  for (const f of findings) {
    if (ruleIndex.has(f.code)) continue;
    ruleIndex.set(f.code, rules.length);
    rules.push({ id: f.code, shortDescription: { text: `imladri finding ${f.code} (docs/spec.md lists every code)` } });
  }
  const uri = pathToUriReference(report.subject);
  const results = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: ruleIndex.get(f.code)!,
    level: f.level,
    message: { text: findingText(f) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri },
          ...(f.line !== undefined && f.line >= 1 ? { region: { startLine: f.line } } : {}),
        },
        ...(f.pointer !== undefined ? { logicalLocations: [{ fullyQualifiedName: f.pointer, kind: "element" }] } : {}),
      },
    ],
    properties: {
      ...(f.seq !== undefined ? { seq: f.seq } : {}),
      ...(f.pointer !== undefined ? { pointer: f.pointer } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
      ...f.properties,
    },
  }));
  const doc = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "imladri", version: report.toolVersion, semanticVersion: report.toolVersion, rules } },
        invocations: [{ executionSuccessful: true, exitCode: report.exitCode, commandLine: `imladri ${report.command} ${report.subject}` }],
        artifacts: [{ location: { uri } }],
        results,
        properties: { command: report.command, verdict: report.verdict, exitCode: report.exitCode, ...report.properties },
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
