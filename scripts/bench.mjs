#!/usr/bin/env node
/**
 * `npm run bench`: figures for issue 6, printed, never asserted (timings are not test material).
 *
 *   node scripts/bench.mjs                       # 10k and 100k events
 *   node scripts/bench.mjs --sizes 10k,100k,1m   # the 1M-event (about 1.2 GB) size too
 *   node scripts/bench.mjs --sizes 1m --commands verify
 *
 * For each size, in one run on one machine:
 *  - export, verify, redact (auditor policy) and verify-share, each as a whole process
 *    (`node bin/imladri.js ...`): wall time, CPU time, events/s, MB/s of the input, peak RSS;
 *  - the floors, measured in this process on the same files right after: reading the file;
 *    reading it, splitting lines and JSON.parse of each; node:crypto SHA-256 over inputs of the
 *    very sizes the format makes a verifier hash (DESIGN §4, §5: a salt and a leaf input per
 *    disclosed scalar, a body per container, one chain link per event), with the count of
 *    SHA-256 calls and compression blocks per event;
 *  - the ratio of each command's wall time and CPU time to its floor's (docs/performance.md
 *    defines each floor; on a shared machine the CPU ratio is the one to read);
 *  - `--version` and a 10-event verify as whole-process times, beside a bare `node -e 0` (twice
 *    when NODE_EXTRA_CA_CERTS is set: as run, and without it; see the start-up section).
 *
 *  - format v2 (DESIGN §12; section "format v2" below): at --v2 SIZE (default 100k; 1m for the
 *    issue's figures; none to skip): the size of an excerpt of 3 events and its whole-process
 *    verify time, a checkpoint with its consistency proof, and the event tree's CPU beside
 *    export's and verify's.
 *
 * Options: --sizes (10k,100k,1m or plain numbers; none for only the start-up figures), --commands (export,verify,redact,verify-share),
 * --dir (where the generated files go; default a folder in the OS temp dir, reused between runs),
 * --seed, --starts N (repetitions of the start-up timings), --keep (keep bundles and shares),
 * --threads (verify's, default 1: see below), --v2 SIZE|none.
 */
import { spawnSync } from "node:child_process";
import { hash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeEventLog } from "../fixtures/generate-events.mjs";

const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "bin/imladri.js");
const pubKey = path.join(repo, "fixtures/keys/demo-signer.pub.jwk");

// --- options -------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
function option(name, fallback) {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) usage(`${name} needs a value`);
  return v;
}
function usage(message) {
  process.stderr.write(`bench: ${message}\nusage: node scripts/bench.mjs [--sizes 10k,100k,1m|none] [--commands export,verify,redact,verify-share] [--dir DIR] [--seed N] [--starts N] [--threads N|auto] [--v2 SIZE|none] [--keep]\n`);
  process.exit(64);
}
function parseSize(s) {
  const m = /^([0-9]+)([km]?)$/i.exec(s.trim());
  if (!m) usage(`bad size ${JSON.stringify(s)}`);
  return Number(m[1]) * ({ "": 1, k: 1e3, m: 1e6 }[m[2].toLowerCase()]);
}
const sizesOption = option("--sizes", "10k,100k");
// "none": only the start-up figures.
const sizes = sizesOption === "none" ? [] : sizesOption.split(",").map(parseSize);
const ALL_COMMANDS = ["export", "verify", "redact", "verify-share"];
const commands = option("--commands", ALL_COMMANDS.join(",")).split(",");
for (const c of commands) if (!ALL_COMMANDS.includes(c)) usage(`unknown command ${JSON.stringify(c)}`);
const seed = Number(option("--seed", "7"));
const starts = Number(option("--starts", "15"));
const keep = argv.includes("--keep");
// Verify in one thread unless told: the ratios are of CPU time, which worker threads raise to save
// wall time, and `auto` starts them or not by the load of the moment (a run would compare two modes).
const threads = option("--threads", "1");
const dir = option("--dir", path.join(os.tmpdir(), "imladri-bench"));
fs.mkdirSync(dir, { recursive: true });

