/**
 * `proof verify` of a large JSON Lines bundle on worker threads (issue 6; docs/performance.md
 * "Worker threads"). The bundle is opened once (src/io/bundle-source.ts: the form is detected and
 * the header read there); the main thread then reads the records' byte range in chunks cut at LF,
 * decides for every line
 * what the single-thread reader would (header, invalid UTF-8, blank, or record number `seq`), and
 * sends the record lines to the workers (src/io/verify-worker.ts), which parse and examine them
 * exactly as the single-thread path does; when every worker has its fill, the main thread examines
 * the next batch itself with the same function (so `--threads 2` is the main thread and one worker:
 * a worker's heap is about 35 MB, issue 14's memory target). The main thread folds the outcomes into the Verifier
 * strictly in file order, with its own problems (bad UTF-8, blank lines) where they occur: the
 * findings, counts, chain and verdict are those of the source's `read` into `Verifier`, finding for
 * finding (test/perf/parallel-verify.test.ts compares them on good and tampered bundles).
 *
 * A worker that fails (an exception, an exit, a reply of the wrong shape) fails the whole run with
 * an error: there is no verdict from part of a bundle.
 */
import * as fs from "node:fs";
import { isUtf8 } from "node:buffer";
import { availableParallelism, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { blankLineProblem, isBlankLine, unreadRecordProblem } from "../core/bundle/read.js";
import type { JsonObject } from "../core/json/value.js";
import type { ExaminedRecordSink } from "../core/verify/steps/examine.js";
import type { Finding } from "../core/verify/finding.js";
import { openBundle, unreadableLine, type BundleSource, type RecordRange } from "./bundle-source.js";
import { readError } from "./files.js";
import { lineErrorMessage } from "./lines.js";
import { MAX_LINE_BYTES } from "../core/limits.js";
import { LINE_FIELDS, examineBatch, unpackReply, type BatchReply, type BatchRequest, type LineOutcome, type WorkerInit } from "./verify-batch.js";
import { nodeCrypto } from "../platform/node-crypto.js";
import { youngGeneration } from "./young-generation.js";

/** `--threads`: how many threads examine records (the main thread and N - 1 workers; 1: no workers), or auto. */
export type ThreadsOption = "auto" | number;

/**
 * Auto turns workers on from this file size (about 25,000 events): starting them costs a tenth of
 * a second and about 50 MB of memory each, worth it only for runs of seconds (docs/performance.md).
 */
export const AUTO_MIN_BYTES = 32 * 1024 * 1024;
/**
 * Auto never uses more threads than this (the main thread and one worker). Each worker costs
 * about 35 MB, and issue 14 holds a 1M-event verify under 150 MB of peak RSS. More can be asked
 * for with `--threads N`, trading memory for speed.
 */
const AUTO_MAX_THREADS = 2;

/** What auto looks at: the machine's cores and its 1-minute load average. */
export interface Machine {
  cores: number;
  load: number;
}

function thisMachine(): Machine {
  return { cores: availableParallelism(), load: loadavg()[0] ?? 0 };
}

/**
 * How many workers to start beside the main thread; 0 means the single-thread path. Auto needs a
 * large file, more than one core, and at least one core idle: on a machine whose cores are all
 * busy, workers only compete with each other and with the main thread, and made a verify slower
 * when measured (docs/performance.md). An explicit count of threads is used as given.
 */
export function workerCount(option: ThreadsOption, fileBytes: number, machine: Machine): number {
  if (option !== "auto") return option > 1 ? option - 1 : 0;
  const { cores, load } = machine;
  return cores > 1 && fileBytes >= AUTO_MIN_BYTES && cores - load >= 1 ? Math.min(cores, AUTO_MAX_THREADS) - 1 : 0;
}

/**
 * Opens `file` and reads it into `sink`, on worker threads when `threads` says so and the file is
 * a regular JSON Lines file (the one-document form, stdin and FIFOs are always read in one thread).
 */
export async function readBundleFileForVerify(file: string, sink: ExaminedRecordSink, threads: ThreadsOption, options: Partial<ParallelOptions> = {}): Promise<void> {
  const source = openBundle(file);
  try {
    await readBundleForVerify(source, sink, threads, options);
  } finally {
    source.close();
  }
}

/** An open bundle into `sink`, as `source.read` does, on worker threads when worth it. */
async function readBundleForVerify(source: BundleSource, sink: ExaminedRecordSink, threads: ThreadsOption, options: Partial<ParallelOptions> = {}): Promise<void> {
  const workers = source.header === undefined || source.size === undefined ? 0 : workerCount(threads, source.size, thisMachine());
  const range = workers > 0 ? source.recordRange() : undefined;
  // DESIGN §12: an excerpt (a few records) and a checkpoint (none) are read in one thread.
  const kind = source.header?.kind;
  if (range === undefined || source.header === undefined || kind === "excerpt" || kind === "checkpoint") {
    source.read(sink);
    return;
  }
  await readJsonlBundleParallel(source.name, source.header, range, sink, { ...options, workers });
}

export interface ParallelOptions {
  /** Worker threads beside the main thread (at least 1). */
  workers: number;
  /** The worker's entry point; tests give a stand-in that fails. */
  workerUrl: URL;
  /** Bytes per read; a batch is the whole lines of one read. */
  chunkBytes: number;
  /** Filled in, when given, with how many batches the workers and the main thread examined. */
  counts: { workers: number; main: number };
}

/** Where the worker entry lives: beside this module (see verify-worker.ts). */
const WORKER_URL = new URL("./verify-worker.js", import.meta.url);
const CHUNK_BYTES = 1 << 20;
/** Batches sent and not yet answered, per worker: one being worked on, one waiting. */
const IN_FLIGHT_PER_WORKER = 2;
/**
 * Batches the main thread may plan or examine beyond what the workers have in flight, while the
 * oldest of those is unanswered (a worker slow on a batch of large records).
 */
const MAIN_AHEAD = 6;
/** Problem numbers (PROBLEM_FIELDS a problem) planned ahead of an unanswered batch, at most: 4 MB. */
const MAX_PENDING_PROBLEM_FIELDS = 1 << 20;

/** One chunk's lines, in file order: what the workers examine and what the main thread found. */
interface Batch {
  id: number;
  /** [start, end, line, seq] of each record line (LINE_FIELDS each). */
  lines: Int32Array;
  /**
   * Problems the main thread found, PROBLEM_FIELDS each: [before, line, kind, seq], each before
   * the record line of ordinal `before`. Numbers, not findings: a megabyte of blank lines is a
   * million problems, and the findings are made only as they are folded (the verifier keeps the
   * first few of each code and counts the rest).
   */
  problems: Int32Array;
  reply?: BatchReply;
}

const PROBLEM_FIELDS = 4;
const INVALID_UTF8 = 0;
const BLANK = 1;
const TOO_LONG = 2;

function problemFinding(line: number, kind: number, seq: number): Finding {
  if (kind === INVALID_UTF8) return unreadableLine(line, "invalid-utf8");
  if (kind === BLANK) return blankLineProblem(line);
  return unreadRecordProblem(`line ${line} ${lineErrorMessage("too-long")}`, line, seq);
}

/**
 * The JSON Lines bundle `file`, whose first line is `header` and whose records are the bytes of
 * `range`, into `sink` on worker threads.
 */
async function readJsonlBundleParallel(file: string, header: JsonObject, range: RecordRange, sink: ExaminedRecordSink, options: Partial<ParallelOptions> & { workers: number }): Promise<void> {
  sink.header(header, "jsonl");
  const init: WorkerInit = { needs: sink.recordNeeds() };
  const pool = new WorkerPool(options.workerUrl ?? WORKER_URL, Math.max(1, options.workers), init);
  try {
    // Line 1, the header, was read when the bundle was opened.
    const planner = new LinePlanner(1);
    const waiting: Batch[] = [];
    const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    // As many batches as the workers can have in flight, and a few the main thread examined.
    const maxWaiting = IN_FLIGHT_PER_WORKER * options.workers + MAIN_AHEAD;
    const buffers = new ChunkBuffers(chunkBytes, maxWaiting + 1);
    // Problems planned and not yet folded (four numbers each).
    let pending = 0;
    const fold = (): void => {
      while (waiting.length > 0 && (waiting[0]!.reply !== undefined || waiting[0]!.lines.length === 0)) {
        const batch = waiting.shift()!;
        pending -= batch.problems.length;
        foldBatch(sink, batch);
        if (batch.reply) buffers.give(batch.reply.bytes);
      }
    };
    for (const chunk of chunksAtLf(range, file, chunkBytes, buffers)) {
      const batch = chunk === LONG_LINE ? planner.skipLongLine() : planner.plan(chunk);
      waiting.push(batch);
      pending += batch.problems.length;
      fold();
      // Every batch counts, those without record lines too, and so do their problems (a file of
      // blank lines behind one record a worker has not answered yet would otherwise be planned
      // whole, in memory: a megabyte of them is a million problems).
      while (waiting.length > maxWaiting || (pending > MAX_PENDING_PROBLEM_FIELDS && waiting.length > 1)) {
        await pool.next();
        fold();
      }
      if (chunk !== LONG_LINE && batch.lines.length > 0) {
        const req: BatchRequest = { id: batch.id, bytes: chunk, lines: batch.lines };
        while (!pool.canTake() && !pool.online()) {
          await pool.next();
          fold();
        }
        if (pool.canTake()) {
          pool.send(batch, req);
          if (options.counts) options.counts.workers++;
        } else {
          if (options.counts) options.counts.main++;
          // Every worker has its fill: the main thread takes this batch, then lets the workers'
          // answers in (they are messages, delivered only when this function waits).
          batch.reply = examineBatch(nodeCrypto, req, init.needs);
          await pool.yieldToReplies();
        }
      }
      fold();
    }
    while (waiting.length > 0) {
      fold();
      if (waiting.length > 0) await pool.next();
    }
  } finally {
    await pool.close();
  }
  sink.end();
}

function foldBatch(sink: ExaminedRecordSink, batch: Batch): void {
  const count = batch.lines.length / LINE_FIELDS;
  let outcomes: LineOutcome[] = [];
  try {
    if (batch.reply) outcomes = unpackReply(batch.reply, count);
  } catch (e) {
    throw workerFailure(e);
  }
  const problems = batch.problems;
  let p = 0;
  for (let i = 0; i <= count; i++) {
    for (; p < problems.length && problems[p] === i; p += PROBLEM_FIELDS) sink.problem(problemFinding(problems[p + 1]!, problems[p + 2]!, problems[p + 3]!));
    if (i === count) break;
    const o = outcomes[i]!;
    if ("problem" in o) sink.problem(o.problem);
    else sink.recordResult(o.examination, batch.lines[i * LINE_FIELDS + 3]!, batch.lines[i * LINE_FIELDS + 2]!);
  }
}

/**
 * Numbers lines and records across chunks as readLines and JsonlBundleParser do: line 1 is the
 * header; a line that is not valid UTF-8 or is blank is a problem and takes no seq; every other
 * line is the next record (whether it parses is the worker's to say).
 */
class LinePlanner {
  private seq = 0;
  private batches = 0;

  /** `line`: the lines before the first chunk's. */
  constructor(private line: number) {}

  plan(chunk: Uint8Array): Batch {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // LF never occurs inside a multi-byte sequence, so a chunk of valid UTF-8 has only valid lines.
    const allValid = isUtf8(buf);
    const lines = new Int32Builder();
    const problems = new Int32Builder();
    let start = 0;
    while (start < buf.length) {
      let end = buf.indexOf(0x0a, start);
      if (end < 0) end = buf.length;
      const line = ++this.line;
      const before = lines.count;
      if (!allValid && !isUtf8(buf.subarray(start, end))) {
        problems.push(before, line, INVALID_UTF8, 0);
      } else if (mayBeBlank(buf, start, end) && isBlankLine(buf.toString("utf8", start, end))) {
        problems.push(before, line, BLANK, 0);
      } else {
        lines.push(start, end, line, this.seq++);
      }
      start = end + 1;
    }
    return { id: this.batches++, lines: lines.done(), problems: problems.done() };
  }

  /** A line over MAX_LINE_BYTES that chunksAtLf skipped unread: a problem, as readLines makes it. */
  skipLongLine(): Batch {
    const line = ++this.line;
    return { id: this.batches++, lines: new Int32Array(0), problems: Int32Array.of(0, line, TOO_LONG, this.seq++) };
  }
}

/**
 * Four numbers an entry (a record line's LINE_FIELDS, a problem's PROBLEM_FIELDS), in an array that
 * doubles as it fills: a megabyte of one-byte lines is a million entries, without a boxed number each.
 */
class Int32Builder {
  private buf = new Int32Array(64);
  private length = 0;

  /** Entries so far. */
  get count(): number {
    return this.length / 4;
  }

  push(a: number, b: number, c: number, d: number): void {
    if (this.length + 4 > this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = a;
    this.buf[this.length++] = b;
    this.buf[this.length++] = c;
    this.buf[this.length++] = d;
  }

  done(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}

/** What chunksAtLf yields in place of a line over MAX_LINE_BYTES, whose bytes it skipped. */
const LONG_LINE = Symbol("a line over the limit");

/** Only a line that is empty or starts with a space, tab or CR can be blank. */
function mayBeBlank(buf: Uint8Array, start: number, end: number): boolean {
  if (start === end) return true;
  const b = buf[start];
  return b === 0x20 || b === 0x09 || b === 0x0d;
}

/**
 * The bytes of `range` in pieces of whole lines (each piece ends with an LF, except a last line
 * without one), each in an ArrayBuffer of its own that can be handed to a worker. A line longer
 * than `chunkBytes` gets a piece as large as it needs. Reads by position, from range.start to the
 * end of the file (a file that grew is read as the single-thread reader would read it).
 */
function* chunksAtLf(range: RecordRange, file: string, chunkBytes: number, buffers: ChunkBuffers): Generator<Uint8Array | typeof LONG_LINE> {
  const { fd } = range;
  let position = range.start;
  let carry = new Uint8Array(0);
  for (;;) {
    // At most MAX_LINE_BYTES + 1: `carry` starts at a line start, so a full buffer with no LF holds
    // a line over the limit, exactly where the single-thread reader (splitLines) says too-long.
    youngGeneration.watch();
    const buf = buffers.take(Math.min(Math.max(chunkBytes, carry.length * 2), MAX_LINE_BYTES + 1));
    buf.set(carry);
    let filled = carry.length;
    let eof = false;
    while (filled < buf.length) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, filled, buf.length - filled, position);
      } catch (e) {
        throw readError(e, file, "bundle");
      }
      if (n === 0) {
        eof = true;
        break;
      }
      filled += n;
      position += n;
    }
    if (eof) {
      if (filled > 0) yield buf.subarray(0, filled);
      return;
    }
    const lastLf = buf.lastIndexOf(0x0a, filled - 1);
    if (lastLf < 0) {
      if (filled <= MAX_LINE_BYTES) {
        carry = buf.subarray(0, filled);
        continue;
      }
      const at = { position };
      const rest = skipPastLf(fd, file, buf, at);
      position = at.position;
      yield LONG_LINE;
      if (rest === undefined) return;
      carry = rest;
      continue;
    }
    // Copied out before the piece is handed over (a transfer detaches its buffer).
    carry = buf.slice(lastLf + 1, filled);
    yield buf.subarray(0, lastLf + 1);
  }
}

