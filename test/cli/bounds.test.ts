/**
 * Hostile inputs cannot hang the tool, exhaust its memory or flood its output (issue 12). Every
 * run here goes through the built CLI under a bound the harness enforces (test/support/bounded.ts:
 * a 256 MB V8 heap, a wall-clock timeout that kills the child, its peak RSS measured): each test
 * asserts the run completed with the right exit code, within the memory bound, printing no more
 * than the caps (docs/spec.md "Limits").
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, demoKey, imladri, tempDir } from "../support/cli.js";
import { imladriBounded, type BoundedResult } from "../support/bounded.js";

const MiB = 1024 * 1024;
let dir: string;
let key: { priv: string; pub: string };
/** The lines of a JSON Lines export of the demo log: header, then 14 records. */
let demo: string[];

function file(name: string): string {
  return path.join(dir, name);
}

/** Completed (not killed), within the memory bound. */
function completed(r: BoundedResult, maxMb: number): void {
  expect(r.timedOut, "the run was killed at its timeout").toBe(false);
  expect(r.peakMb, `peak RSS ${r.peakMb.toFixed(0)} MB`).toBeLessThan(maxMb);
}

function lineCount(text: string): number {
  return text.split("\n").length;
}

beforeAll(() => {
  dir = tempDir("imladri-bounds-");
  key = demoKey(dir);
  const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--chain", "demo", "--out", file("demo.jsonl")]);
  expect(r.code).toBe(0);
  demo = fs.readFileSync(file("demo.jsonl"), "utf8").split("\n").filter(Boolean);
  expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--chain", "demo", "--out", file("demo.json")]).code).toBe(0);
});

describe("export refuses events over the limits", () => {
  it("an event line over 16 MiB and an event of over 500,000 values: exit 65, nothing written", () => {
    const event = JSON.parse(fs.readFileSync(DEMO_EVENTS, "utf8").split("\n")[0]!);
    const big = { ...event, id: "big", args: { blob: "x".repeat(17 * MiB) } };
    const dense = { ...event, id: "dense", args: { a: new Array(500_001).fill(0) } };
    fs.writeFileSync(file("over-limits.jsonl"), [event, big, dense].map((e) => JSON.stringify(e)).join("\n") + "\n");
    const r = imladriBounded(["proof", "export", "--log", file("over-limits.jsonl"), "--key-file", key.priv, "--out", file("over-limits.json")]);
    completed(r, 256);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/:2: is longer than 16 MiB/);
    expect(r.stderr).toMatch(/:3 \/args\/a\/\d+: not strict I-JSON: found more than 500000 JSON values/);
    expect(fs.existsSync(file("over-limits.json"))).toBe(false);
  });
});