// The demo key, 0600 as imladri requires (git does not keep file modes), in a folder of its own
// (mkdtemp: 0700, a name no one can plant a link at), never at a fixed path of a shared temp folder.
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "imladri-bench-key-"));
const keyFile = path.join(keyDir, "signer.jwk");
fs.writeFileSync(keyFile, fs.readFileSync(path.join(repo, "fixtures/keys/demo-signer.jwk")), { mode: 0o600, flag: "wx" });
process.on("exit", () => fs.rmSync(keyDir, { recursive: true, force: true }));

// --- measuring a whole process -------------------------------------------------------------------

// Preloaded into each measured process: on exit it writes its own peak RSS and CPU time to the file
// named by IMLADRI_BENCH_STATS (getrusage of the process, the same figure /usr/bin/time -v prints).
const PRELOAD =
  "data:text/javascript," +
  encodeURIComponent(
    'import { writeFileSync } from "node:fs";' +
      "const f = process.env.IMLADRI_BENCH_STATS;" +
      'if (f) process.on("exit", () => { const u = process.resourceUsage();' +
      "writeFileSync(f, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); });",
  );
const statsFile = path.join(dir, `stats-${process.pid}.json`);

/** Runs the CLI as a whole process; returns wall ms, CPU ms, peak RSS in MB, exit status, output. */
function runCli(args, { measure = true, env = process.env } = {}) {
  fs.rmSync(statsFile, { force: true });
  const nodeArgs = measure ? ["--import", PRELOAD, bin, ...args] : [bin, ...args];
  const t = performance.now();
  const r = spawnSync(process.execPath, nodeArgs, {
    cwd: dir,
    env: { ...env, IMLADRI_BENCH_STATS: statsFile, NO_COLOR: "1" },
    maxBuffer: 64 * 1024 * 1024,
    encoding: "utf8",
  });
  const wallMs = performance.now() - t;
  let stats = {};
  if (measure) {
    try {
      stats = JSON.parse(fs.readFileSync(statsFile, "utf8"));
    } catch {
      // The process died before its exit handler (a crash, out of memory): no figures.
    }
  }
  return { wallMs, cpuMs: stats.cpuMs, rssMb: stats.maxRssKb === undefined ? undefined : stats.maxRssKb / 1024, status: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function firstLine(text) {
  return (text.split("\n").find((l) => l.trim() !== "") ?? "").trim().slice(0, 160);
}

// --- floors --------------------------------------------------------------------------------------

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Times f (wall and CPU ms). */
function timed(f) {
  const t = performance.now();
  const c = cpuMs();
  const value = f();
  return { wallMs: performance.now() - t, cpuMs: cpuMs() - c, value };
}

const CHUNK = 1 << 20;

/** Calls onLine(text) for each line of the file, read in 1 MB chunks and decoded as UTF-8. */
function eachLine(file, onLine) {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(CHUNK);
  let pending = [];
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const data = buf.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(0x0a, start);
        if (nl < 0) break;
        let bytes = data.subarray(start, nl);
        if (pending.length > 0) {
          bytes = Buffer.concat([...pending, bytes]);
          pending = [];
        }
        onLine(bytes.toString("utf8"));
        start = nl + 1;
      }
      if (start < n) pending.push(Buffer.from(data.subarray(start)));
    }
    if (pending.length > 0) onLine(Buffer.concat(pending).toString("utf8"));
  } finally {
    fs.closeSync(fd);
  }
}

function readOnly(file) {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, CHUNK, null)) > 0; ) total += n;
  } finally {
    fs.closeSync(fd);
  }
  return total;
}

