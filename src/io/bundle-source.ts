/**
 * The one way the CLI opens a bundle (issue 14): a file, a FIFO or stdin ("-"), in either form
 * (DESIGN §6). `openBundle` reads the first line and detects the form ONCE, through core's
 * `detectBundleForm` (the page's reader uses the same test); the source then goes on from there:
 *
 * - JSON Lines streams line by line through core's JsonlBundleParser (strict I-JSON, no blank
 *   lines), from the bytes after the header line, so memory does not grow with the bundle and
 *   stdin or a FIFO streams too;
 * - the one-document form is read whole (a document cannot be parsed in pieces), with a limit
 *   that points to JSON Lines.
 *
 * A consumer never re-reads or re-detects: it pushes the bundle into a BundleSink (`read`), pulls
 * its records (`records`), or, for worker threads, takes the byte range of a regular JSON Lines
 * file's records (`recordRange`). A source is read once, then closed.
 */
import * as fs from "node:fs";
import { detectBundleForm, JsonlBundleParser, readDocumentBytes, type BundleForm, type BundleSink } from "../core/bundle/read.js";
import { decodeUtf8Strict } from "../core/encoding/utf8.js";
import type { JsonObject, JsonValue } from "../core/json/value.js";
import type { Finding } from "../core/verify/finding.js";
import { MAX_DOCUMENT_BYTES, MAX_HEADER_LINE_BYTES } from "../core/limits.js";
import { IoError } from "./errors.js";
import { readError } from "./files.js";
import { lineErrorMessage, readChunks, splitLines, type Line, type LineError } from "./lines.js";

// The limits live in one place (src/core/limits.ts; docs/spec.md "Limits"). A first line without
// an LF within MAX_HEADER_LINE_BYTES is taken for the one-document form.

/** A regular JSON Lines file's records, for readers that take them by byte range (worker threads). */
export interface RecordRange {
  /** The open file; positional reads only (the source's own reads have moved its position). */
  fd: number;
  /** The byte just after the header line's LF; the records run from there to the end of the file. */
  start: number;
}

export interface BundleSource {
  /** The bundle as the user named it ("-" for stdin): what errors and reports name. */
  readonly name: string;
  readonly form: BundleForm;
  /** JSON Lines: the header line, read when the form was detected (the document's comes with `read`). */
  readonly header: JsonObject | undefined;
  /** The size of a regular file; undefined for stdin or a FIFO. */
  readonly size: number | undefined;
  /** Header, then every record in order, problems where they occur, then `end`. Call once. */
  read(sink: BundleSink): void;
  /**
   * The records alone, in order, pulled one at a time; they end at the first problem (the caller
   * checked the bundle before and compares what it gets with that check). Call once.
   */
  records(): Generator<JsonValue, void, undefined>;
  /** A regular JSON Lines file's records by byte range, instead of `read`; else undefined. */
  recordRange(): RecordRange | undefined;
  close(): void;
}

/**
 * Opens `file` ("-": stdin), reads its first line and detects its form. Throws IoError.
 * @example
 * const source = openBundle("proof.jsonl");
 * try {
 *   source.read(verifier);
 * } finally {
 *   source.close();
 * }
 */
export function openBundle(file: string): BundleSource {
  let fd: number;
  let size: number | undefined;
  try {
    fd = file === "-" ? 0 : fs.openSync(file, "r");
  } catch (e) {
    throw readError(e, file, "bundle");
  }
  try {
    if (file !== "-") {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      if (st.isFile()) size = st.size;
    }
  } catch (e) {
    fs.closeSync(fd);
    throw readError(e, file, "bundle");
  }
  try {
    return new Source(file, fd, size);
  } catch (e) {
    if (file !== "-") fs.closeSync(fd);
    throw e;
  }
}

/** Opens `file`, pushes it into `sink` and closes it: the whole of most readers. */
export function readBundleFile(file: string, sink: BundleSink): BundleForm {
  const source = openBundle(file);
  try {
    source.read(sink);
    return source.form;
  } finally {
    source.close();
  }
}

