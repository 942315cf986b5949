/**
 * `proof redact` in one pass (issue 14) makes exactly what the two-pass redact made: the same share,
 * byte for byte, the same stdout, exit code and refusal, on good inputs (both forms, a redactor
 * signature, a share redacted again, a dry run, a blocked share) and on tampered ones (nothing
 * written, no spool left). The two-pass code is kept, unchanged but for its imports, under
 * test/support/two-pass-redact/ as the reference; both run in this process with the clock fixed,
 * since the redaction block carries its creation time.
 *
 * Then, through the built CLI as a user runs it: stdin and a FIFO (readable once) are redacted
 * leaving no temp copy.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeEventLog } from "../../fixtures/generate-events.mjs";
import { runRedact, type RedactOptions } from "../../src/cli/run/redact.js";
import { CliError, toCliError } from "../../src/cli/errors.js";
import { makeChalk } from "../../src/cli/output.js";
import type { CommandContext } from "../../src/cli/context.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { runRedactTwoPass } from "../support/two-pass-redact/redact.js";
import { DEMO_EVENTS, REPO, demoKey, imladri, tempDir, withoutSigningKey } from "../support/cli.js";

let dir: string;
let key: { priv: string; pub: string };
let demo: string;
let large: string;

const SECRET = ["AKIA", "Q3EXAMPLE7", "SECRET"].join("");

function file(name: string): string {
  return path.join(dir, name);
}

function exportBundle(log: string, out: string, extra: string[] = []): void {
  const r = imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--chain", "one-pass", "--out", out, ...extra]);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(() => {
  dir = tempDir("imladri-redact-one-pass-");
  key = demoKey(dir);
  demo = file("demo.json");
  exportBundle(DEMO_EVENTS, demo);
  const log = file("large-events.jsonl");
  writeEventLog(log, 600, 14);
  large = file("large.jsonl");
  exportBundle(log, large);
});

interface Outcome {
  code?: number;
  error?: { exitCode: number; message: string; details: readonly string[] };
  stdout: string;
  stderr: string;
  /** The share's bytes, or null when nothing was written. */
  share: string | null;
  /** Files left beside the share (a spool must never stay). */
  left: string[];
}

type Runner = (ctx: CommandContext, bundle: string, opts: RedactOptions) => Promise<number>;

