/**
 * Hostile event values through the built CLI (issue 12 item 4, issue 14): each finishes within
 * the harness's spawn timeout (test/support/cli.ts: 120 s, a kill, not a timed assertion), with a
 * bounded finding list and no internal error (exit 70). Before the linear-time detectors, 4 MB of
 * `a@b.co ` never finished, nor 10 MB of Luhn-valid card numbers or `x://a:b@`, and 7 MB of
 * `xoxb-123456-` overflowed the regex stack. Every input stays under 10 MB (the event size limit).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_EVENTS, imladri, tempDir } from "../support/cli.js";

const dir = tempDir();
const base = JSON.parse(fs.readFileSync(DEMO_EVENTS, "utf8").split("\n")[0]!) as Record<string, unknown>;

function logWith(name: string, value: string): string {
  const file = path.join(dir, `${name}.jsonl`);
  fs.writeFileSync(file, JSON.stringify({ ...base, summary: value }) + "\n");
  expect(fs.statSync(file).size).toBeLessThan(10 * 1024 * 1024);
  return file;
}

interface ExportJson {
  leaks: { detector: string; pointer: string; more?: number }[];
  leakCounts: Record<string, number>;
  leaksNotListed: number;
}

function exportJson(log: string, extra: string[] = []): { code: number; json?: ExportJson; stderr: string } {
  const r = imladri(["proof", "export", "--log", log, "--unsigned", "--out", path.join(dir, "out.json"), "--force", "--json", ...extra]);
  return { code: r.code, json: r.code === 0 ? (JSON.parse(r.stdout) as ExportJson) : undefined, stderr: r.stderr };
}

describe("export of hostile values", () => {
  it("4 MB of e-mail addresses: written, 600,000 counted, a handful listed", () => {
    const r = exportJson(logWith("email", "a@b.co ".repeat(600_000)));
    expect(r.code).toBe(0);
    expect(r.json!.leakCounts).toEqual({ email: 600_000 });
    expect(r.json!.leaks.length).toBeLessThanOrEqual(5);
    expect(r.json!.leaks.length + r.json!.leaksNotListed).toBe(600_000);
    // The text output: a few warnings and one line with the count, not one line per finding.
    const text = imladri(["proof", "export", "--log", path.join(dir, "email.jsonl"), "--unsigned", "--out", path.join(dir, "out.json"), "--force"]);
    expect(text.code).toBe(0);
    expect(text.stderr.split("\n").length).toBeLessThan(10);
    expect(text.stderr).toContain("599995 more finding(s) not listed (email 600000)");
  });

  it("9.5 MB of Luhn-valid card numbers: written, every one counted", () => {
    const r = exportJson(logWith("cards", "4111111111111111 ".repeat(560_000)));
    expect(r.code).toBe(0);
    expect(r.json!.leakCounts).toEqual({ "card-number": 560_000 });
    expect(r.json!.leaks.length).toBeLessThanOrEqual(5);
  });

  it("7 MB of `xoxb-123456-`: refused as one Slack token (exit 1), no internal error", () => {
    const r = exportJson(logWith("slack", "xoxb-123456-".repeat(580_000)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 secret\(s\) in the events; nothing was written/);
    expect(r.stderr).not.toContain("123456-xoxb");
  });

  it("9.6 MB of `x://a:b@`: refused with a bounded list and the count", () => {
    const r = exportJson(logWith("url", "x://a:b@".repeat(1_200_000)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/600000 secret\(s\) in the events/);
    expect(r.stderr.split("\n").length).toBeLessThan(60);
    expect(r.stderr).toContain("... and 599995 more");
  });
});
