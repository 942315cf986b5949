/**
 * Streaming (issue 6), continued: the one-document form written streamed, `proof redact` in two
 * passes, and refused exports and redacts that must leave nothing behind, each on data of its own
 * (the 50,000-event bundle is in streaming.test.ts; the two files run on two workers at once).
 */

import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEvents, writeEventLog } from "../../fixtures/generate-events.mjs";
import type { BundleFormat } from "../../src/core/bundle/serialize.js";
import type { BundleHeader, EventRecord } from "../../src/core/bundle/types.js";
import { shareStats } from "../../src/core/redact/block.js";
import { AUDITOR_POLICY } from "../../src/core/redact/policies.js";
import { applyPolicy } from "../../src/core/redact/share.js";
import type { VerificationReport } from "../../src/core/verify/verifier.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { demoKey, imladri, tempDir } from "../support/cli.js";
import { bundleParts } from "../support/bundle-parts.js";
import { SLOW, entries, hasScript, inMemoryVerify, serialized, slowCli, ttyCli } from "./streaming-support.js";

let dir: string;
let key: { priv: string; pub: string };
const imladriSlow = (args: string[]) => slowCli(dir, args);
const onTty = (args: string[]) => ttyCli(dir, args);
const verifyInMemory = (bytes: Uint8Array) => inMemoryVerify(key.pub, bytes);

beforeAll(() => {
  dir = tempDir("imladri-perf-");
  key = demoKey(dir);
});

describe("the one-document form, written streamed", () => {
  it("is byte for byte what the in-memory writer makes, and verifies", () => {
    const small = path.join(dir, "small.jsonl");
    writeEventLog(small, 2_000, 5);
    const out = path.join(dir, "small.json");
    const r = imladri(["proof", "export", "--log", small, "--key-file", key.priv, "--out", out], { cwd: dir });
    expect(r.code).toBe(0);
    const bytes = fs.readFileSync(out);
    expect(bytes.subarray(0, 11).toString()).toBe('{"events":[');
    const { header, records } = bundleParts(bytes);
    expect(records).toHaveLength(2_000);
    expect(serialized(header, records, "json").equals(bytes)).toBe(true);
    expect(verifyInMemory(bytes).verdict).toBe("verified");
  }, SLOW);
});

describe("a refused export leaves nothing behind", () => {
  /** A log of `good` generated events, then `last` (a line of text). */
  function logWith(name: string, good: number, last: string): string {
    const file = path.join(dir, name);
    const lines = [...generateEvents(good, 3)].map((e) => JSON.stringify(e));
    fs.writeFileSync(file, lines.join("\n") + "\n" + last + "\n");
    return file;
  }

  it("a bad line after thousands of good ones (exit 65): no output, no temp file", () => {
    const work = tempDir("imladri-perf-refused-");
    const bad = logWith("bad.jsonl", 3_000, '{"id":"x","ts":"2026-13-45T00:00:00Z","type":"tool.call","actor":{}}');
    const before = entries(work);
    const r = imladri(["proof", "export", "--log", bad, "--key-file", key.priv, "--out", path.join(work, "proof.jsonl")], { cwd: work });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("line(s); nothing was written");
    expect(r.stderr).toContain(`${bad}:3001`);
    expect(entries(work)).toEqual(before);
  });

  it("a secret in the last event (exit 1): no output, no temp file", () => {
    const work = tempDir("imladri-perf-refused-");
    const [event] = [...generateEvents(1, 99)];
    const secret = { ...event, id: "evt-secret", args: { note: "key AKIAIOSFODNN7EXAMPLE here" } };
    const leaky = logWith("leaky.jsonl", 3_000, JSON.stringify(secret));
    const r = imladri(["proof", "export", "--log", leaky, "--key-file", key.priv, "--out", path.join(work, "proof.json")], { cwd: work });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nothing was written");
    expect(r.stderr).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(entries(work)).toEqual([]);
  });

  it("with --force over an existing bundle, a bad log leaves the old bundle as it was", () => {
    const work = tempDir("imladri-perf-refused-");
    const out = path.join(work, "proof.jsonl");
    fs.writeFileSync(out, "the earlier bundle\n");
    const bad = logWith("bad2.jsonl", 500, "not json");
    const r = imladri(["proof", "export", "--log", bad, "--key-file", key.priv, "--out", out, "--force"], { cwd: work });
    expect(r.code).toBe(65);
    expect(entries(work)).toEqual(["proof.jsonl"]);
    expect(fs.readFileSync(out, "utf8")).toBe("the earlier bundle\n");
  });
});