const utf8Length = (text) => Buffer.byteLength(text, "utf8");
const escapeToken = (k) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The SHA-256 inputs a verifier must hash for one record (DESIGN §4, §5), by length, into
 * `sizes` (a Map from input length to count): for a disclosed event a salt input (seed ||
 * pointer) and a leaf input (tag || salt || JCS(v)) per scalar and one body per container (tag
 * and JCS of the children's hex digests); for a partial one a leaf input per disclosed scalar
 * (its salt is given) and one body per container; one chain link (tag || link || digest) per
 * record. The floor hashes inputs of exactly these sizes (issue 14: the format's inputs are not
 * all 64 bytes).
 */
function hashInputsOf(record, sizes) {
  const add = (n) => sizes.set(n, (sizes.get(n) ?? 0) + 1);
  add(1 + 32 + 32); // the chain link
  if (record === null || typeof record !== "object" || !("event" in record)) return;
  const disclosed = "seed" in record;
  const redacted = record.redacted ?? {};
  // Returns nothing; a child's place in its parent's body is 66 bytes ("" + 64 hex), whatever it is.
  const walk = (v, p) => {
    if (p in redacted) return;
    if (v === null || typeof v !== "object") {
      if (disclosed) add(32 + utf8Length(p));
      add(1 + 16 + utf8Length(JSON.stringify(v)));
      return;
    }
    if (Array.isArray(v)) {
      add(1 + 2 + 66 * v.length + Math.max(0, v.length - 1));
      v.forEach((c, i) => walk(c, p + "/" + i));
    } else {
      const names = Object.keys(v);
      let body = 1 + 2 + Math.max(0, names.length - 1);
      for (const k of names) body += utf8Length(JSON.stringify(k)) + 1 + 66;
      add(body);
      for (const k of names) walk(v[k], p + "/" + escapeToken(k));
    }
  };
  walk(record.event, "");
}

/** SHA-256 compression blocks for an input of n bytes (the padding adds 1 + 8 bytes). */
const blocksOf = (n) => Math.ceil((n + 9) / 64);

/**
 * Floors for one file (docs/performance.md): a first, untimed pass counts the hash inputs by size
 * and warms the page cache (the command before it read the file too); then each part is timed.
 */
function floors(file, { isBundle }) {
  const sizes = new Map();
  let lines = 0;
  eachLine(file, (text) => {
    lines++;
    const v = JSON.parse(text);
    if (isBundle) {
      if (lines > 1) hashInputsOf(v, sizes);
    } else hashInputsOf({ seed: "", event: v }, sizes);
  });
  let hashes = 0;
  let blocks = 0;
  let inputBytes = 0;
  for (const [n, count] of sizes) {
    hashes += count;
    blocks += count * blocksOf(n);
    inputBytes += count * n;
  }
  const records = isBundle ? lines - 1 : lines;
  const bytes = fs.statSync(file).size;
  const read = timed(() => readOnly(file));
  const parse = timed(() => eachLine(file, (text) => JSON.parse(text)));
  // The fastest one-shot call node:crypto has: a "binary" (latin1) string result avoids
  // allocating a Buffer per digest, which costs more than hashing a small input.
  const longest = Math.max(0, ...sizes.keys());
  const input = new Uint8Array(longest).fill(0x5a);
  const small = timed(() => {
    for (const [n, count] of sizes) {
      const view = input.subarray(0, n);
      for (let i = 0; i < count; i++) hash("sha256", view, "binary");
    }
  });
  const bulk = timed(() => {
    // The file's bytes once, for reference only: the leaves' JCS texts are already in the inputs above.
    const fd = fs.openSync(file, "r");
    const buf = Buffer.allocUnsafe(CHUNK);
    try {
      let acc = "";
      for (let n; (n = fs.readSync(fd, buf, 0, CHUNK, null)) > 0; ) acc = hash("sha256", buf.subarray(0, n), "binary");
      return acc;
    } finally {
      fs.closeSync(fd);
    }
  });
  return {
    bytes,
    lines,
    records,
    hashes,
    blocks,
    inputBytes,
    read,
    parse,
    small,
    bulk,
    totalMs: parse.wallMs + small.wallMs,
    totalCpuMs: parse.cpuMs + small.cpuMs,
  };
}

/** Writing n bytes durably, as an atomic write does (temp file, fsync). */
function writeFloor(n) {
  const file = path.join(dir, `write-floor-${process.pid}.tmp`);
  const buf = Buffer.alloc(CHUNK, 0x61);
  const t = timed(() => {
    const fd = fs.openSync(file, "w");
    try {
      for (let left = n; left > 0; left -= CHUNK) fs.writeSync(fd, buf, 0, Math.min(CHUNK, left));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  });
  fs.rmSync(file, { force: true });
  return t;
}

// --- the run -------------------------------------------------------------------------------------

const fmtInt = (n) => Math.round(n).toLocaleString("en-US");
const fmtS = (ms) => (ms === undefined ? "-" : (ms / 1000).toFixed(ms < 1_000 ? 3 : ms < 10_000 ? 2 : 1));
const fmtMb = (b) => (b / 1048576).toFixed(1);
const sizeLabel = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? "?"} x ${cpus.length}`,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(" "),
  };
}

const m0 = machine();
process.stdout.write(`imladri bench: ${m0.cpu}, ${m0.memory}, node ${m0.node}, ${m0.os}\n`);
process.stdout.write(`load average at start: ${m0.loadavg} (other processes on the machine skew wall times; CPU times are shown too)\n`);
const results = [];

for (const count of sizes) {
  const label = sizeLabel(count);
  const log = path.join(dir, `events-${label}-seed${seed}.jsonl`);
  if (!fs.existsSync(log)) {
    process.stderr.write(`generating ${label} events...\n`);
    const tmp = `${log}.${process.pid}.tmp`;
    writeEventLog(tmp, count, seed);
    fs.renameSync(tmp, log);
  }
  const bundle = path.join(dir, `bundle-${label}.jsonl`);
  const share = path.join(dir, `share-${label}.jsonl`);
  const logBytes = fs.statSync(log).size;
  process.stdout.write(`\n== ${label} events: log ${fmtMb(logBytes)} MB\n`);

  const runs = [];
  const record = (name, input, r) => {
    const ok = r.status === 0;
    const bytes = fs.statSync(input).size;
    runs.push({ name, ok, r, bytes });
    const line = ok
      ? `${name.padEnd(13)} ${fmtS(r.wallMs).padStart(7)} s  cpu ${fmtS(r.cpuMs).padStart(7)} s  ${fmtInt(count / (r.wallMs / 1000)).padStart(9)} ev/s  ${(bytes / 1048576 / (r.wallMs / 1000)).toFixed(1).padStart(6)} MB/s  rss ${r.rssMb === undefined ? "-" : r.rssMb.toFixed(0).padStart(5)} MB`
      : `${name.padEnd(13)} FAILED (exit ${r.status ?? r.signal}): ${/heap out of memory/.test(r.stderr) ? "JavaScript heap out of memory" : firstLine(r.stderr) || firstLine(r.stdout)}`;
    process.stdout.write(line + "\n");
  };

  const want = (c) => commands.includes(c);
  if (want("export") || !fs.existsSync(bundle)) {
    const r = runCli(["proof", "export", "--log", log, "--key-file", keyFile, "--out", bundle, "--force"]);
    if (want("export")) record("export", log, r);
    else if (r.status !== 0) process.stdout.write(`export (setup) FAILED: ${firstLine(r.stderr)}\n`);
  }
  if (want("verify") && fs.existsSync(bundle)) record("verify", bundle, runCli(["proof", "verify", bundle, "--key", pubKey, "--threads", threads]));
  if ((want("redact") || want("verify-share")) && fs.existsSync(bundle)) {
    if (want("redact") || !fs.existsSync(share)) {
      const r = runCli(["proof", "redact", bundle, "--policy", "auditor", "--out", share, "--force"]);
      if (want("redact")) record("redact", bundle, r);
      else if (r.status !== 0) process.stdout.write(`redact (setup) FAILED: ${firstLine(r.stderr)}\n`);
    }
  }
  if (want("verify-share")) {
    if (fs.existsSync(share)) record("verify-share", share, runCli(["proof", "verify", share, "--key", pubKey, "--threads", threads]));
    else process.stdout.write("verify-share  skipped: no share was made\n");
  }

  // Floors, in this process, on the files the commands just read.
  const fl = {};
  if (fs.existsSync(bundle)) fl.bundle = floors(bundle, { isBundle: true });
  if (want("export")) fl.export = floors(log, { isBundle: false });
  if (fs.existsSync(share) && want("verify-share")) fl.share = floors(share, { isBundle: true });
  const writes = {};
  if (want("export") && fs.existsSync(bundle)) writes.export = writeFloor(fs.statSync(bundle).size);
  if (want("redact") && fs.existsSync(share)) writes.redact = writeFloor(fs.statSync(share).size);

  process.stdout.write("floors (this process, same files; wall / cpu):\n");
  for (const [name, f] of Object.entries(fl)) {
    const file = name === "export" ? "event log" : name;
    process.stdout.write(
      `  ${file.padEnd(10)} ${fmtMb(f.bytes).padStart(7)} MB  read ${fmtS(f.read.wallMs)} s  read+JSON.parse/line ${fmtS(f.parse.wallMs)} / ${fmtS(f.parse.cpuMs)} s  ` +
        `${fmtInt(f.hashes)} SHA-256 of the real input sizes ${fmtS(f.small.wallMs)} / ${fmtS(f.small.cpuMs)} s  = ${fmtS(f.totalMs)} / ${fmtS(f.totalCpuMs)} s` +
        `  (SHA-256 of the file's bytes once, not in the floor: ${fmtS(f.bulk.wallMs)} s)\n`,
    );
    process.stdout.write(
      `  ${"".padEnd(10)} per ${name === "export" ? "event" : "record"}: ${(f.hashes / f.records).toFixed(1)} SHA-256 calls, ${(f.blocks / f.records).toFixed(1)} compression blocks; ` +
        `inputs average ${(f.inputBytes / f.hashes).toFixed(0)} bytes, ${(f.blocks / f.hashes).toFixed(2)} blocks\n`,
    );
  }
  process.stdout.write("ratios (command time / its floor, wall and CPU; docs/performance.md):\n");
  for (const run of runs) {
    if (!run.ok) continue;
    let floor;
    let floorCpu;
    const plus = (f, w) => [f.totalMs + (w?.wallMs ?? 0), f.totalCpuMs + (w?.cpuMs ?? 0)];
    if (run.name === "export" && fl.export) [floor, floorCpu] = plus(fl.export, writes.export);
    if (run.name === "verify" && fl.bundle) [floor, floorCpu] = plus(fl.bundle);
    if (run.name === "redact" && fl.bundle) [floor, floorCpu] = plus(fl.bundle, writes.redact);
    if (run.name === "verify-share" && fl.share) [floor, floorCpu] = plus(fl.share);
    if (floor === undefined) continue;
    run.floorMs = floor;
    run.floorCpuMs = floorCpu;
    const cpu = run.r.cpuMs === undefined ? "cpu -" : `cpu ${fmtS(run.r.cpuMs).padStart(7)} s / ${fmtS(floorCpu).padStart(6)} s = ${(run.r.cpuMs / floorCpu).toFixed(2)}x`;
    process.stdout.write(`  ${run.name.padEnd(13)} wall ${fmtS(run.r.wallMs).padStart(7)} s / ${fmtS(floor).padStart(6)} s = ${(run.r.wallMs / floor).toFixed(2)}x   ${cpu}\n`);
  }
  results.push({ count, label, runs, fl });
  if (!keep) {
    // Bundles and shares only stay when asked (--keep): a 1M bundle is over a gigabyte.
    fs.rmSync(share, { force: true });
    fs.rmSync(bundle, { force: true });
  }
}

