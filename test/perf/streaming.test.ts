/**
 * Streaming (issue 6): `proof export` spools records to a temp file as it checks events,
 * `proof verify` reads JSON Lines line by line, and `proof redact` checks its input in one pass
 * and redacts and spools it in a second. None may change a verdict, an identity or a byte: a
 * streamed bundle or share must be exactly what the in-memory writer (serializeBundle) makes of
 * the same records, and the streamed verify must report exactly what the in-memory reader does.
 * A refused export or redact must leave nothing behind. Memory and speed are measured by
 * `npm run bench`, not asserted here.
 *
 * This file holds the tests on one 20,000-event bundle; streaming-redact.test.ts the ones with
 * data of their own.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeEventLog } from "../../fixtures/generate-events.mjs";
import type { VerificationReport } from "../../src/core/verify/verifier.js";
import { demoKey, tempDir } from "../support/cli.js";
import { bundleParts } from "../support/bundle-parts.js";
import { SLOW, hasScript, inMemoryVerify, serialized, slowCli, ttyCli } from "./streaming-support.js";

const EVENTS = 20_000;

let dir: string;
let key: { priv: string; pub: string };
const imladriSlow = (args: string[]) => slowCli(dir, args);
const onTty = (args: string[]) => ttyCli(dir, args);
const verifyInMemory = (bytes: Uint8Array) => inMemoryVerify(key.pub, bytes);
let log: string;
let bundle: string;

beforeAll(() => {
  dir = tempDir("imladri-perf-");
  key = demoKey(dir);
  log = path.join(dir, "events.jsonl");
  writeEventLog(log, EVENTS, 11);
  bundle = path.join(dir, "proof.jsonl");
  const r = imladriSlow(["proof", "export", "--log", log, "--key-file", key.priv, "--out", bundle, "--json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
}, SLOW);

describe(`a ${EVENTS.toLocaleString("en-US")}-event JSON Lines bundle`, () => {
  it("is byte for byte what the in-memory writer makes of its records (header line first)", () => {
    const bytes = fs.readFileSync(bundle);
    const { header, records } = bundleParts(bytes);
    expect(records).toHaveLength(EVENTS);
    expect(bytes.subarray(0, bytes.indexOf(0x0a)).toString("utf8")).toContain('"statement":');
    expect(serialized(header, records, "jsonl").equals(bytes)).toBe(true);
  }, SLOW);

  it("verifies streamed (the CLI) exactly as in memory, and as the one-document form of the same records", () => {
    const streamed = imladriSlow(["proof", "verify", bundle, "--key", key.pub, "--json"]);
    expect(streamed.code).toBe(0);
    const { bundle: _name, ...report } = JSON.parse(streamed.stdout) as VerificationReport & { bundle: string };
    expect(report.verdict).toBe("verified");
    expect(report.events.total).toBe(EVENTS);

    const bytes = fs.readFileSync(bundle);
    expect(verifyInMemory(bytes)).toEqual(report);

    const { header, records } = bundleParts(bytes);
    const doc = verifyInMemory(serialized(header, records, "json"));
    expect(doc.form).toBe("json");
    expect({ ...doc, form: "jsonl" }).toEqual(report);
  }, SLOW);

  it("a changed event in the stream is caught at its seq, streamed and in memory alike", () => {
    const lines = fs.readFileSync(bundle, "utf8").split("\n");
    const seq = 13_337;
    // Every event has a time; one a year later must break the chain from this record on.
    expect(lines[seq + 1]).toContain('"ts":"2026-');
    lines[seq + 1] = lines[seq + 1]!.replace('"ts":"2026-', '"ts":"2027-');
    const tampered = path.join(dir, "tampered.jsonl");
    fs.writeFileSync(tampered, lines.join("\n"));
    const streamed = imladriSlow(["proof", "verify", tampered, "--key", key.pub, "--json"]);
    expect(streamed.code).toBe(1);
    const { bundle: _name, ...report } = JSON.parse(streamed.stdout) as VerificationReport & { bundle: string };
    expect(report.verdict).toBe("invalid");
    expect(report.findings.map((f) => f.code)).toContain("chain.head-mismatch");
    expect(verifyInMemory(fs.readFileSync(tampered))).toEqual(report);
    fs.rmSync(tampered);
  }, SLOW);
});

describe("progress output (issue 6)", () => {
  it("never appears when stderr is not a terminal", () => {
    // The 20,000-event verify runs for seconds: a progress line would have been drawn on a TTY.
    const r = imladriSlow(["proof", "verify", bundle, "--key", key.pub]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("\r");
  }, SLOW);

  it.runIf(hasScript)("appears on a terminal, and never with --json there", () => {
    const plain = onTty(["proof", "verify", bundle, "--key", key.pub]);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(new RegExp(`\\rverify {2}\\[[#.]{20}\\] +\\d+% {2}[\\d,]+ / ${EVENTS.toLocaleString("en-US")} events {2}[\\d,]+ events/s`));

    const json = onTty(["proof", "verify", bundle, "--key", key.pub, "--json"]);
    expect(json.code).toBe(0);
    expect(json.out).not.toContain("events/s");
    // The terminal turns each LF into CR LF; apart from that, stdout is the JSON document alone.
    expect(JSON.parse(json.out.replace(/\r\n/g, "\n")).verdict).toBe("verified");
  }, SLOW);
});

describe("proof inspect progress", () => {
  /**
   * Inspect reads faster than verify checks, so its progress needs a longer read than the bundle
   * above gives: the same records five times over (seq renumbered, the statement's length to
   * match). Inspect never verifies, so the file need not (and does not) verify.
   */
  const LONG = EVENTS * 5;
  let long: string;
  beforeAll(() => {
    const lines = fs.readFileSync(bundle, "utf8").split("\n").filter(Boolean);
    const header = JSON.parse(lines[0]!);
    header.statement.length = LONG;
    const out = [JSON.stringify(header)];
    for (let i = 0; i < LONG; i++) {
      const r = JSON.parse(lines[1 + (i % EVENTS)]!);
      r.seq = i;
      out.push(JSON.stringify(r));
    }
    long = path.join(dir, "long-inspect.jsonl");
    fs.writeFileSync(long, out.join("\n") + "\n");
  }, SLOW);

  it.runIf(hasScript)("appears on a terminal for a long read, and never with --json there", () => {
    const plain = onTty(["proof", "inspect", long]);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/\rinspect {2}\[[#.]{20}\] +\d+% {2}[\d,]+ \/ 100,000 events {2}[\d,]+ events\/s/);
    const json = onTty(["proof", "inspect", long, "--json"]);
    expect(json.code).toBe(0);
    expect(json.out).not.toContain("events/s");
    expect(JSON.parse(json.out.replace(/\r\n/g, "\n")).records).toBe(LONG);
  }, SLOW);

  it("never appears when stderr is not a terminal", () => {
    const r = imladriSlow(["proof", "inspect", long]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  }, SLOW);
});
