/**
 * `--report-format sarif|junit|github`, `--report <file>` and `-q/--quiet`, run as a user runs
 * them (the built CLI): a verified, an invalid and an unsigned bundle, and `cleanup --check`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_EVENTS, FIXTURES, imladri, tempDir } from "../support/cli.js";
import { sarifErrors } from "../support/sarif.js";
import { create, writeConfig, writeLog } from "../cleanup/helpers.js";

const PUB = path.join(FIXTURES, "keys/demo-signer.pub.jwk");
const VERIFIED = path.join(FIXTURES, "bundles/demo.json");
const TAMPERED = path.join(FIXTURES, "bundles/demo-share-tampered.json");
let dir: string;
let unsigned: string;

beforeAll(() => {
  dir = tempDir();
  unsigned = path.join(dir, "unsigned.json");
  const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--unsigned", "--out", unsigned]);
  expect(r.code, r.stderr).toBe(0);
});

describe("proof verify --report-format", () => {
  it("sarif on stdout: valid SARIF 2.1.0, the verdict in the run, only notes for a verified bundle", () => {
    const r = imladri(["proof", "verify", VERIFIED, "--key", PUB, "--report-format", "sarif"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(sarifErrors(doc)).toEqual([]);
    // The demo holds an event of a type this tool does not know: reported, not an error.
    expect(doc.runs[0].results.map((x: { ruleId: string; level: string }) => `${x.level} ${x.ruleId}`)).toEqual(["note event.unknown-type"]);
    expect(doc.runs[0].properties).toMatchObject({ verdict: "verified", exitCode: 0, command: "proof verify" });
  });

  it("sarif to a file: the usual output still on stdout; each finding a result on the bundle", () => {
    const file = path.join(dir, "invalid.sarif");
    const r = imladri(["proof", "verify", TAMPERED, "--key", PUB, "--report-format", "sarif", "--report", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid {2}/);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(sarifErrors(doc)).toEqual([]);
    const result = doc.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "chain.head-mismatch");
    expect(result).toMatchObject({ level: "error", properties: { pointer: "/statement/head", effect: "invalid" } });
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe(`file://${TAMPERED}`);
    expect(doc.runs[0].properties.verdict).toBe("invalid");
  });

  it("github: an annotation per finding and the verdict; exit 2 for an unsigned bundle", () => {
    const r = imladri(["proof", "verify", unsigned, "--key", PUB, "--report-format", "github"]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.some((l) => l.startsWith("::error title=imladri signature.insufficient,file="))).toBe(true);
    expect(lines.at(-1)).toMatch(/^::error title=imladri proof verify%3A insufficient_evidence \(exit 2\),file=.*::insufficient_evidence: /);
  });

  it("junit: the failing step carries the finding; the --json document still goes to stdout", () => {
    const file = path.join(dir, "invalid.xml");
    const r = imladri(["proof", "verify", TAMPERED, "--key", PUB, "--json", "--report-format", "junit", "--report", file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).verdict).toBe("invalid");
    const xml = fs.readFileSync(file, "utf8");
    expect(xml).toMatch(/<testcase classname="imladri.proof.verify" name="chain">\s*<failure message="chain.head-mismatch \[\/statement\/head\]/);
    expect(xml).toMatch(/<testcase classname="imladri.proof.verify" name="redaction"\/>/);
  });

  it("never overwrites a report without --force-report (exit 73), and replaces it with it", () => {
    const file = path.join(dir, "exists.sarif");
    fs.writeFileSync(file, "keep");
    const r = imladri(["proof", "verify", VERIFIED, "--key", PUB, "--report-format", "sarif", "--report", file]);
    expect(r.code).toBe(73);
    expect(r.stderr).toContain("--force-report");
    expect(fs.readFileSync(file, "utf8")).toBe("keep");
    const f = imladri(["proof", "verify", VERIFIED, "--key", PUB, "--report-format", "sarif", "--report", file, "--force-report"]);
    expect(f.code, f.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).version).toBe("2.1.0");
  });

  it("refuses an unknown format, --report alone, and --json with a report on stdout (exit 64)", () => {
    for (const args of [["--report-format", "xml"], ["--report", path.join(dir, "r.sarif")], ["--json", "--report-format", "sarif"]]) {
      const r = imladri(["proof", "verify", VERIFIED, "--key", PUB, ...args]);
      expect(r.code, args.join(" ")).toBe(64);
      // With --json, the usage error is the one JSON document on stdout (issue 11); else nothing.
      if (args.includes("--json")) expect(JSON.parse(r.stdout).error).toMatchObject({ code: "usage", exit: 64 });
      else expect(r.stdout).toBe("");
    }
  });
});

describe("-q/--quiet", () => {
  it("prints nothing; the exit code is the verdict", () => {
    for (const [bundle, code] of [[VERIFIED, 0], [TAMPERED, 1], [unsigned, 2]] as const) {
      const r = imladri(["-q", "proof", "verify", bundle, "--key", PUB]);
      expect(r.code).toBe(code);
      expect(r.stdout + r.stderr).toBe("");
    }
    const warned = imladri(["proof", "verify", VERIFIED, "--key", path.join(FIXTURES, "keys/demo-signer.jwk"), "--quiet"]);
    expect(warned.stdout + warned.stderr).toBe("");
  });

  it("applies to every command: an export writes its bundle and says nothing", () => {
    const out = path.join(dir, "quiet.json");
    const r = imladri(["--quiet", "proof", "export", "--log", DEMO_EVENTS, "--unsigned", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toBe("");
    expect(fs.existsSync(out)).toBe(true);
  });

  it("still prints errors", () => {
    const r = imladri(["--quiet", "proof", "verify", path.join(dir, "missing.json"), "--key", PUB]);
    expect(r.code).toBe(66);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^imladri: .*missing\.json/);
  });
});

describe("cleanup --check --report-format", () => {
  it("junit and github: each leftover a failure on the line that created it; exit 3", () => {
    const work = tempDir();
    fs.mkdirSync(path.join(work, "root"));
    writeConfig(path.join(work, "imladri.config.json"), { file: { type: "file", root: path.join(work, "root") } });
    writeLog(path.join(work, "events.jsonl"), [create("file", "job1")]);
    const junit = imladri(["cleanup", "--log", "events.jsonl", "--check", "--report-format", "junit"], { cwd: work });
    expect(junit.code, junit.stderr).toBe(3);
    expect(junit.stdout).toMatch(/<testcase classname="imladri.cleanup.check" name="leftovers">\s*<failure message="cleanup.leftover \[line 1\]: file job1 is still there/);
    const gh = imladri(["cleanup", "--log", "events.jsonl", "--check", "--report-format", "github"], { cwd: work });
    expect(gh.code).toBe(3);
    expect(gh.stdout).toMatch(/^::error title=imladri cleanup.leftover,file=events.jsonl,line=1::\[line 1\] file job1 is still there/);
    const sarif = imladri(["cleanup", "--log", "events.jsonl", "--check", "--report-format", "sarif"], { cwd: work });
    expect(sarifErrors(JSON.parse(sarif.stdout))).toEqual([]);
    const plan = imladri(["cleanup", "--log", "events.jsonl", "--report-format", "junit"], { cwd: work });
    expect(plan.code).toBe(64);
  });
});