// --- start-up ------------------------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function repeat(n, f) {
  const times = [];
  for (let i = 0; i < n; i++) times.push(f());
  return { median: median(times), min: Math.min(...times) };
}

process.stdout.write(`\n== start-up (${starts} runs each, whole processes; median / min)\n`);
const ten = path.join(dir, "events-10.jsonl");
writeEventLog(ten, 10, seed);
const tenBundle = path.join(dir, "bundle-10.json");
const exp = runCli(["proof", "export", "--log", ten, "--key-file", keyFile, "--out", tenBundle, "--force"], { measure: false });

function startUp(env) {
  const bare = repeat(starts, () => {
    const t = performance.now();
    spawnSync(process.execPath, ["-e", "0"], { env });
    return performance.now() - t;
  });
  const version = repeat(starts, () => runCli(["--version"], { measure: false, env }).wallMs);
  const verify10 =
    exp.status === 0
      ? repeat(starts, () => {
          const r = runCli(["proof", "verify", tenBundle, "--key", pubKey], { measure: false, env });
          return r.status === 0 ? r.wallMs : NaN;
        })
      : undefined;
  const ms = (x) => `${x.median.toFixed(0)} ms / ${x.min.toFixed(0)} ms`;
  process.stdout.write(`node -e 0 (bare Node start)  ${ms(bare)}\n`);
  process.stdout.write(`imladri --version            ${ms(version)}   (target < 80 ms)\n`);
  process.stdout.write(`proof verify, 10 events      ${verify10 ? ms(verify10) : `FAILED: ${firstLine(exp.stderr)}`}   (target < 150 ms)\n`);
}

