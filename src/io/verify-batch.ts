/**
 * What `proof verify`'s main thread and its worker threads say to each other (issue 6,
 * docs/performance.md "Worker threads"). The main thread sends a chunk of a JSON Lines bundle and
 * the record lines in it (their place, line number and seq); a worker parses each line strictly
 * and examines the record exactly as the single-thread path does (`parseRecordLine`,
 * `examineRecord`), and answers with one outcome per line, packed so that a reply of a thousand
 * records is a handful of typed arrays instead of a thousand cloned objects: the main thread,
 * which folds every reply in seq order, has the least time to spare.
 *
 * Nothing here touches threads or files, so tests run both halves in one thread and compare the
 * unpacked outcomes with what the single-thread path computes.
 */
import { parseRecordLine } from "../core/bundle/read.js";
import type { RecordForm } from "../core/bundle/types.js";
import type { CryptoProvider } from "../core/crypto/provider.js";
import { concatBytes, decodeUtf8Strict } from "../core/encoding/utf8.js";
import type { EvidenceFacts } from "../core/verify/steps/evidence.js";
import { examineRecord, type EventSchemaOutcome, type RecordExamination, type RecordNeeds } from "../core/verify/steps/examine.js";
import type { Finding } from "../core/verify/finding.js";

/** The worker's `workerData`: fixed by the bundle's header. */
export interface WorkerInit {
  needs: RecordNeeds;
}

/** Each record line is [start, end (exclusive, before the LF), line number, seq] in `lines`. */
export const LINE_FIELDS = 4;

export interface BatchRequest {
  id: number;
  /** Valid UTF-8 (the main thread checked), holding every line `lines` points into. */
  bytes: Uint8Array;
  lines: Int32Array;
}

/** One line's outcome: a record that does not parse, or the examination of one that does. */
export type LineOutcome = { problem: Finding } | { examination: RecordExamination };

export interface BatchReply {
  id: number;
  /** Per line: FORM_MASK bits, then the flags below. */
  flags: Uint8Array;
  /** Per line, 32 bytes: the event digest when HAS_DIGEST, else zeros. */
  digests: Uint8Array;
  redactedCounts: Int32Array;
  /** What few lines have beyond the packed fields, by line position in the batch. */
  extras: [number, Extra][];
  /** With `needs.recordsDigest`: every record's JCS, one after another; jcsEnds[i] ends line i's. */
  jcs?: Uint8Array;
  jcsEnds?: Int32Array;
  /**
   * The request's bytes, handed back so the main thread reads the next chunk into them: a fresh
   * megabyte per chunk, freed on another thread, grew the main thread's malloc heap by ~40 MB
   * over a large verify (docs/performance.md "Worker threads").
   */
  bytes: Uint8Array;
}

interface Extra {
  problem?: Finding;
  findings?: Finding[];
  schema?: EventSchemaOutcome;
  evidence?: EvidenceFacts;
}

const FORMS: readonly (RecordForm | undefined)[] = [undefined, "disclosed", "partial", "elided"];
const FORM_MASK = 0b11;
const HAS_DIGEST = 1 << 2;
const PROBLEM = 1 << 3;
const HAS_SCHEMA = 1 << 4;
const HAS_EVIDENCE = 1 << 5;
const EVIDENCE_NONE = 1 << 6;
const HAS_JCS = 1 << 7;