describe("policy globs run in linear time", () => {
  it("redacts with globs that backtrack exponentially as regexes, on long values", () => {
    // A log whose events hold long values, and a policy matching them with hostile globs.
    const events = fs.readFileSync(DEMO_EVENTS, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const call = events.find((e) => e.type === "tool.call");
    call.args = { q: "a".repeat(100), path: "x/".repeat(1024) };
    const log = file("long-values.jsonl");
    fs.writeFileSync(log, [call, ...events.filter((e) => e !== call)].map((e) => JSON.stringify(e)).join("\n") + "\n");
    const bundle = file("long-values.json");
    expect(imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--out", bundle]).code).toBe(0);
    const policy = file("hostile-policy.json");
    fs.writeFileSync(
      policy,
      JSON.stringify({
        format: "imladri.redaction-policy/v1",
        name: "hostile",
        rules: [
          { match: { fields: { "/args/q": "*a*a*a*a*a*a*a*a*b" } }, redact: ["/args"] },
          { match: { fields: { "/args/path": "*/*/*/*.pdf" } }, redact: ["/args"] },
          { match: { type: ["*o*o*o*o*o*o*o*o*o*o*x"] }, elide: true },
          { match: { fields: { "/args/path": "*/*/*/*/" } }, redact: ["/args/path"] },
        ],
      }),
    );
    const share = file("long-values.share.json");
    const r = imladriBounded(["proof", "redact", bundle, "--policy", policy, "--out", share], { timeoutMs: 20_000 });
    completed(r, 256);
    expect(r.code, r.stderr).toBe(0);
    // Only the last rule matched: the path is redacted, the query (no "b") is not.
    const s = JSON.parse(fs.readFileSync(share, "utf8"));
    expect(s.events[0].event.args).toEqual({ q: "a".repeat(100), path: null });
  });
});

describe("verify holds memory and output within the limits", () => {
  it("verifies a 40 MB single-event bundle in memory bounded relative to its size", () => {
    const record = JSON.parse(demo[1]!);
    record.event.args = { blob: "x".repeat(40 * MiB) };
    fs.writeFileSync(file("big-event.jsonl"), demo[0] + "\n" + JSON.stringify(record) + "\n");
    const r = imladriBounded(["proof", "verify", file("big-event.jsonl"), "--key", key.pub, "--threads", "1"]);
    // About 5 bytes a byte of the line (the line, its text, the value, its canonical bytes) over
    // Node's own 60 MB; before the limits, 200 MB took over 6 GB.
    completed(r, 64 + 6 * 40);
    // The event was changed after signing: recomputed, and caught.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("chain.head-mismatch");
  });

  it("refuses a record line over the line limit without reading it, on one thread or several", () => {
    const record = JSON.parse(demo[1]!);
    record.event.args = { blob: "x".repeat(70 * MiB) };
    const lines = [demo[0], JSON.stringify(record), ...demo.slice(2)];
    fs.writeFileSync(file("long-line.jsonl"), lines.join("\n") + "\n");
    // The reader holds at most the limit (64 MiB) of a line before it knows to skip it; one that
    // held the 70 MB line, its text and its value would pass these bounds (two workers cost
    // about 50 MB each).
    for (const [threads, bound] of [["1", 160], ["2", 260]] as const) {
      const r = imladriBounded(["proof", "verify", file("long-line.jsonl"), "--key", key.pub, "--threads", threads, "--json"]);
      completed(r, bound);
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout);
      expect(j.findings[0]).toMatchObject({ code: "bundle.parse", seq: 0, line: 2 });
      expect(j.findings[0].message).toContain("longer than 64 MiB");
      // It keeps its seq: the records after it are where they belong, only the chain breaks.
      expect(j.findings.map((f: { code: string }) => f.code)).not.toContain("record.seq");
      expect(j.findings.map((f: { code: string }) => f.code)).toContain("chain.incomplete");
    }
  });

  it("refuses an event of more values than the limit before building its digest tree", () => {
    const record = JSON.parse(demo[1]!);
    record.event.args = { a: new Array(1_100_000).fill(0) };
    fs.writeFileSync(file("many-values.jsonl"), demo[0] + "\n" + JSON.stringify(record) + "\n");
    const r = imladriBounded(["proof", "verify", file("many-values.jsonl"), "--key", key.pub, "--json"]);
    completed(r, 200);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.findings[0]).toMatchObject({ code: "bundle.parse", seq: 0 });
    expect(j.findings[0].message).toContain("JSON values");
  });

  it("refuses such a record in a one-document bundle too, and the document's own value limit holds", () => {
    const doc = JSON.parse(fs.readFileSync(file("demo.json"), "utf8"));
    doc.events[0].event.args = { a: new Array(1_100_000).fill(0) };
    fs.writeFileSync(file("many-values.json"), JSON.stringify(doc));
    const r = imladriBounded(["proof", "verify", file("many-values.json"), "--key", key.pub, "--json"]);
    completed(r, 256);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.findings[0]).toMatchObject({ code: "bundle.parse", seq: 0 });
    expect(j.findings[0].message).toContain("JSON values");
    // The records after it are still checked at their own seq.
    expect(j.events.total).toBe(14);
  });

  it("refuses a one-document record over the line limit in text before building its digest tree", () => {
    const doc = JSON.parse(fs.readFileSync(file("demo.json"), "utf8"));
    doc.events[0].event.args = { blob: "x".repeat(70 * MiB) };
    fs.writeFileSync(file("big-record.json"), JSON.stringify(doc));
    // The document form is read whole (its bytes, its text, its values): about 6 bytes a byte. That
    // is the bound. The heap limit is 384 MB, not the default 256: a run here holds a live heap
    // near 256 MB, and one that V8 aborts at its limit (seen once, under load) reports no RSS at
    // all. Peak RSS is 440-450 MB whether the limit is 256, 384 or 484 MB.
    const r = imladriBounded(["proof", "verify", file("big-record.json"), "--key", key.pub, "--json"], { heapMb: 384 });
    completed(r, 64 + 6 * 70);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.findings[0]).toMatchObject({ code: "bundle.parse", seq: 0 });
    expect(j.findings[0].message).toContain("64 MiB of text");
  });

  it("lists at most 100 findings of one code for 200,000 bad lines, counts the rest, and stays invalid", () => {
    fs.writeFileSync(file("empties.jsonl"), demo[0] + "\n" + "{}\n".repeat(200_000));
    const text = imladriBounded(["proof", "verify", file("empties.jsonl"), "--key", key.pub]);
    completed(text, 256);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("and 199900 more record.members findings");
    expect(lineCount(text.stdout)).toBeLessThan(120);

    const json = imladriBounded(["proof", "verify", file("empties.jsonl"), "--key", key.pub, "--json"]);
    completed(json, 256);
    expect(json.code).toBe(1);
    const j = JSON.parse(json.stdout);
    expect(j.verdict).toBe("invalid");
    expect(j.dropped).toEqual({ "record.members": 199_900 });
    expect(j.findings.filter((f: { code: string }) => f.code === "record.members")).toHaveLength(100);
    expect(j.events.total).toBe(200_000);
  });

  it("reports a header of 130,000 members as invalid (exit 1), not an internal error", () => {
    const header = JSON.parse(demo[0]!);
    for (let i = 0; i < 130_000; i++) header[`m${i}`] = i;
    fs.writeFileSync(file("wide-header.jsonl"), [JSON.stringify(header), ...demo.slice(1)].join("\n") + "\n");
    const r = imladriBounded(["proof", "verify", file("wide-header.jsonl"), "--key", key.pub, "--json"]);
    completed(r, 256);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).dropped).toEqual({ "bundle.member": 129_900 });
  });

  it("inspect lists at most 100 problems of one code", () => {
    const r = imladriBounded(["proof", "inspect", file("empties.jsonl")]);
    completed(r, 256);
    expect(r.code).toBe(0);
    expect(lineCount(r.stdout)).toBeLessThan(40);
  });
});