// NODE_EXTRA_CA_CERTS makes Node read and parse that certificate file as it starts, before any
// code of ours runs (about 90 ms for a system bundle of 140 certificates on this machine); some
// sandboxes set it for every process. Both figures are printed: the one as run here, and the one
// a machine without it sees.
if (process.env.NODE_EXTRA_CA_CERTS) {
  process.stdout.write(`with NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS} (as this environment runs Node):\n`);
  startUp(process.env);
  const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
  process.stdout.write(`without NODE_EXTRA_CA_CERTS:\n`);
  startUp(without);
} else {
  startUp(process.env);
}
await benchFormatV2(option("--v2", "100k"));
fs.rmSync(statsFile, { force: true });
process.stdout.write(`\nload average at end: ${machine().loadavg}\n`);

// --- format v2 (DESIGN §12) ----------------------------------------------------------------------

/** Copies the first `lines` lines of `from` to `to`, a chunk at a time (a 1M-event log is 1.2 GB). */
function copyFirstLines(from, to, lines) {
  const src = fs.openSync(from, "r");
  const dst = fs.openSync(to, "w");
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    let left = lines;
    while (left > 0) {
      const n = fs.readSync(src, buf, 0, buf.length, null);
      if (n === 0) break;
      let end = n;
      for (let at = buf.indexOf(10, 0); at >= 0 && at < n; at = buf.indexOf(10, at + 1)) {
        if (--left === 0) {
          end = at + 1;
          break;
        }
      }
      fs.writeSync(dst, buf, 0, end);
    }
  } finally {
    fs.closeSync(src);
    fs.closeSync(dst);
  }
}