/** The worker's half: parse and examine each line of `req`. */
export function examineBatch(crypto: CryptoProvider, req: BatchRequest, needs: RecordNeeds): BatchReply {
  // An excerpt's seq and proofs are not packed: excerpts are small and read in one thread.
  if (needs.kind === "excerpt" || needs.kind === "checkpoint") throw new Error(`internal: a ${needs.kind} reached a verify worker`);
  const n = req.lines.length / LINE_FIELDS;
  const flags = new Uint8Array(n);
  const digests = new Uint8Array(32 * n);
  const redactedCounts = new Int32Array(n);
  const extras: [number, Extra][] = [];
  const jcsParts: Uint8Array[] = [];
  const jcsEnds = needs.recordsDigest ? new Int32Array(n) : undefined;
  let jcsLength = 0;
  for (let i = 0; i < n; i++) {
    const o = i * LINE_FIELDS;
    const start = req.lines[o]!;
    const end = req.lines[o + 1]!;
    const line = req.lines[o + 2]!;
    const index = req.lines[o + 3]!;
    const text = decodeUtf8Strict(req.bytes.subarray(start, end));
    // The main thread sends only lines it found to be valid UTF-8.
    if (text === undefined) throw new Error(`internal: line ${line} reached a verify worker as invalid UTF-8`);
    const parsed = parseRecordLine(text, line, index);
    if (jcsEnds) jcsEnds[i] = jcsLength;
    if ("problem" in parsed) {
      flags[i] = PROBLEM;
      extras.push([i, { problem: parsed.problem }]);
      continue;
    }
    const x = examineRecord(crypto, parsed.record, index, line, needs);
    let f = FORMS.indexOf(x.form);
    const extra: Extra = {};
    if (x.digest !== undefined) {
      f |= HAS_DIGEST;
      digests.set(x.digest, 32 * i);
    }
    redactedCounts[i] = x.redactedCount;
    if (x.findings.length > 0) extra.findings = x.findings;
    if (x.schema !== undefined) {
      f |= HAS_SCHEMA;
      if (x.schema.issues.length > 0 || x.schema.unknownType !== undefined) extra.schema = x.schema;
    }
    if (x.evidence !== undefined) {
      f |= HAS_EVIDENCE;
      if (x.evidence === null) f |= EVIDENCE_NONE;
      else extra.evidence = x.evidence;
    }
    if (x.jcs !== undefined && jcsEnds) {
      f |= HAS_JCS;
      jcsParts.push(x.jcs);
      jcsLength += x.jcs.length;
      jcsEnds[i] = jcsLength;
    }
    flags[i] = f;
    if (extra.findings || extra.schema || extra.evidence) extras.push([i, extra]);
  }
  const reply: BatchReply = { id: req.id, flags, digests, redactedCounts, extras, bytes: req.bytes };
  if (jcsEnds) {
    reply.jcs = concatBytes(jcsParts);
    reply.jcsEnds = jcsEnds;
  }
  return reply;
}

/** The buffers a reply can hand over instead of copying. */
export function replyTransferList(reply: BatchReply): ArrayBuffer[] {
  const list = [reply.flags.buffer, reply.digests.buffer, reply.redactedCounts.buffer, reply.bytes.buffer];
  if (reply.jcs) list.push(reply.jcs.buffer);
  if (reply.jcsEnds) list.push(reply.jcsEnds.buffer);
  return list as ArrayBuffer[];
}

/**
 * The main thread's half: the outcomes of a reply to a request of `count` lines, in line order.
 * A reply of the wrong shape (a bug, never bad input) throws instead of being folded.
 */
export function unpackReply(reply: BatchReply, count: number): LineOutcome[] {
  const { flags, digests, redactedCounts, jcs, jcsEnds } = reply;
  if (!(reply.bytes instanceof Uint8Array)) throw new Error(`internal: a verify worker's reply to batch ${reply.id} did not hand its bytes back`);
  if (flags.length !== count || digests.length !== 32 * count || redactedCounts.length !== count || (jcsEnds !== undefined && jcsEnds.length !== count)) {
    throw new Error(`internal: a verify worker's reply to batch ${reply.id} does not hold ${count} lines`);
  }
  const extras = new Map(reply.extras);
  const out: LineOutcome[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const f = flags[i]!;
    const extra = extras.get(i);
    if (f & PROBLEM) {
      if (!extra?.problem) throw new Error(`internal: a verify worker's reply to batch ${reply.id} lacks line ${i}'s problem`);
      out[i] = { problem: extra.problem };
      continue;
    }
    const x: RecordExamination = { redactedCount: redactedCounts[i]!, findings: extra?.findings ?? [] };
    const form = FORMS[f & FORM_MASK];
    if (form !== undefined) x.form = form;
    if (f & HAS_DIGEST) x.digest = digests.subarray(32 * i, 32 * i + 32);
    if (f & HAS_SCHEMA) x.schema = extra?.schema ?? { issues: [] };
    if (f & HAS_EVIDENCE) {
      if (f & EVIDENCE_NONE) x.evidence = null;
      else if (extra?.evidence) x.evidence = extra.evidence;
      else throw new Error(`internal: a verify worker's reply to batch ${reply.id} lacks line ${i}'s evidence facts`);
    }
    if (f & HAS_JCS) {
      if (!jcs || !jcsEnds) throw new Error(`internal: a verify worker's reply to batch ${reply.id} lacks the records' JCS`);
      x.jcs = jcs.subarray(i === 0 ? 0 : jcsEnds[i - 1]!, jcsEnds[i]!);
    }
    out[i] = { examination: x };
  }
  return out;
}
