/**
 * Reads a file (or stdin for "-") as lines of strictly decoded UTF-8, chunk by chunk, so memory
 * does not grow with the file. A line is yielded without its LF; the empty text after a final LF
 * is not yielded.
 */
import * as fs from "node:fs";
import { decodeUtf8Strict } from "../core/encoding/utf8.js";
import { readError } from "./files.js";

export type Line = { line: number; text: string } | { line: number; error: "invalid-utf8" | "bom" };

const CHUNK = 1 << 20;

export function* readLines(file: string, what = "input"): Generator<Line> {
  let fd: number;
  try {
    fd = file === "-" ? 0 : fs.openSync(file, "r");
    if (file !== "-" && fs.fstatSync(fd).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  } catch (e) {
    throw readError(e, file, what);
  }
  try {
    yield* splitLines(readChunks(fd, file, what));
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
    yield buf.subarray(0, n);
  }
}

/**
 * Cuts chunks into lines, numbered after `linesBefore` (a reader that took the first line itself
 * passes 1; only line 1 may be refused for a byte-order mark).
 */
export function* splitLines(chunks: Iterable<Uint8Array>, linesBefore = 0): Generator<Line> {
  // Pieces of a line that spans chunks, joined once when its LF arrives (never re-copied per chunk).
  let pending: Buffer[] = [];
  let lineNo = linesBefore;
  for (const data of chunks) {
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      let bytes: Uint8Array = data.subarray(start, nl);
      if (pending.length > 0) {
        bytes = Buffer.concat([...pending, bytes]);
        pending = [];
      }
      ++lineNo;
      yield decodeLine(bytes, lineNo, lineNo === 1);
      start = nl + 1;
    }
    if (start < data.length) pending.push(Buffer.from(data.subarray(start)));
  }
  if (pending.length > 0) yield decodeLine(Buffer.concat(pending), ++lineNo, lineNo === 1);
}

export function decodeLine(bytes: Uint8Array, line: number, first: boolean): Line {
  if (first && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { line, error: "bom" };
  const text = decodeUtf8Strict(bytes);
  return text === undefined ? { line, error: "invalid-utf8" } : { line, text };
}

export function lineErrorMessage(error: "invalid-utf8" | "bom"): string {
  return error === "bom" ? "starts with a byte-order mark (not allowed in I-JSON)" : "is not valid UTF-8";
}
