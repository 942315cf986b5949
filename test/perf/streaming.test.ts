/**
 * Streaming (issue 6): `proof export` spools records to a temp file as it checks events,
 * `proof verify` reads JSON Lines line by line, and `proof redact` checks its input in one pass
 * and redacts and spools it in a second. None may change a verdict, an identity or a byte: a
 * streamed bundle or share must be exactly what the in-memory writer (serializeBundle) makes of
 * the same records, and the streamed verify must report exactly what the in-memory reader does.
 * A refused export or redact must leave nothing behind. Memory and speed are measured by
 * `npm run bench`, not asserted here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEvents, writeEventLog } from "../../fixtures/generate-events.mjs";
import { readBundleBytes } from "../../src/core/bundle/read.js";
import { serializeBundle, type BundleFormat } from "../../src/core/bundle/serialize.js";
import type { BundleHeader, EventRecord } from "../../src/core/bundle/types.js";
import { shareStats } from "../../src/core/redact/block.js";
import { AUDITOR_POLICY } from "../../src/core/redact/policies.js";
import { applyPolicy } from "../../src/core/redact/share.js";
import { TrustStore } from "../../src/core/jws/trust.js";
import { Verifier, type VerificationReport } from "../../src/core/verify/verifier.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { loadPublicKeyFile } from "../../src/cli/key-files.js";
import { BIN, demoKey, imladri, tempDir } from "../support/cli.js";
import { bundleParts } from "../support/bundle-parts.js";

const EVENTS = 50_000;
/** Each 50k-event verify takes seconds to a minute depending on the machine's load. */
const SLOW = 600_000;

let dir: string;
let key: { priv: string; pub: string };
let log: string;
let bundle: string;

/** The in-memory path: the whole file as bytes, through the core reader, into a Verifier. */
function verifyInMemory(bytes: Uint8Array): VerificationReport {
  const trust = new TrustStore();
  trust.add({ key: loadPublicKeyFile(nodeCrypto, key.pub).key, status: "active", source: key.pub });
  const verifier = new Verifier({ crypto: nodeCrypto, trust });
  readBundleBytes(bytes, verifier);
  return verifier.result();
}

function serialized(header: BundleHeader, records: EventRecord[], format: BundleFormat): Buffer {
  return Buffer.concat([...serializeBundle(header, records, format)].map((c) => Buffer.from(c, "utf8")));
}

const entries = (d: string) => fs.readdirSync(d).sort();

/** The CLI on the 50k-event files: as test/support's imladri(), with room for a loaded machine. */
function imladriSlow(args: string[]): { code: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.IMLADRI_SIGNING_KEY;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: "utf8", timeout: SLOW, maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

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
    const seq = 31_337;
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

// `script` (util-linux) runs a command on a pseudo-terminal, where stderr is a TTY.
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

/** The CLI on a pseudo-terminal: stdout and stderr both land in `out`. */
function onTty(args: string[]): { code: number | null; out: string } {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 300_000, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout };
}

describe("progress output (issue 6)", () => {
  it("never appears when stderr is not a terminal", () => {
    // The 50,000-event verify runs for seconds: a progress line would have been drawn on a TTY.
    const r = imladriSlow(["proof", "verify", bundle, "--key", key.pub]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("\r");
  }, SLOW);

  it.runIf(hasScript)("appears on a terminal, and never with --json there", () => {
    const plain = onTty(["proof", "verify", bundle, "--key", key.pub]);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/\rverify {2}\[[#.]{20}\] +\d+% {2}[\d,]+ \/ 50,000 events {2}[\d,]+ events\/s/);

    const json = onTty(["proof", "verify", bundle, "--key", key.pub, "--json"]);
    expect(json.code).toBe(0);
    expect(json.out).not.toContain("events/s");
    // The terminal turns each LF into CR LF; apart from that, stdout is the JSON document alone.
    expect(JSON.parse(json.out.replace(/\r\n/g, "\n")).verdict).toBe("verified");
  }, SLOW);
});

describe("proof redact, streamed (two passes, the share spooled)", () => {
  const N = 10_000;
  let input: string;
  let inputParts: { header: BundleHeader; records: EventRecord[] };

  beforeAll(() => {
    const events = path.join(dir, "events-10k.jsonl");
    writeEventLog(events, N, 17);
    input = path.join(dir, "proof-10k.jsonl");
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
    const share = path.join(dir, `share-10k.${format}`);
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
    const share = path.join(dir, "signed-10k.jsonl");
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
    const seq = 7_777;
    expect(lines[seq + 1]).toContain('"ts":"2026-');
    lines[seq + 1] = lines[seq + 1]!.replace('"ts":"2026-', '"ts":"2027-');
    const tampered = path.join(dir, "signed-10k-tampered.jsonl");
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
    expect(plain.out).toMatch(/\rredacting {2}\[[#.]{20}\] +\d+% {2}[\d,]+ \/ 10,000 events {2}[\d,]+ events\/s/);
    expect(plain.out).toContain("wrote share");

    const json = onTty(["proof", "redact", input, "--out", path.join(dir, "tty-share.jsonl"), "--force", "--json"]);
    expect(json.code).toBe(0);
    expect(json.out).not.toContain("events/s");
    expect(JSON.parse(json.out.replace(/\r\n/g, "\n")).written).toBe(true);
  }, SLOW);
});

describe("proof inspect progress", () => {
  it.runIf(hasScript)("appears on a terminal for a long read, and never with --json there", () => {
    const plain = onTty(["proof", "inspect", bundle]);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/\rinspect {2}\[[#.]{20}\] +\d+% {2}[\d,]+ \/ 50,000 events {2}[\d,]+ events\/s/);
    const json = onTty(["proof", "inspect", bundle, "--json"]);
    expect(json.code).toBe(0);
    expect(json.out).not.toContain("events/s");
    expect(JSON.parse(json.out.replace(/\r\n/g, "\n")).records).toBe(50_000);
  }, SLOW);

  it("never appears when stderr is not a terminal", () => {
    const r = imladriSlow(["proof", "inspect", bundle]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
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