/** Runs one redact in this process, in a fresh folder, capturing what it prints. */
async function outcome(run: Runner, name: string, bundle: string, opts: Partial<RedactOptions>, json = false): Promise<Outcome> {
  const out = fs.mkdtempSync(path.join(dir, `${name}-`));
  const share = opts.dryRun ? undefined : path.join(out, opts.format === "jsonl" || opts.out?.endsWith(".jsonl") ? "share.jsonl" : "share.json");
  const ctx: CommandContext = { crypto: nodeCrypto, json, c: makeChalk(false), ce: makeChalk(false) };
  let stdout = "";
  let stderr = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const result: Partial<Outcome> = {};
  try {
    result.code = await run(ctx, bundle, { redact: [], elide: [], accept: [], ...opts, ...(share ? { out: share } : {}) });
  } catch (thrown) {
    const err = toCliError(thrown);
    if (!(err instanceof CliError)) throw err;
    result.error = { exitCode: err.exitCode, message: err.message.split(out).join("<out>"), details: err.details };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const shareBytes = share && fs.existsSync(share) ? fs.readFileSync(share, "utf8") : null;
  return {
    ...result,
    stdout: stdout.split(out).join("<out>"),
    stderr: stderr.split(out).join("<out>"),
    share: shareBytes,
    left: fs.readdirSync(out).filter((f) => !f.startsWith("share.")),
  };
}

/** The same redact by both paths. */
async function both(name: string, bundle: string, opts: Partial<RedactOptions>, json = false): Promise<{ one: Outcome; two: Outcome }> {
  const two = await outcome(runRedactTwoPass, `${name}-two`, bundle, opts, json);
  const one = await outcome(runRedact, `${name}-one`, bundle, opts, json);
  return { one, two };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-11-30T12:00:00.000Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("one-pass redact makes what the two-pass redact made", () => {
  it("the demo bundle, one document in and out", async () => {
    const { one, two } = await both("demo", demo, {});
    expect(two.code).toBe(0);
    expect(two.share).not.toBeNull();
    expect(one).toEqual(two);
  });

  it("a 600-event JSON Lines bundle, signed by a redactor, with --redact and --elide", async () => {
    const opts = { format: "jsonl" as const, keyFile: key.priv, redact: ["5:/event/args"], elide: ["7"], out: "x.jsonl" };
    const { one, two } = await both("large", large, opts);
    expect(two.code).toBe(0);
    expect(two.share!.split("\n").length).toBe(602); // header, 600 records, the final LF
    expect(one).toEqual(two);
    const share = file("large-share.jsonl");
    fs.writeFileSync(share, one.share!);
    expect(imladri(["proof", "verify", share, "--key", key.pub]).code).toBe(0);
  });

  it("a share redacted again with the strict policy, into one document, with --json", async () => {
    const share = file("to-redact-again.jsonl");
    fs.writeFileSync(share, (await outcome(runRedact, "first", large, { format: "jsonl", out: "x.jsonl" })).share!);
    const { one, two } = await both("again", share, { policy: "strict" }, true);
    expect(two.code).toBe(0);
    expect(one).toEqual(two);
  });

  it("a dry run, in text and in --json", async () => {
    const text = await both("dry", large, { dryRun: true });
    expect(text.two.code).toBe(0);
    expect(text.two.stdout).toContain("seq 599");
    expect(text.one).toEqual(text.two);
    const json = await both("dry-json", large, { dryRun: true }, true);
    expect(json.one).toEqual(json.two);
  });

  it("a share that a finding blocks (nothing written), then the same share accepted", async () => {
    const lines = fs.readFileSync(DEMO_EVENTS, "utf8").split("\n").filter(Boolean);
    const e = JSON.parse(lines[2]!);
    e.decision.reason = `blocked: the prompt carried ${SECRET} from a pasted config`;
    lines[2] = JSON.stringify(e);
    const log = file("secret-events.jsonl");
    fs.writeFileSync(log, lines.join("\n") + "\n");
    const bundle = file("secret.jsonl");
    exportBundle(log, bundle, ["--allow-secrets"]);
    const blocked = await both("blocked", bundle, {});
    expect(blocked.two.error?.exitCode).toBe(1);
    expect(blocked.two.share).toBeNull();
    expect(blocked.one).toEqual(blocked.two);
    const id = /--accept (\S+)/.exec(blocked.two.error!.details.join("\n"))![1]!;
    const accepted = await both("accepted", bundle, { accept: [id] });
    expect(accepted.two.code).toBe(0);
    expect(accepted.one).toEqual(accepted.two);
  });

  it.each([
    ["an event changed in the middle", (lines: string[]) => (lines[300] = lines[300]!.replace('"ts":"20', '"ts":"19'))],
    ["the last record removed (only the end of the pass can tell)", (lines: string[]) => lines.splice(lines.length - 2, 1)],
    ["two records swapped", (lines: string[]) => ([lines[10], lines[11]] = [lines[11]!, lines[10]!])],
    ["a line that is not JSON", (lines: string[]) => (lines[40] = "{not json")],
    ["a header whose statement lost its head", (lines: string[]) => (lines[0] = lines[0]!.replace('"head":', '"heads":'))],
  ])("refuses a tampered bundle the same way, writing nothing and leaving no spool: %s", async (name, tamper) => {
    const lines = fs.readFileSync(large, "utf8").split("\n");
    const before = lines.join("\n");
    tamper(lines);
    expect(lines.join("\n")).not.toBe(before);
    const bad = file(`tampered-${name.replace(/\W+/g, "-")}.jsonl`);
    fs.writeFileSync(bad, lines.join("\n"));
    const { one, two } = await both("tampered", bad, { format: "jsonl", out: "x.jsonl" });
    expect(two.error?.exitCode).toBe(65);
    expect(two.error?.message).toContain("the bundle to redact is not a consistent bundle");
    expect(one.share).toBeNull();
    expect(one.left).toEqual([]);
    expect(one).toEqual(two);
  });
});

describe("one-pass redact through the built CLI", () => {
  it("redacts a bundle read from stdin leaving no temp copy, as it redacts the file", () => {
    // The temp folder the child would use is one of the test's own, so anything left is ours.
    const tmp = tempDir();
    const fromFile = file("cli-from-file.jsonl");
    const fromStdin = file("cli-from-stdin.jsonl");
    expect(imladri(["proof", "redact", large, "--out", fromFile]).code).toBe(0);
    const r = imladri(["proof", "redact", "-", "--out", fromStdin], { input: fs.readFileSync(large, "utf8"), env: { TMPDIR: tmp } });
    expect(r.code, r.stderr).toBe(0);
    // The redaction block's creation time differs between two runs; everything else is the same.
    const strip = (t: string) => t.replace(/"createdAt":"[^"]+"/, "");
    expect(strip(fs.readFileSync(fromStdin, "utf8"))).toBe(strip(fs.readFileSync(fromFile, "utf8")));
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(fs.readdirSync(path.dirname(fromStdin)).filter((f) => f.startsWith(".imladri-"))).toEqual([]);
  });

  it("redacts a bundle from a FIFO, which can be read only once", () => {
    const fifo = file("bundle.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const out = file("cli-from-fifo.jsonl");
    // The writer is a child of its own, so the FIFO's other end is open while the CLI reads.
    const writer = spawnSync("sh", ["-c", `cat "$1" > "$2" & "$3" "$4" proof redact "$2" --out "$5"; s=$?; wait; exit $s`, "sh", large, fifo, process.execPath, path.join(REPO, "bin/imladri.js"), out], {
      encoding: "utf8",
      env: withoutSigningKey(process.env),
    });
    expect(writer.status, writer.stderr).toBe(0);
    expect(imladri(["proof", "verify", out, "--key", key.pub]).code).toBe(0);
  });

  it("refuses a tampered bundle from stdin, naming <stdin>, writing nothing", () => {
    const lines = fs.readFileSync(large, "utf8").split("\n");
    lines[200] = lines[200]!.replace('"ts":"20', '"ts":"19');
    const out = file("never.jsonl");
    const r = imladri(["proof", "redact", "-", "--out", out], { input: lines.join("\n") });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("<stdin>: the bundle to redact is not a consistent bundle");
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(".imladri-tmp-"))).toEqual([]);
  });
});
