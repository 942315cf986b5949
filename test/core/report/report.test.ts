/**
 * The CI report builders on hand-made reports with hostile text: SARIF against the official
 * schema, GitHub's escaping (a finding can never start a workflow command of its own), and JUnit
 * text that stays well-formed XML (read back by a real XML parser in
 * test/browser/junit-xml.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../../src/core/report/check-report.js";
import { escapeData, escapeProperty, githubReport } from "../../../src/core/report/github.js";
import { junitReport, xmlText } from "../../../src/core/report/junit.js";
import { pathToUriReference, sarifReport } from "../../../src/core/report/sarif.js";
import { sarifErrors } from "../../support/sarif.js";

const NASTY = "a%b\r\n::error::forged\u001b[2J<tag attr=\"x\">&amp;'\ud800\uffff,c:d";

export function sampleReport(): CheckReport {
  return {
    command: "proof verify",
    toolVersion: "0.1.0",
    subject: "dir with space/proof #1.json",
    verdict: "invalid",
    exitCode: 1,
    checks: [
      { name: "structure", findings: [] },
      {
        name: "records",
        findings: [
          { code: "record.digest", level: "error", message: NASTY, seq: 3, pointer: "/events/3/event/a~1b", line: 5, properties: { effect: "invalid" } },
          { code: "record.seq", level: "error", message: "second", seq: 4 },
        ],
      },
      { name: "event-schemas", findings: [{ code: "event.schema", level: "warning", message: "w" }] },
      { name: "signatures", findings: [{ code: "signature.unknown-key", level: "note", message: "n" }] },
      { name: "redaction", skipped: "not a share", findings: [] },
    ],
    properties: { identity: "sha256:00", chain: "c" },
  };
}

describe("SARIF", () => {
  it("is valid SARIF 2.1.0 with one result per finding, the code as ruleId and the verdict in the run", () => {
    const doc = JSON.parse(sarifReport(sampleReport()));
    expect(sarifErrors(doc)).toEqual([]);
    const run = doc.runs[0];
    expect(run.results.map((r: { ruleId: string }) => r.ruleId)).toEqual(["record.digest", "record.seq", "event.schema", "signature.unknown-key"]);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(["error", "error", "warning", "note"]);
    const first = run.results[0];
    expect(first.properties).toMatchObject({ seq: 3, pointer: "/events/3/event/a~1b", line: 5, effect: "invalid" });
    expect(first.message.text).toContain("seq 3");
    expect(first.message.text).toContain("/events/3/event/a~1b");
    expect(first.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "dir%20with%20space/proof%20%231.json" }, region: { startLine: 5 } });
    expect(run.properties).toMatchObject({ verdict: "invalid", exitCode: 1, identity: "sha256:00" });
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["record.digest", "record.seq", "event.schema", "signature.unknown-key"]);
  });

  it("the schema check can fail: a result without a message is refused", () => {
    const doc = JSON.parse(sarifReport(sampleReport()));
    delete doc.runs[0].results[0].message;
    expect(sarifErrors(doc).length).toBeGreaterThan(0);
  });

  it("writes paths as URI references, absolute ones as file: URIs", () => {
    expect(pathToUriReference("a b/c%d.json")).toBe("a%20b/c%25d.json");
    expect(pathToUriReference("/tmp/x y.json")).toBe("file:///tmp/x%20y.json");
  });
});

describe("GitHub workflow commands", () => {
  it("escapes data and properties by GitHub's rules", () => {
    expect(escapeData("50% a\r\nb")).toBe("50%25 a%0D%0Ab");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
  });

  it("gives one annotation per finding and a verdict line; data cannot start a command", () => {
    const out = githubReport(sampleReport());
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatch(/^::(error|warning|notice) title=[^:]*::/);
    expect(lines[0]).toMatch(/^::error title=imladri record.digest,file=dir with space\/proof #1.json,line=5::\[seq 3 line 5 \/events\/3\/event\/a~1b\] a%25b/);
    expect(lines[0]).not.toMatch(/[\r\u001b]/);
    expect(lines[2]!.startsWith("::warning ")).toBe(true);
    expect(lines[3]!.startsWith("::notice ")).toBe(true);
    expect(lines[4]).toBe("::error title=imladri proof verify%3A invalid (exit 1),file=dir with space/proof #1.json::invalid: dir with space/proof #1.json");
  });

  it("a verified run ends with a notice", () => {
    const ok: CheckReport = { ...sampleReport(), verdict: "verified", exitCode: 0, checks: [] };
    expect(githubReport(ok)).toMatch(/^::notice title=imladri proof verify%3A verified \(exit 0\)/);
  });
});

describe("JUnit XML", () => {
  it("escapes markup, shows control characters and drops what XML cannot hold", () => {
    const t = xmlText(NASTY);
    expect(t).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff<>"']/);
    expect(t).toContain("&lt;tag attr=&quot;x&quot;&gt;&amp;amp;&apos;");
    expect(t).toContain("\\u001b[2J");
  });

  it("one testcase per check plus the verdict; failures carry the findings, skips say why", () => {
    const xml = junitReport(sampleReport());
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain('<testsuites name="imladri" tests="6" failures="2" errors="0" skipped="1">');
    expect(xml).toMatch(/<testcase classname="imladri.proof.verify" name="records">\s*<failure message="2 findings; first: record.digest \[seq 3/);
    expect(xml).toContain('<skipped message="not a share"/>');
    // One finding a line in the failure's body; a line end inside a finding is shown, not kept.
    expect(xml).toMatch(/>record\.digest \[seq 3 line 5 \/events\/3\/event\/a~1b\]: a%b\\u000d\\u000a::error::forged[^\n]*\nrecord\.seq \[seq 4\]: second<\/failure>/);
    expect(xml).toMatch(/name="verdict">\s*<failure message="verdict.invalid: invalid \(exit 1\)/);
  });
});
