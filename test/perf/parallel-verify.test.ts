/**
 * `proof verify` on worker threads (issue 6, src/io/parallel-verify.ts) must report exactly what
 * the single-thread path reports: the same verdict, counts, identity, signatures and every
 * finding in the same order, on good bundles and on every kind of tampering, with and without
 * `--require`, whatever the chunk size and the number of workers. And a worker that fails must
 * fail the run, never give a verdict. Speed is measured in docs/performance.md, not here.
 *
 * The workers run the built worker entry (dist/io/verify-worker.js, as the CLI does): `npm test`
 * builds first.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { writeEventLog } from "../../fixtures/generate-events.mjs";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { TrustStore } from "../../src/core/jws/trust.js";
import { Verifier, type VerificationReport, type VerifyOptions } from "../../src/core/verify/verifier.js";
import type { EvidenceCheck } from "../../src/core/verify/steps/evidence.js";
import type { Statement } from "../../src/core/statement/statement.js";
import type { ExaminedRecordSink } from "../../src/core/verify/steps/examine.js";
import { readBundleFile } from "../../src/io/bundle-source.js";
import { readBundleFileForVerify, workerCount, AUTO_MIN_BYTES, type ParallelOptions } from "../../src/io/parallel-verify.js";
import { loadPublicKeyFile } from "../../src/cli/key-files.js";
import { REPO, demoKey, imladri, tempDir } from "../support/cli.js";
import { imladriBounded } from "../support/bounded.js";

const WORKER = pathToFileURL(path.join(REPO, "dist/io/verify-worker.js"));
const EVENTS = 1_200;
const SLOW = 300_000;

let dir: string;
let key: { priv: string; pub: string };
let full: string;
let share: string;
let signedShare: string;

function trust(): TrustStore {
  const t = new TrustStore();
  t.add({ key: loadPublicKeyFile(nodeCrypto, key.pub).key, status: "active", source: key.pub });
  return t;
}

interface Run {
  require?: EvidenceCheck[];
  since?: Statement;
}

function verifierFor(run: Run): Verifier {
  const options: VerifyOptions = { crypto: nodeCrypto, trust: trust(), ...(run.require ? { require: run.require } : {}), ...(run.since ? { since: run.since } : {}) };
  return new Verifier(options);
}

function singleThread(file: string, run: Run = {}): VerificationReport {
  const v = verifierFor(run);
  readBundleFile(file, v);
  return v.result();
}

async function workers(file: string, run: Run = {}, options: Partial<ParallelOptions> & { workers?: number } = {}): Promise<VerificationReport> {
  const v = verifierFor(run);
  const sink = counting(v);
  await readBundleFileForVerify(file, sink, options.workers ?? 2, { workerUrl: WORKER, ...options });
  expect(sink.ended).toBe(1);
  return v.result();
}

/** The verifier as a sink that counts the calls to `end`. */
function counting(v: Verifier): ExaminedRecordSink & { ended: number } {
  const sink = {
    ended: 0,
    header: v.header.bind(v),
    record: v.record.bind(v),
    problem: v.problem.bind(v),
    recordNeeds: v.recordNeeds.bind(v),
    recordResult: v.recordResult.bind(v),
    end: () => {
      sink.ended++;
      v.end();
    },
  };
  return sink;
}