/**
 * Excerpt and checkpoint figures at one size: a bundle exported as a continuation of its first
 * half (so a checkpoint can carry a real consistency proof), an excerpt of 3 events (first,
 * middle, last) and its verify as a whole process, the checkpoint's size, and the tree's CPU
 * (the MerkleBuilder over as many digests, in this process) beside export's and verify's CPU.
 */
async function benchFormatV2(sizeOption) {
  if (sizeOption === "none") return;
  const count = parseSize(sizeOption);
  const label = sizeLabel(count);
  process.stdout.write(`\n== format v2 at ${label} events (DESIGN §12)\n`);
  const log = path.join(dir, `events-${label}-seed${seed}.jsonl`);
  if (!fs.existsSync(log)) {
    const tmp = `${log}.${process.pid}.tmp`;
    writeEventLog(tmp, count, seed);
    fs.renameSync(tmp, log);
  }
  const half = path.join(dir, `events-${label}-first-half.jsonl`);
  copyFirstLines(log, half, Math.floor(count / 2));
  const anchor = path.join(dir, `v2-anchor-${label}.jsonl`);
  const bundle = path.join(dir, `v2-bundle-${label}.jsonl`);
  const excerpt = path.join(dir, `v2-excerpt-${label}.json`);
  const checkpoint = path.join(dir, `v2-checkpoint-${label}.json`);
  const step = (name, args) => {
    const r = runCli(args);
    if (r.status !== 0) process.stdout.write(`${name} FAILED (exit ${r.status}): ${firstLine(r.stderr)}\n`);
    return r;
  };
  step("export (first half)", ["proof", "export", "--log", half, "--key-file", keyFile, "--chain", "bench", "--out", anchor, "--force"]);
  const exp = step("export", ["proof", "export", "--log", log, "--key-file", keyFile, "--continue", anchor, "--out", bundle, "--force"]);
  // One thread whatever --threads says: the figure is the tree's share of one thread's CPU.
  const ver = step("verify", ["proof", "verify", bundle, "--key", pubKey, "--threads", "1"]);
  const seqs = [0, Math.floor(count / 2), count - 1];
  const ex = step("excerpt", ["proof", "excerpt", bundle, ...seqs.flatMap((s) => ["--seq", String(s)]), "--out", excerpt, "--force"]);
  const exVerify = step("verify excerpt", ["proof", "verify", excerpt, "--key", pubKey]);
  const cp = step("checkpoint", ["proof", "checkpoint", bundle, "--since", anchor, "--out", checkpoint, "--force"]);
  const cpVerify = step("verify checkpoint", ["proof", "verify", checkpoint, "--key", pubKey, "--since", anchor]);
  const size = (f) => (fs.existsSync(f) ? fs.statSync(f).size : NaN);
  process.stdout.write(`export (continuing the first half)  wall ${fmtS(exp.wallMs)} s  cpu ${fmtS(exp.cpuMs)} s\n`);
  process.stdout.write(`verify (one thread)                  wall ${fmtS(ver.wallMs)} s  cpu ${fmtS(ver.cpuMs)} s\n`);
  process.stdout.write(`excerpt of 3 events (seq ${seqs.join(", ")})  made in ${fmtS(ex.wallMs)} s; ${fmtInt(size(excerpt))} bytes (target <= 16 KB)\n`);
  process.stdout.write(`verify the excerpt (whole process)   wall ${fmtInt(exVerify.wallMs)} ms  cpu ${fmtInt(exVerify.cpuMs ?? NaN)} ms (target < 150 ms)  exit ${exVerify.status}\n`);
  process.stdout.write(`checkpoint with consistency from ${fmtInt(Math.floor(count / 2))}  ${fmtInt(size(checkpoint))} bytes (target <= 2 KB); made in ${fmtS(cp.wallMs)} s; verify --since wall ${fmtInt(cpVerify.wallMs)} ms exit ${cpVerify.status}\n`);
  // The tree's own CPU: one leaf hash and about one node hash per event, as export and verify do.
  const { MerkleBuilder, TreeHasher, EVENT_TREE } = await import(pathToFileURL(path.join(repo, "dist/core/tree/merkle.js")).href);
  const { nodeCrypto } = await import(pathToFileURL(path.join(repo, "dist/platform/node-crypto.js")).href);
  const digest = new Uint8Array(32);
  const t = timed(() => {
    const b = new MerkleBuilder(new TreeHasher(nodeCrypto, EVENT_TREE));
    for (let i = 0; i < count; i++) {
      digest[0] = i & 255;
      digest[1] = (i >> 8) & 255;
      b.push(digest);
    }
    b.root();
  });
  const pct = (of) => (of === undefined ? "-" : `${((100 * t.cpuMs) / of).toFixed(1)}%`);
  process.stdout.write(`event tree over ${label} digests (this process)  cpu ${fmtInt(t.cpuMs)} ms = ${pct(exp.cpuMs)} of export's CPU, ${pct(ver.cpuMs)} of verify's (target <= 5%)\n`);
  if (!keep) for (const f of [half, anchor, bundle]) fs.rmSync(f, { force: true });
}
