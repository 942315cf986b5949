/**
 * The JUnit reports read back by a real XML parser (Chromium's DOMParser, strict XML: a parse
 * error is a document holding <parsererror>), so no XML dependency is needed: a hostile report
 * with markup, control characters and lone surrogates in its findings, and the built CLI's report
 * of a tampered share.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { junitReport } from "../../src/core/report/junit.js";
import type { CheckReport } from "../../src/core/report/check-report.js";
import { FIXTURES, imladri } from "../support/cli.js";
import { launchBrowser, type Browser } from "./support.js";

interface ParsedCase {
  name: string;
  failure?: { message: string; type: string; text: string };
  skipped?: string;
}

interface Parsed {
  error?: string;
  tests: string | null;
  failures: string | null;
  cases: ParsedCase[];
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.ctx.newPage();
});

afterAll(async () => {
  await browser?.close();
});

function parse(xml: string): Promise<Parsed> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    const err = doc.getElementsByTagName("parsererror")[0];
    if (err) return { error: err.textContent ?? "parse error", tests: null, failures: null, cases: [] };
    const root = doc.documentElement;
    const cases = Array.from(doc.getElementsByTagName("testcase")).map((tc) => {
      const f = tc.getElementsByTagName("failure")[0];
      const s = tc.getElementsByTagName("skipped")[0];
      return {
        name: tc.getAttribute("name") ?? "",
        ...(f ? { failure: { message: f.getAttribute("message") ?? "", type: f.getAttribute("type") ?? "", text: f.textContent ?? "" } } : {}),
        ...(s ? { skipped: s.getAttribute("message") ?? "" } : {}),
      };
    });
    return { tests: root.getAttribute("tests"), failures: root.getAttribute("failures"), cases };
  }, xml);
}

describe("JUnit XML reports parse as XML", () => {
  it("hostile text in a finding stays text", async () => {
    const nasty = "]]><x>&amp;\"'\u0000\u0007\u001b[2J\ud800\ufffe<!-- -->";
    const report: CheckReport = {
      command: "proof verify",
      toolVersion: "0.1.0",
      subject: "a&b<c>.json",
      verdict: "invalid",
      exitCode: 1,
      checks: [{ name: "records", findings: [{ code: "record.digest", level: "error", message: nasty, seq: 1 }] }],
    };
    const parsed = await parse(junitReport(report));
    expect(parsed.error).toBeUndefined();
    expect(parsed.tests).toBe("2");
    expect(parsed.failures).toBe("2");
    const records = parsed.cases[0]!;
    expect(records.failure?.type).toBe("record.digest");
    expect(records.failure?.message).toContain(']]><x>&amp;"\'\\u0000\\u0007\\u001b[2J\ufffd\ufffd<!-- -->');
    expect(parsed.cases[1]!.failure?.message).toContain("a&b<c>.json");
  });

  it("the parser is strict: unescaped markup is an error", async () => {
    expect((await parse("<a><b></a>")).error).toBeDefined();
  });

  it("the CLI's report of a tampered share", async () => {
    const r = imladri(["proof", "verify", path.join(FIXTURES, "bundles/demo-share-tampered.json"), "--key", path.join(FIXTURES, "keys/demo-signer.pub.jwk"), "--report-format", "junit"]);
    expect(r.code).toBe(1);
    const parsed = await parse(r.stdout);
    expect(parsed.error).toBeUndefined();
    const chain = parsed.cases.find((c) => c.name === "chain");
    expect(chain?.failure?.type).toBe("chain.head-mismatch");
    expect(parsed.cases.find((c) => c.name === "verdict")?.failure?.type).toBe("verdict.invalid");
    expect(parsed.cases.find((c) => c.name === "evidence")?.skipped).toBe("no --require given");
  });
});