class Source implements BundleSource {
  readonly form: BundleForm;
  readonly header: JsonObject | undefined;
  private readonly chunks: Generator<Uint8Array>;
  /** Bytes read past the first line (JSON Lines), or every byte read so far (the document). */
  private readonly taken: Uint8Array[] = [];
  private readonly headerEnd: number;
  private used = false;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly fd: number,
    readonly size: number | undefined,
  ) {
    this.chunks = readChunks(fd, name, "bundle");
    // Reads until the first LF (or EOF, or MAX_HEADER_LINE_BYTES bytes without one).
    const head: Uint8Array[] = [];
    let total = 0;
    let lf = -1;
    while (lf < 0 && total < MAX_HEADER_LINE_BYTES) {
      const next = this.chunks.next();
      if (next.done) break;
      const chunk = Buffer.from(next.value); // the chunks share a buffer
      const at = chunk.indexOf(0x0a);
      if (at >= 0) lf = total + at;
      head.push(chunk);
      total += chunk.length;
    }
    const bytes = Buffer.concat(head);
    const firstLine = lf >= 0 ? bytes.subarray(0, lf) : total < MAX_HEADER_LINE_BYTES ? bytes : undefined;
    const detected = detectBundleForm(firstLine === undefined || startsWithBom(firstLine) ? undefined : decodeUtf8Strict(firstLine));
    this.form = detected.form;
    if (detected.form === "jsonl") {
      this.header = detected.header;
      this.headerEnd = lf >= 0 ? lf + 1 : total;
      this.taken.push(bytes.subarray(this.headerEnd));
    } else {
      this.header = undefined;
      this.headerEnd = 0;
      if (size !== undefined && size > MAX_DOCUMENT_BYTES) throw tooLarge(name, size);
      this.taken.push(bytes);
    }
  }

  read(sink: BundleSink): void {
    this.use();
    if (this.header === undefined) {
      readDocumentBytes(this.documentBytes(), sink);
      return;
    }
    const parser = new JsonlBundleParser(sink);
    parser.pushHeader(this.header);
    for (const l of this.lines()) {
      // An over-long line keeps its record's seq (issue 12), so later records are not shifted.
      if ("error" in l && l.error === "too-long") parser.pushUnread(`line ${l.line} ${lineErrorMessage(l.error)}`, l.line);
      else if ("error" in l) sink.problem(unreadableLine(l.line, l.error));
      else parser.pushLine(l.text, l.line);
    }
    parser.end();
  }

  *records(): Generator<JsonValue, void, undefined> {
    this.use();
    let broken = false;
    if (this.header === undefined) {
      const records: JsonValue[] = [];
      readDocumentBytes(this.documentBytes(), { header: () => {}, record: (r) => records.push(r), problem: () => (broken = true), end: () => {} });
      if (!broken) yield* records;
      return;
    }
    let got: { record: JsonValue } | undefined;
    const parser = new JsonlBundleParser({ header: () => {}, record: (record) => (got = { record }), problem: () => (broken = true), end: () => {} });
    for (const l of this.lines()) {
      if ("error" in l) return;
      parser.pushLine(l.text, l.line);
      if (broken || got === undefined) return;
      yield got.record;
      got = undefined;
    }
  }

  recordRange(): RecordRange | undefined {
    if (this.header === undefined || this.size === undefined) return undefined;
    this.use();
    return { fd: this.fd, start: this.headerEnd };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.chunks.return(undefined);
    if (this.name !== "-") fs.closeSync(this.fd);
  }

  private use(): void {
    if (this.used || this.closed) throw new Error(`internal: the bundle source ${this.name} is read once`);
    this.used = true;
  }

  /** The JSON Lines records' lines (line 1 was the header), from the bytes already taken on. */
  private lines(): Generator<Line> {
    const taken = this.taken.splice(0);
    const chunks = this.chunks;
    return splitLines(
      (function* () {
        yield* taken;
        yield* chunks;
      })(),
      1,
    );
  }

  /** The whole document: what was taken to detect the form, then the rest, within the limit. */
  private documentBytes(): Uint8Array {
    const parts = this.taken.splice(0);
    let total = parts.reduce((n, p) => n + p.length, 0);
    for (const chunk of this.chunks) {
      total += chunk.length;
      if (total > MAX_DOCUMENT_BYTES) throw tooLarge(this.name, this.size);
      parts.push(Buffer.from(chunk));
    }
    return Buffer.concat(parts);
  }
}

function startsWithBom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** `size`: a regular file's; undefined for a stream, which is refused once it passes the limit. */
function tooLarge(name: string, size: number | undefined): IoError {
  const what = size === undefined ? `more than ${MAX_DOCUMENT_BYTES / 1048576} MB` : `${Math.round(size / 1048576)} MB`;
  return new IoError("badData", name, `${name}: ${what} is too large for the one-document form; export it with --format jsonl, which streams`);
}

/** A record line that is not text (the parallel reader says the same, src/io/parallel-verify.ts). */
export function unreadableLine(line: number, error: LineError): Finding {
  return { code: "bundle.parse", effect: "invalid", message: `line ${line} ${lineErrorMessage(error)}`, line };
}