/**
 * The chunk buffers the workers hand back (BatchReply.bytes), read into again. A chunk's bytes are
 * used only up to the length it was filled to, so a reused buffer's old bytes are never read.
 * Only buffers of the usual size are kept (a long line's larger one is left to the GC), and at
 * most `max` of them: as many as can wait to be folded, and one being filled. A buffer is given
 * back once, when its batch is folded: one given twice would be read into by two chunks at once.
 */
class ChunkBuffers {
  private readonly spare: ArrayBuffer[] = [];

  constructor(
    private readonly size: number,
    private readonly max: number,
  ) {}

  take(size: number): Uint8Array<ArrayBuffer> {
    if (size === this.size) {
      const b = this.spare.pop();
      if (b !== undefined) return new Uint8Array(b);
    }
    return new Uint8Array(size);
  }

  give(bytes: Uint8Array): void {
    const b = bytes.buffer;
    if (b instanceof ArrayBuffer && b.byteLength === this.size && this.spare.length < this.max && !this.spare.includes(b)) this.spare.push(b);
  }
}

/** Reads on (into `buf`, from `from.position`, which it advances) past the next LF; returns a copy of the bytes after it, or undefined at the end. */
function skipPastLf(fd: number, file: string, buf: Uint8Array<ArrayBuffer>, from: { position: number }): Uint8Array<ArrayBuffer> | undefined {
  for (;;) {
    let n: number;
    try {
      // By position, as chunksAtLf reads (the descriptor's own offset is not used).
      n = fs.readSync(fd, buf, 0, buf.length, from.position);
    } catch (e) {
      throw readError(e, file, "bundle");
    }
    if (n === 0) return undefined;
    from.position += n;
    const lf = buf.subarray(0, n).indexOf(0x0a);
    if (lf >= 0) return buf.slice(lf + 1, n);
  }
}

