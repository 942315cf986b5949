/**
 * Reads a file (or stdin for "-") as lines of strictly decoded UTF-8, chunk by chunk, so memory
 * does not grow with the file. A line is yielded without its LF; the empty text after a final LF
 * is not yielded. A line longer than the limit (src/core/limits.ts) is yielded as an error, its
 * bytes skipped rather than held: memory stays within the limit whatever the file holds.
 */
import * as fs from "node:fs";
import { decodeUtf8Strict } from "../core/encoding/utf8.js";
import { MAX_LINE_BYTES } from "../core/limits.js";
import { readError } from "./files.js";
import { youngGeneration } from "./young-generation.js";

export type LineError = "invalid-utf8" | "bom" | "too-long";

export type Line = { line: number; text: string } | { line: number; error: LineError };

const CHUNK = 1 << 20;

/** How errors and reports name an input: "-" is standard input. */
export function inputName(file: string): string {
  return file === "-" ? "<stdin>" : file;
}

export function* readLines(file: string, what = "input", maxLineBytes = MAX_LINE_BYTES): Generator<Line> {
  let fd: number | undefined;
  try {
    fd = file === "-" ? 0 : fs.openSync(file, "r");
    if (file !== "-" && fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (e) {
    if (fd !== undefined && file !== "-") fs.closeSync(fd);
    throw readError(e, file, what);
  }
  try {
    yield* splitLines(readChunks(fd, file, what), 0, maxLineBytes);
  } finally {
    if (file !== "-") fs.closeSync(fd);
  }
}

/**
 * The bytes of `fd` from where it stands, a chunk at a time. The chunks share one buffer: each is
 * valid only until the next is asked for (copy what must outlive it).
 */
export function* readChunks(fd: number, file: string, what: string): Generator<Uint8Array> {
  const buf = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, CHUNK, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((e as NodeJS.ErrnoException).code === "EOF") n = 0;
      else throw readError(e, file, what);
    }
    if (n === 0) return;
    // Once per megabyte read: every streaming command reads here (docs/performance.md).
    youngGeneration.watch();
    yield buf.subarray(0, n);
  }
}

/**
 * Cuts chunks into lines, numbered after `linesBefore` (a reader that took the first line itself
 * passes 1; only line 1 may be refused for a byte-order mark). A line longer than `maxLineBytes`
 * is yielded as a `too-long` error and its bytes are dropped as they come, never held.
 */
export function* splitLines(chunks: Iterable<Uint8Array>, linesBefore = 0, maxLineBytes = MAX_LINE_BYTES): Generator<Line> {
  // Pieces of a line that spans chunks, joined once when its LF arrives (never re-copied per chunk).
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** The current line passed the limit: its bytes are dropped until its LF. */
  let skipping = false;
  let lineNo = linesBefore;
  for (const data of chunks) {
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      ++lineNo;
      if (skipping || pendingBytes + (nl - start) > maxLineBytes) {
        yield { line: lineNo, error: "too-long" };
        skipping = false;
      } else {
        let bytes: Uint8Array = data.subarray(start, nl);
        if (pending.length > 0) bytes = Buffer.concat([...pending, bytes]);
        yield decodeLine(bytes, lineNo, lineNo === 1);
      }
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    if (start < data.length && !skipping) {
      pendingBytes += data.length - start;
      if (pendingBytes > maxLineBytes) {
        skipping = true;
        pending = [];
      } else pending.push(Buffer.from(data.subarray(start)));
    }
  }
  if (skipping) yield { line: ++lineNo, error: "too-long" };
  else if (pending.length > 0) yield decodeLine(Buffer.concat(pending), ++lineNo, lineNo === 1);
}

export function decodeLine(bytes: Uint8Array, line: number, first: boolean): Line {
  if (first && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { line, error: "bom" };
  const text = decodeUtf8Strict(bytes);
  return text === undefined ? { line, error: "invalid-utf8" } : { line, text };
}

export function lineErrorMessage(error: LineError, maxLineBytes = MAX_LINE_BYTES): string {
  if (error === "too-long") return `is longer than ${maxLineBytes / 1048576} MiB, the limit for one line (docs/spec.md "Limits"); it was skipped unread`;
  return error === "bom" ? "starts with a byte-order mark (not allowed in I-JSON)" : "is not valid UTF-8";
}