describe("keyring, config and policy problem lists are capped", () => {
  it("a keyring with 100,000 unknown members: a bounded list, and invalid", () => {
    const keyring = file("keyring.json");
    expect(imladri(["keys", "init", "--keyring", keyring, "--out-key", file("ring-signer.jwk")]).code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(keyring, "utf8"));
    for (let i = 0; i < 100_000; i++) doc[`m${i}`] = i;
    fs.writeFileSync(file("wide-keyring.json"), JSON.stringify(doc));
    const list = imladriBounded(["keys", "list", "--keyring", file("wide-keyring.json")]);
    completed(list, 256);
    expect(list.code).toBe(1);
    expect(lineCount(list.stdout + list.stderr)).toBeLessThan(60);
    expect(list.stdout).toContain("more unexpected members in the keyring");
    const verify = imladriBounded(["proof", "verify", file("demo.jsonl"), "--keyring", file("wide-keyring.json"), "--json"]);
    completed(verify, 256);
    expect(verify.code).toBe(1);
    expect(verify.stdout.length).toBeLessThan(64 * 1024);
  });

  it("a config and a policy with 100,000 unknown members: exit 65, a bounded list", () => {
    const members: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) members[`m${i}`] = i;
    fs.writeFileSync(file("wide-config.json"), JSON.stringify({ cleanup: { providers: {} }, ...members }));
    fs.writeFileSync(file("cleanup-events.jsonl"), fs.readFileSync(DEMO_EVENTS));
    const config = imladriBounded(["cleanup", "--log", "cleanup-events.jsonl", "--config", "wide-config.json"], { cwd: dir });
    completed(config, 256);
    expect(config.code).toBe(65);
    expect(config.stderr).toContain("... and 99980 more");
    expect(lineCount(config.stderr)).toBeLessThan(40);

    fs.writeFileSync(file("wide-policy.json"), JSON.stringify({ format: "imladri.redaction-policy/v1", name: "w", rules: [], ...members }));
    const policy = imladriBounded(["proof", "redact", file("demo.jsonl"), "--policy", file("wide-policy.json"), "--out", file("never.json")]);
    completed(policy, 256);
    expect(policy.code).toBe(65);
    expect(policy.stderr).toContain("... and 99980 more");
    expect(lineCount(policy.stderr)).toBeLessThan(80);
  });
});

describe("cleanup holds memory and output within the limits", () => {
  it("plans over a log of 500,000 {} lines in bounded memory, counting their schema problems", () => {
    fs.writeFileSync(file("cleanup.config.json"), JSON.stringify({ cleanup: { providers: { file: { type: "file", root: file("work") } } } }));
    fs.writeFileSync(file("empties-log.jsonl"), "{}\n".repeat(500_000));
    const r = imladriBounded(["cleanup", "--log", "empties-log.jsonl", "--config", "cleanup.config.json", "--json"], { cwd: dir });
    completed(r, 256);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.warnings).toHaveLength(20);
    expect(j.warningsDropped).toBeGreaterThan(500_000);
  });

  it("refuses a log of 100,000 bad lines listing the first 20 and a count (exit 65)", () => {
    fs.writeFileSync(file("bad-log.jsonl"), "x\n".repeat(100_000));
    const r = imladriBounded(["cleanup", "--log", "bad-log.jsonl", "--config", "cleanup.config.json"], { cwd: dir });
    completed(r, 256);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("... and 99980 more");
    expect(lineCount(r.stderr)).toBeLessThan(40);
  });
});