/** The one error a run on worker threads fails with, whatever went wrong with a worker. */
function workerFailure(e: unknown): Error {
  const why = e instanceof Error ? e.message : String(e);
  return new Error(`a verify worker thread failed: ${why}; nothing was verified (--threads 1 verifies without worker threads)`);
}

interface Slot {
  worker: Worker;
  inFlight: Batch[];
  /** The worker is running (its isolate made). */
  online: boolean;
}

/**
 * Up to `max` workers that answer batches, started as batches need them (a small file never
 * starts more workers than it has batches); any failure of any of them fails every wait.
 */
class WorkerPool {
  private readonly workers: Slot[] = [];
  private failure: Error | undefined;
  private closing = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly url: URL,
    private readonly max: number,
    private readonly init: WorkerInit,
  ) {}

  canTake(): boolean {
    this.check();
    return this.workers.length < this.max || this.workers.some((w) => w.inFlight.length < IN_FLIGHT_PER_WORKER);
  }

  send(batch: Batch, req: BatchRequest): void {
    this.check();
    let best: Slot | undefined;
    for (const w of this.workers) if (best === undefined || w.inFlight.length < best.inFlight.length) best = w;
    if (best === undefined || (best.inFlight.length > 0 && this.workers.length < this.max)) best = this.start();
    best.inFlight.push(batch);
    best.worker.postMessage(req, [req.bytes.buffer as ArrayBuffer]);
  }

  private start(): Slot {
    // A smaller young generation than V8's default: a worker's garbage is short-lived records, and
    // it keeps two workers' peak RSS within issue 6's 256 MB (1M events, measured: 252 MB without
    // it, 173 MB with it, for about 10% more time). The old generation is left unlimited: a large
    // event must never make a worker fail where one thread would not.
    const worker = new Worker(this.url, { workerData: this.init, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    const slot: Slot = { worker, inFlight: [], online: false };
    worker.once("online", () => {
      // V8 put the young generation's growth factor back as it made the worker's isolate; until
      // then the main thread examines nothing itself (its young generation could grow).
      youngGeneration.restore();
      slot.online = true;
      this.notify();
    });
    worker.on("message", (reply: BatchReply) => {
      const batch = slot.inFlight.shift();
      if (batch === undefined || reply?.id !== batch.id) this.fail(new Error("it answered a batch it was not given"));
      else batch.reply = reply;
      this.notify();
    });
    worker.on("error", (e) => this.fail(e));
    worker.on("messageerror", (e) => this.fail(e));
    worker.on("exit", (code) => {
      if (!this.closing) this.fail(new Error(`it stopped (exit code ${code})`));
    });
    this.workers.push(slot);
    return slot;
  }

  /** Whether every worker started is running. */
  online(): boolean {
    return this.workers.every((w) => w.online);
  }

  /** Lets the replies that have come in be received (a turn of the event loop). */
  async yieldToReplies(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }

  /** Waits for the next reply, a worker to come online, or a failure. */
  async next(): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.check();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private fail(e: unknown): void {
    if (this.closing) return;
    this.failure ??= workerFailure(e);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