/** The record lines of the full bundle (index 0 is the header), to tamper with. */
function lines(file = full): string[] {
  const text = fs.readFileSync(file, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const codes = (r: VerificationReport) => r.findings.map((f) => f.code);

beforeAll(() => {
  dir = tempDir("imladri-parallel-");
  key = demoKey(dir);
  const log = path.join(dir, "events.jsonl");
  writeEventLog(log, EVENTS, 21);
  full = path.join(dir, "full.jsonl");
  share = path.join(dir, "share.jsonl");
  signedShare = path.join(dir, "signed-share.jsonl");
  const run = (args: string[]) => {
    const r = imladri(args, { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  };
  run(["proof", "export", "--log", log, "--key-file", key.priv, "--format", "jsonl", "--chain", "parallel", "--out", full]);
  run(["proof", "redact", full, "--policy", "auditor", "--elide", "7", "--elide", "authority.*", "--out", share]);
  run(["proof", "redact", full, "--policy", "auditor", "--elide", "11", "--elide", "resource.*", "--key-file", key.priv, "--out", signedShare]);
}, SLOW);

/** Each case: a file, what the single-thread report must show (so the comparison means something). */
const cases: { name: string; make: () => string; expect: (r: VerificationReport) => void; run?: Run }[] = [
  { name: "a valid full bundle", make: () => full, expect: (r) => expect(r.verdict).toBe("verified") },
  {
    name: "a share with partial and elided records",
    make: () => share,
    expect: (r) => {
      expect(r.verdict).toBe("verified");
      expect(r.events.partial).toBeGreaterThan(0);
      expect(r.events.elided).toBeGreaterThan(0);
    },
  },
  {
    name: "a redactor-signed share (the records digest)",
    make: () => signedShare,
    expect: (r) => {
      expect(r.verdict).toBe("verified");
      expect(r.redactorSignatures?.map((s) => s.status)).toEqual(["valid"]);
    },
  },
  {
    name: "a changed byte in one event",
    make: () => {
      const l = lines();
      expect(l[501]).toContain('"ts":"2026-');
      l[501] = l[501]!.replace('"ts":"2026-', '"ts":"2027-');
      return write("changed.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => expect(codes(r)).toContain("chain.head-mismatch"),
  },
  {
    name: "two records swapped",
    make: () => {
      const l = lines();
      [l[300], l[301]] = [l[301]!, l[300]!];
      return write("swapped.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => expect(r.findings.filter((f) => f.code === "record.seq").map((f) => f.seq)).toEqual([299, 300]),
  },
  {
    name: "a record deleted (every later seq is off)",
    make: () => {
      const l = lines();
      l.splice(400, 1);
      return write("deleted.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => {
      // The first 100 are listed (issue 12: findings capped per code), the rest counted.
      expect(r.findings.filter((f) => f.code === "record.seq")).toHaveLength(100);
      expect(r.dropped["record.seq"]).toBe(EVENTS - 400 - 100);
      expect(codes(r)).toContain("statement.length-mismatch");
    },
  },
  {
    name: "a line that is not JSON",
    make: () => {
      const l = lines();
      l[200] = l[200]!.slice(0, -1);
      return write("bad-json.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => {
      expect(r.findings.find((f) => f.code === "bundle.parse")).toMatchObject({ seq: 199, line: 201 });
      expect(codes(r)).toContain("chain.incomplete");
    },
  },
  {
    name: "a duplicate member name",
    make: () => {
      const l = lines();
      l[100] = l[100]!.replace(/^\{/, '{"seq":99,');
      return write("duplicate.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => expect(r.findings.find((f) => f.code === "bundle.parse")?.message).toMatch(/duplicate|twice/i),
  },
  {
    name: "a wrong seq",
    make: () => {
      const l = lines();
      expect(l[50]!.endsWith(',"seq":49}')).toBe(true);
      l[50] = l[50]!.replace(/,"seq":49}$/, ',"seq":48}');
      return write("wrong-seq.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => expect(r.findings.find((f) => f.code === "record.seq")).toMatchObject({ seq: 49, line: 51, pointer: "/events/49/seq" }),
  },
  {
    name: "a file cut off in the middle of a line",
    make: () => {
      const bytes = fs.readFileSync(full);
      return write("truncated.jsonl", bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    },
    expect: (r) => expect(codes(r)).toContain("bundle.parse"),
  },
  {
    name: "a changed header",
    make: () => {
      const l = lines();
      l[0] = l[0]!.replace(`"length":${EVENTS}`, `"length":${EVENTS - 1}`);
      return write("header.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => {
      expect(codes(r)).toContain("statement.length-mismatch");
      expect(r.signatures.map((s) => s.status)).toEqual(["bad-signature"]);
    },
  },
  {
    name: "blank, white-space-only and CR-only lines, and CRLF line ends",
    make: () => {
      const l = lines();
      // Records with findings on both sides of the blank lines: the order of findings matters.
      l[599] = l[599]!.replace(/,"seq":598}$/, ',"seq":0}');
      l[600] = l[600]!.replace(/,"seq":599}$/, ',"seq":0}');
      l.splice(600, 0, "", "  \t", "\r");
      l[700] += "\r";
      l.push("");
      return write("blank.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => {
      expect(r.findings.filter((f) => f.code === "bundle.blank-line").map((f) => f.line)).toEqual([601, 602, 603, EVENTS + 5]);
      expect(r.findings.slice(0, 5).map((f) => `${f.code} ${f.line}`)).toEqual(["record.seq 600", "bundle.blank-line 601", "bundle.blank-line 602", "bundle.blank-line 603", "record.seq 604"]);
    },
  },
  {
    name: "lines that are not valid UTF-8",
    make: () => {
      const l = lines().map((s) => Buffer.from(s, "utf8"));
      l[800] = Buffer.concat([l[800]!.subarray(0, 40), Buffer.from([0xff]), l[800]!.subarray(40)]);
      // Bad continuation, a UTF-16 surrogate, a cut sequence, an overlong NUL, past U+10FFFF.
      l.splice(900, 0, ...[[0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80]].map((b) => Buffer.from(b)));
      return write("utf8.jsonl", Buffer.concat(l.flatMap((b) => [b, Buffer.from("\n")])));
    },
    expect: (r) => expect(r.findings.filter((f) => f.message.includes("not valid UTF-8")).map((f) => f.line)).toEqual([801, 901, 902, 903, 904, 905]),
  },
  {
    name: "events that break the event schemas (more than the 100 warnings shown) and unknown types",
    make: () => {
      const l = lines();
      for (let i = 1; i <= 130; i++) {
        const rec = JSON.parse(l[i]!);
        delete rec.event.actor;
        l[i] = JSON.stringify(rec);
      }
      l[140] = l[140]!.replace(/"type":"[a-z.]+"/, '"type":"agent.daydream"');
      l[141] = l[141]!.replace(/"type":"[a-z.]+"/, '"type":"agent.daydream"');
      return write("schema.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => {
      expect(r.findings.filter((f) => f.code === "event.schema").length).toBeGreaterThanOrEqual(100);
      expect(r.findings.find((f) => f.code === "event.unknown-type")?.message).toContain('2 event(s) of unknown type "agent.daydream"');
    },
  },
  {
    name: "a share with a changed salt and a changed redacted digest",
    make: () => {
      const l = lines(share);
      const partial = l.findIndex((s, i) => i > 0 && s.includes('"salts":{"'));
      l[partial] = l[partial]!.replace(/"salts":\{"([^"]*)":"(.)/, (_m, p, c) => `"salts":{"${p}":"${c === "A" ? "B" : "A"}`);
      const redacted = l.findIndex((s, i) => i > partial && s.includes('"redacted":{"'));
      l[redacted] = l[redacted]!.replace(/"redacted":\{"([^"]*)":"(.)/, (_m, p, c) => `"redacted":{"${p}":"${c === "0" ? "1" : "0"}`);
      return write("share-tampered.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => expect(r.verdict).toBe("invalid"),
  },
  {
    name: "a redactor-signed share with a changed elided digest",
    make: () => {
      const l = lines(signedShare);
      const elided = l.findIndex((s) => s.startsWith('{"digest":"'));
      l[elided] = l[elided]!.replace(/^\{"digest":"(.)/, (_m, c) => `{"digest":"${c === "0" ? "1" : "0"}`);
      return write("signed-share-tampered.jsonl", l.join("\n") + "\n");
    },
    expect: (r) => {
      expect(codes(r)).toContain("chain.head-mismatch");
      expect(r.redactorSignatures?.map((s) => s.status)).not.toEqual(["valid"]);
    },
  },
  {
    name: "a header line alone, without a final LF",
    make: () => write("header-only.jsonl", lines()[0]!),
    expect: (r) => expect(codes(r)).toContain("statement.length-mismatch"),
  },
  {
    name: "--require cleanup, decisions and no-elided on a share",
    make: () => share,
    run: { require: ["cleanup", "decisions", "no-elided"] },
    expect: (r) => {
      expect(r.verdict).toBe("insufficient_evidence");
      expect(codes(r)).toEqual(expect.arrayContaining(["require.no-elided", "require.cleanup"]));
    },
  },
  {
    name: "--require cleanup and decisions on a signed share (hidden events)",
    make: () => signedShare,
    run: { require: ["cleanup", "decisions"] },
    expect: (r) => expect(codes(r)).toContain("require.hidden-events"),
  },
  {
    name: "--require decisions and cleanup on the full bundle",
    make: () => full,
    run: { require: ["decisions", "cleanup"] },
    expect: (r) => expect(codes(r)).toContain("require.cleanup"),
  },
];

describe("worker threads report exactly what one thread reports", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const file = c.make();
    const one = singleThread(file, c.run);
    c.expect(one);
    expect(await workers(file, c.run)).toEqual(one);
  }, SLOW);

  it("whatever the chunk size (lines split across reads, lines longer than a read) and the number of workers", async () => {
    for (const name of ["a redactor-signed share (the records digest)", "a record deleted (every later seq is off)", "lines that are not valid UTF-8", "blank, white-space-only and CR-only lines, and CRLF line ends"]) {
      const c = cases.find((x) => x.name === name)!;
      const file = c.make();
      const one = singleThread(file, { require: ["cleanup", "decisions"] });
      for (const [n, chunkBytes] of [[2, 700], [3, 4096], [2, 65_536], [1, 4096]] as const) {
        const counts = { workers: 0, main: 0 };
        expect(await workers(file, { require: ["cleanup", "decisions"] }, { workers: n, chunkBytes, counts }), `${name}, ${n} threads, ${chunkBytes}-byte reads`).toEqual(one);
        // With workers, both they and the main thread examined batches (the main thread takes one
        // when every worker has its fill: with reads this small, a file has dozens of batches and
        // the workers, which start and compile, fall behind at first); --threads 1 never starts one.
        if (n === 1) expect(counts).toEqual({ workers: 0, main: 0 });
        else if (chunkBytes < 65_536) {
          expect(counts.workers, `${name}, ${n} threads`).toBeGreaterThan(0);
          expect(counts.main, `${name}, ${n} threads`).toBeGreaterThan(0);
        }
      }
    }
  }, SLOW);

  it("--since: the chain at the earlier length, found while folding", async () => {
    const header = JSON.parse(lines()[0]!) as { statement: Statement };
    const earlier: Statement = { ...header.statement };
    const one = singleThread(full, { since: earlier });
    expect(one.verdict).toBe("verified");
    expect(await workers(full, { since: earlier })).toEqual(one);
    const forked = { ...earlier, head: "0".repeat(64) } as Statement;
    const bad = singleThread(full, { since: forked });
    expect(codes(bad)).toContain("since.fork");
    expect(await workers(full, { since: forked })).toEqual(bad);
  }, SLOW);

  it("the one-document form is read in one thread, with the same report", async () => {
    const doc = path.join(dir, "full.json");
    const r = imladri(["proof", "export", "--log", path.join(dir, "events.jsonl"), "--key-file", key.priv, "--chain", "parallel", "--out", doc], { cwd: dir });
    expect(r.code).toBe(0);
    const one = singleThread(doc);
    expect(one.form).toBe("json");
    // A stand-in worker that fails would fail this run if the document form used workers.
    expect(await workers(doc, {}, { workerUrl: failingWorker("document", "throw new Error('a worker was started')") })).toEqual(one);
  }, SLOW);
});

/** A stand-in worker entry: `body` runs in the worker with `parentPort` in scope. */
function failingWorker(name: string, body: string): URL {
  const file = path.join(dir, `worker-${name}.mjs`);
  fs.writeFileSync(file, `import { parentPort } from "node:worker_threads";\n${body}\n`);
  return pathToFileURL(file);
}

describe("a worker that fails fails the run: no verdict from part of a bundle", () => {
  const stand_ins: [string, string][] = [
    ["throws on a batch", `parentPort.on("message", () => { throw new Error("boom"); });`],
    ["throws while loading", `throw new Error("cannot load");`],
    ["exits without answering", `parentPort.on("message", () => process.exit(0));`],
    ["answers with too few lines", `parentPort.on("message", (req) => parentPort.postMessage({ id: req.id, flags: new Uint8Array(0), digests: new Uint8Array(0), redactedCounts: new Int32Array(0), extras: [] }));`],
    ["answers another batch", `parentPort.on("message", (req) => parentPort.postMessage({ id: req.id + 1000, flags: new Uint8Array(0), digests: new Uint8Array(0), redactedCounts: new Int32Array(0), extras: [] }));`],
    [
      "says a record has a problem but not which",
      `parentPort.on("message", (req) => { const n = req.lines.length / 4; parentPort.postMessage({ id: req.id, flags: new Uint8Array(n).fill(8), digests: new Uint8Array(32 * n), redactedCounts: new Int32Array(n), extras: [] }); });`,
    ],
  ];
  it.each(stand_ins)("a worker that %s", async (name, body) => {
    const sink = counting(verifierFor({}));
    await expect(readBundleFileForVerify(full, sink, 2, { workerUrl: failingWorker(name.replace(/\W+/g, "-"), body), chunkBytes: 65_536 })).rejects.toThrow(
      /a verify worker thread failed: .*nothing was verified/,
    );
    expect(sink.ended).toBe(0);
  }, SLOW);

  it("the CLI exits 70 (internal error) with one line and no verdict", () => {
    // A copy of the built command whose worker entry fails: no hook in the product for this.
    const copy = tempDir("imladri-parallel-cli-");
    fs.cpSync(path.join(REPO, "bin"), path.join(copy, "bin"), { recursive: true });
    fs.cpSync(path.join(REPO, "dist"), path.join(copy, "dist"), { recursive: true });
    fs.cpSync(path.join(REPO, "package.json"), path.join(copy, "package.json"));
    fs.writeFileSync(path.join(copy, "dist/io/verify-worker.js"), `throw new Error("this worker is broken");\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    const r = spawnSync(process.execPath, [path.join(copy, "bin/imladri.js"), "proof", "verify", full, "--key", key.pub, "--threads", "2"], { cwd: copy, env, encoding: "utf8" });
    expect(r.status).toBe(70);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^imladri: internal error: a verify worker thread failed: this worker is broken; nothing was verified \(--threads 1 verifies without worker threads\)\n$/);
  }, SLOW);
});

describe("the CLI: --threads", () => {
  const json = (r: { stdout: string }) => JSON.parse(r.stdout) as VerificationReport;

  it("--threads 2 prints exactly what --threads 1 prints, text and --json, good and tampered", () => {
    const deleted = cases.find((c) => c.name.startsWith("a record deleted"))!.make();
    for (const [file, extra] of [
      [signedShare, ["--require", "cleanup", "--require", "decisions"]],
      [deleted, []],
    ] as const) {
      for (const mode of [["--json"], []]) {
        const one = imladri(["proof", "verify", file, "--key", key.pub, ...extra, ...mode, "--threads", "1"], { cwd: dir });
        const two = imladri(["proof", "verify", file, "--key", key.pub, ...extra, ...mode, "--threads", "2"], { cwd: dir });
        expect(two.code).toBe(one.code);
        expect(two.stderr).toBe(one.stderr);
        expect(two.stdout).toBe(one.stdout);
        if (mode.length > 0) expect(json(one).events.total).toBeGreaterThan(0);
      }
    }
  }, SLOW);

  it("a record and then 8 MB of blank lines: the same report as one thread, in bounded memory (the problems behind an unanswered batch are planned only so far ahead)", () => {
    const file = path.join(dir, "blank-tail.jsonl");
    const [header, first] = lines();
    fs.writeFileSync(file, header + "\n" + first + "\n" + "\n".repeat(8 << 20));
    const one = imladriBounded(["proof", "verify", file, "--key", key.pub, "--json", "--threads", "1"], { cwd: dir, timeoutMs: 120_000 });
    const two = imladriBounded(["proof", "verify", file, "--key", key.pub, "--json", "--threads", "2"], { cwd: dir, timeoutMs: 120_000 });
    expect(one.code).toBe(1);
    expect(json(one).findings.some((f) => f.code === "bundle.blank-line")).toBe(true);
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    // Every blank line was planned whole behind the worker's batch: about 1 GB here; now bounded
    // by a few megabytes of problems (one thread: about 70 MB; a worker adds about 35).
    expect(two.peakMb).toBeLessThan(320);
  }, SLOW);

  it.each([["0"], ["-1"], ["two"], ["65"], ["1.5"], [""]])("refuses --threads %j (exit 64, one line)", (v) => {
    const r = imladri(["proof", "verify", full, "--key", key.pub, "--threads", v], { cwd: dir });
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`imladri: --threads ${JSON.stringify(v)}: expected "auto" or a whole number from 1 (no worker threads) to 64\n`);
  });

  it("stdin verifies with --threads 2 as with --threads 1 (stdin is always read in one thread)", () => {
    const text = fs.readFileSync(share, "utf8");
    const one = imladri(["proof", "verify", "-", "--key", key.pub, "--json", "--threads", "1"], { cwd: dir, input: text });
    const two = imladri(["proof", "verify", "-", "--key", key.pub, "--json", "--threads", "2"], { cwd: dir, input: text });
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  }, SLOW);

  it("accepts auto, 1 and 64", () => {
    for (const v of ["auto", "1", "64"]) {
      const r = imladri(["proof", "verify", share, "--key", key.pub, "--threads", v, "--json"], { cwd: dir });
      expect(r.code, v).toBe(0);
      expect(json(r).verdict).toBe("verified");
    }
  }, SLOW);
});

describe("when worker threads turn on", () => {
  const idle2 = { cores: 2, load: 0.2 };
  it("auto: a file of AUTO_MIN_BYTES or more, more than one core, and at least one core idle; then one worker beside the main thread", () => {
    expect(AUTO_MIN_BYTES).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(workerCount("auto", AUTO_MIN_BYTES, idle2)).toBe(1);
    expect(workerCount("auto", AUTO_MIN_BYTES - 1, idle2)).toBe(0);
    expect(workerCount("auto", 10 * AUTO_MIN_BYTES, { cores: 1, load: 0 })).toBe(0);
    expect(workerCount("auto", 10 * AUTO_MIN_BYTES, { cores: 2, load: 1 })).toBe(1);
    expect(workerCount("auto", 10 * AUTO_MIN_BYTES, { cores: 2, load: 1.1 })).toBe(0);
    expect(workerCount("auto", 10 * AUTO_MIN_BYTES, { cores: 2, load: 6 })).toBe(0);
    // At most two threads, the main one and a worker: the memory target (about 35 MB per worker).
    expect(workerCount("auto", 10 * AUTO_MIN_BYTES, { cores: 64, load: 3 })).toBe(1);
  });

  it("an explicit count of threads is used as given, whatever the file size and the machine: N - 1 workers beside the main thread; 1 is none", () => {
    expect(workerCount(1, 10 * AUTO_MIN_BYTES, { cores: 64, load: 0 })).toBe(0);
    expect(workerCount(2, 10, { cores: 1, load: 9 })).toBe(1);
    expect(workerCount(3, 10, { cores: 1, load: 9 })).toBe(2);
  });
});