describe("proof redact, streamed (one pass, the share spooled)", () => {
  const N = 5_000;
  let input: string;
  let inputParts: { header: BundleHeader; records: EventRecord[] };

  beforeAll(() => {
    const events = path.join(dir, "events-5k.jsonl");
    writeEventLog(events, N, 17);
    input = path.join(dir, "proof-5k.jsonl");
    const r = imladriSlow(["proof", "export", "--log", events, "--key-file", key.priv, "--out", input]);
    expect(r.code).toBe(0);
    inputParts = bundleParts(fs.readFileSync(input));
  }, SLOW);

  /** The in-memory path: applyPolicy over every record at once, then serializeBundle. */
  function inMemoryShare(header: BundleHeader, format: BundleFormat): Buffer {
    const { records } = applyPolicy(nodeCrypto, inputParts.records, AUDITOR_POLICY);
    expect(header.redaction?.stats).toEqual(shareStats(records));
    return serialized(header, records, format);
  }

  it.each(["jsonl", "json"] as const)("the %s share is byte for byte what the in-memory path makes, and verifies", (format) => {
    const share = path.join(dir, `share-5k.${format}`);
    const r = imladriSlow(["proof", "redact", input, "--out", share]);
    expect(r.code).toBe(0);
    // stderr is a pipe here: no progress line, though each pass runs for seconds.
    expect(r.stderr).toBe("");
    const bytes = fs.readFileSync(share);
    const { header, records } = bundleParts(bytes);
    expect(records).toHaveLength(N);
    expect(header.kind).toBe("share");
    // The header (with its createdAt) is the streamed share's own; every record and the layout
    // must be exactly what serializeBundle makes of applyPolicy's records.
    expect(inMemoryShare(header, format).equals(bytes)).toBe(true);

    const v = imladriSlow(["proof", "verify", share, "--key", key.pub, "--json"]);
    expect(v.code).toBe(0);
    const report = JSON.parse(v.stdout) as VerificationReport;
    expect(report.verdict).toBe("verified");
    expect(report.events).toMatchObject({ total: N, elided: 0, partial: N });
  }, SLOW);

  it("signed by a redactor: the signature covers the streamed records, and a tampered share is caught", () => {
    const share = path.join(dir, "signed-5k.jsonl");
    const r = imladriSlow(["proof", "redact", input, "--out", share, "--key-file", key.priv, "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ written: true, stats: { events: N }, blockingCount: 0 });
    expect(summary.redactor).toBeTypeOf("string");
    const bytes = fs.readFileSync(share);
    expect(inMemoryShare(bundleParts(bytes).header, "jsonl").equals(bytes)).toBe(true);

    const v = JSON.parse(imladriSlow(["proof", "verify", share, "--key", key.pub, "--json"]).stdout) as VerificationReport;
    expect(v.verdict).toBe("verified");
    expect(v.redactorSignatures?.map((s) => s.status)).toEqual(["valid"]);

    // One disclosed time changed, far into the share: the chain breaks and so does the redactor's signature.
    const lines = bytes.toString("utf8").split("\n");
    const seq = 3_777;
    expect(lines[seq + 1]).toContain('"ts":"2026-');
    lines[seq + 1] = lines[seq + 1]!.replace('"ts":"2026-', '"ts":"2027-');
    const tampered = path.join(dir, "signed-5k-tampered.jsonl");
    fs.writeFileSync(tampered, lines.join("\n"));
    const t = imladriSlow(["proof", "verify", tampered, "--key", key.pub, "--json"]);
    expect(t.code).toBe(1);
    const codes = (JSON.parse(t.stdout) as VerificationReport).findings.map((f) => f.code);
    expect(codes).toContain("chain.head-mismatch");
    expect(codes).toContain("redaction.signature-bad");
  }, SLOW);

  it.runIf(hasScript)("shows progress for its one pass on a terminal, and none with --json there", () => {
    const plain = onTty(["proof", "redact", input, "--out", path.join(dir, "tty-share.jsonl"), "--force"]);
    expect(plain.code).toBe(0);
    expect(plain.out).not.toContain("checking"); // one pass (issue 14): no separate check first
    expect(plain.out).toMatch(new RegExp(`\\rredacting {2}\\[[#.]{20}\\] +\\d+% {2}[\\d,]+ / ${N.toLocaleString("en-US")} events {2}[\\d,]+ events/s`));
    expect(plain.out).toContain("wrote share");

    const json = onTty(["proof", "redact", input, "--out", path.join(dir, "tty-share.jsonl"), "--force", "--json"]);
    expect(json.code).toBe(0);
    expect(json.out).not.toContain("events/s");
    expect(JSON.parse(json.out.replace(/\r\n/g, "\n")).written).toBe(true);
  }, SLOW);
});

describe("a refused redact leaves nothing behind", () => {
  // A fake credential, assembled at run time so no scanner mistakes this file for a leak.
  const SECRET = ["AKIA", "Q3EXAMPLE7", "SECRET"].join("");
  const GOOD = 3_000;
  let leaky: string;
  let seq: number;

  beforeAll(() => {
    // The secret in a value the auditor policy keeps (a decision's reason), near the end.
    const events = [...generateEvents(GOOD, 23)];
    seq = GOOD - 10;
    while (events[seq]!.type !== "tool.call") seq--;
    (events[seq] as { decision: { reason?: string } }).decision.reason = `blocked: the prompt carried ${SECRET}`;
    const log = path.join(dir, "leaky-events.jsonl");
    fs.writeFileSync(log, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
    leaky = path.join(dir, "leaky-proof.jsonl");
    const r = imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--out", leaky, "--allow-secrets"], { cwd: dir });
    expect(r.code).toBe(0);
  }, SLOW);

  it("a finding near the end (exit 1): no share, no spool file, the secret never printed", () => {
    const work = tempDir("imladri-perf-redact-refused-");
    for (const json of [[], ["--json"]]) {
      const r = imladri(["proof", "redact", leaky, "--out", path.join(work, "share.jsonl"), ...json], { cwd: work });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(entries(work)).toEqual([]);
      if (json.length > 0) expect(JSON.parse(r.stdout)).toMatchObject({ written: false, blockingCount: 1, blocking: [{ seq, pointer: "/decision/reason" }] });
      else expect(r.stderr).toContain(`--redact ${seq}:/decision/reason`);
    }
  }, SLOW);

  it("an --accept typo (exit 64): nothing written; the right id writes a share that verifies", () => {
    const work = tempDir("imladri-perf-redact-refused-");
    const out = path.join(work, "share.jsonl");
    const r = imladri(["proof", "redact", leaky, "--out", out, "--accept", "0123456789abcdef"], { cwd: work });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("nothing was written");
    expect(entries(work)).toEqual([]);

    const id = JSON.parse(imladri(["proof", "redact", leaky, "--dry-run", "--json"], { cwd: work }).stdout).blocking[0].id as string;
    expect(imladri(["proof", "redact", leaky, "--out", out, "--accept", id], { cwd: work }).code).toBe(0);
    expect(entries(work)).toEqual(["share.jsonl"]);
    expect(imladri(["proof", "verify", out, "--key", key.pub], { cwd: work }).code).toBe(0);
  }, SLOW);

  it("with --force over an existing share, a refused redact leaves the old one as it was", () => {
    const work = tempDir("imladri-perf-redact-refused-");
    const out = path.join(work, "share.json");
    fs.writeFileSync(out, "the earlier share\n");
    const r = imladri(["proof", "redact", leaky, "--out", out, "--force"], { cwd: work });
    expect(r.code).toBe(1);
    expect(entries(work)).toEqual(["share.json"]);
    expect(fs.readFileSync(out, "utf8")).toBe("the earlier share\n");
  }, SLOW);
});
