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

export type LineError = "invalid-utf8" | "bom" | "too-long";

export type Line = { line: number; text: string } | { line: number; error: LineError };

const CHUNK = 1 << 20;

export function* readLines(file: string, what = "input", maxLineBytes = MAX_LINE_BYTES): Generator<Line> {
  let fd: number;
  try {
    fd = file === "-" ? 0 : fs.openSync(file, "r");
    if (file !== "-" && fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (e) {
    throw readError(e, file, what);
  }
  const buf = Buffer.allocUnsafe(CHUNK);
  // Pieces of a line that spans chunks, joined once when its LF arrives (never re-copied per chunk).
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** The current line passed the limit: its bytes are dropped until its LF. */
  let skipping = false;
  let lineNo = 0;
  let first = true;
  try {
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, CHUNK, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
        if ((e as NodeJS.ErrnoException).code === "EOF") n = 0;
        else throw readError(e, file, what);
      }
      if (n === 0) break;
      const data = buf.subarray(0, n);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(0x0a, start);
        if (nl < 0) break;
        if (skipping || pendingBytes + (nl - start) > maxLineBytes) {
          yield { line: ++lineNo, error: "too-long" };
          skipping = false;
        } else {
          let bytes: Uint8Array = data.subarray(start, nl);
          if (pending.length > 0) bytes = Buffer.concat([...pending, bytes]);
          yield decodeLine(bytes, ++lineNo, first);
        }
        pending = [];
        pendingBytes = 0;
        first = false;
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
    else if (pending.length > 0) yield decodeLine(Buffer.concat(pending), ++lineNo, first);
  } finally {
    if (file !== "-") fs.closeSync(fd);
  }
}

/** The first line of a file if it ends within `limit` bytes, else undefined. */
export function peekFirstLine(file: string, limit: number, what = "bundle"): Line | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    // stat succeeds on a file that cannot be read (mode 000): this is where that shows.
    throw readError(e, file, what);
  }
  try {
    const pieces: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(64 * 1024);
    while (total < limit) {
      const n = fs.readSync(fd, buf, 0, buf.length, total);
      if (n === 0) return pieces.length === 0 ? undefined : decodeLine(Buffer.concat(pieces), 1, true);
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) {
        pieces.push(Buffer.from(buf.subarray(0, nl)));
        return decodeLine(Buffer.concat(pieces), 1, true);
      }
      pieces.push(Buffer.from(buf.subarray(0, n)));
      total += n;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function decodeLine(bytes: Uint8Array, line: number, first: boolean): Line {
  if (first && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { line, error: "bom" };
  const text = decodeUtf8Strict(bytes);
  return text === undefined ? { line, error: "invalid-utf8" } : { line, text };
}

export function lineErrorMessage(error: LineError, maxLineBytes = MAX_LINE_BYTES): string {
  if (error === "too-long") return `is longer than ${maxLineBytes / 1048576} MiB, the limit for one line (docs/format.md "Limits"); it was skipped unread`;
  return error === "bom" ? "starts with a byte-order mark (not allowed in I-JSON)" : "is not valid UTF-8";
}
