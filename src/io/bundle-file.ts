/**
 * Feeding a bundle file to a sink (the verifier, inspect, redact). The JSON Lines form streams
 * line by line; the one-document form is read whole, with a limit that points to JSON Lines.
 * Reading one more than once (RereadableBundle), for redact's two passes. And writing a bundle
 * record by record (BundleFileWriter), for export and redact.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { JsonlBundleParser, jsonlHeaderOf, readBundleBytes, type BundleSink } from "../core/bundle/read.js";
import type { BundleFormat } from "../core/bundle/serialize.js";
import type { BundleHeader, EventRecord } from "../core/bundle/types.js";
import { canonicalize } from "../core/json/canonical.js";
import type { JsonObject } from "../core/json/value.js";
import { IoError, sysCodeOf } from "./errors.js";
import { assertWritable, cannotWrite, readInputBytes, readError, writeFileAtomic, type WriteOptions } from "./files.js";
import { lineErrorMessage, peekFirstLine, readLines } from "./lines.js";

/** V8 cannot hold a string much over 512 MB; well before that, the document form is refused. */
export const MAX_DOCUMENT_BYTES = 400 * 1024 * 1024;

/** The JSON Lines header line (statement, signatures, redaction block) is never this large. */
export const MAX_HEADER_LINE = 16 * 1024 * 1024;

export function readBundleFile(file: string, sink: BundleSink): "json" | "jsonl" {
  if (file === "-") return readBundleBytes(readInputBytes(file, "bundle"), sink);
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    size = st.size;
  } catch (e) {
    throw readError(e, file, "bundle");
  }
  const first = peekFirstLine(file, MAX_HEADER_LINE);
  const header = first && "text" in first ? jsonlHeaderOf(first.text) : undefined;
  if (header !== undefined) {
    const parser = new JsonlBundleParser(sink);
    parser.pushHeader(header);
    for (const l of readLines(file, "bundle")) {
      if (l.line === 1) continue;
      if ("error" in l) sink.problem({ code: "bundle.parse", effect: "invalid", message: `line ${l.line} ${lineErrorMessage(l.error)}`, line: l.line });
      else parser.pushLine(l.text, l.line);
    }
    parser.end();
    return "jsonl";
  }
  if (size > MAX_DOCUMENT_BYTES) {
    throw new IoError(
      "badData",
      file,
      `${file}: ${Math.round(size / 1048576)} MB is too large for the one-document form; export it with --format jsonl, which streams`,
    );
  }
  return readBundleBytes(readInputBytes(file, "bundle"), sink);
}

/**
 * A bundle read more than once: redact checks it whole through the verifier, then reads it again
 * to redact it (issue 6), so that neither pass holds the records. What is redacted must be what
 * was checked: `unchanged()` compares the file's identity (device, inode, size, modification and
 * change times; the change time cannot be set back) with the one taken before the first pass.
 * File times tick coarsely (milliseconds), so a writer still at work in the tick of that first
 * look could go unseen; records changed that way still cannot make a share that verifies with
 * events the issuer did not sign (their digests would not chain to the signed head).
 * Stdin can be read only once: it is read whole (as every command reads stdin) and copied to a
 * 0600 temp file, which `close()` removes.
 */
export class RereadableBundle {
  private constructor(
    /** The file to read: the bundle, or the copy of stdin. */
    readonly path: string,
    private readonly identity: string,
    private readonly copied: boolean,
  ) {}

  static open(file: string): RereadableBundle {
    if (file !== "-") return new RereadableBundle(file, identityOf(file, file), false);
    const bytes = readInputBytes(file, "bundle");
    const copy = path.join(os.tmpdir(), `.imladri-stdin-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      fs.writeFileSync(copy, bytes, { mode: 0o600, flag: "wx" });
    } catch (e) {
      fs.rmSync(copy, { force: true });
      throw new IoError("writeFailed", "-", `cannot keep a copy of the bundle read from stdin in ${os.tmpdir()} (${sysCodeOf(e)})`, (e as NodeJS.ErrnoException)?.code);
    }
    return new RereadableBundle(copy, identityOf(copy, file), true);
  }

  /** True when the file is still the one opened (nothing replaced, appended or rewritten). */
  unchanged(): boolean {
    try {
      return identityOf(this.path, this.path) === this.identity;
    } catch {
      return false;
    }
  }

  /** Removes the copy of stdin, if any. */
  close(): void {
    if (this.copied) fs.rmSync(this.path, { force: true });
  }
}

function identityOf(file: string, name: string): string {
  try {
    const st = fs.statSync(file, { bigint: true });
    return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(":");
  } catch (e) {
    throw readError(e, name, "bundle");
  }
}

/** Spooled text is written in pieces of about this many characters. */
const SPOOL_FLUSH_CHARS = 1 << 20;

/**
 * Writes a bundle whose header is known only after its last record (export signs the chain head,
 * redact's block counts and signs the records),
 * with memory that does not grow with the number of records (issue 6): each record goes as JCS
 * to a spool file beside the output as soon as it is made; `finish(header)` then writes the
 * output atomically (DESIGN §11) from the spool, in the layout of serializeBundle (DESIGN §6): the
 * header line first for JSON Lines; `{"events":[...],` and the header's other members for the one
 * document (JCS puts "events" first). `discard()`, or any failure in `finish`, leaves nothing.
 */
export class BundleFileWriter {
  private fd: number | undefined;
  private readonly spool: string;
  private count = 0;
  private pending = "";

  constructor(
    private readonly out: string,
    private readonly format: BundleFormat,
    private readonly options: WriteOptions,
  ) {
    assertWritable(out, options);
    // Beside the output, as writeFileAtomic's temp file is: same disk, same permissions.
    this.spool = path.join(path.dirname(path.resolve(out)), `.imladri-tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      this.fd = fs.openSync(this.spool, "wx", 0o600);
    } catch (e) {
      throw cannotWrite(out, options, e);
    }
  }

  /** Records so far. */
  get length(): number {
    return this.count;
  }

  /** Spools one record; returns its JCS text (what was written, for a digest over the records). */
  add(record: EventRecord): string {
    const text = canonicalize(record as unknown as JsonObject);
    this.pending += this.format === "jsonl" ? text + "\n" : this.count > 0 ? "," + text : text;
    this.count++;
    if (this.pending.length >= SPOOL_FLUSH_CHARS) this.flush();
    return text;
  }

  /** Writes the output: header and records, atomically; the spool is removed either way. */
  finish(header: BundleHeader): void {
    try {
      this.flush();
      fs.closeSync(this.fd!);
      this.fd = undefined;
      const headerJcs = canonicalize(header as unknown as JsonObject);
      const chunks = this.format === "jsonl" ? [headerJcs + "\n", this.spooled()] : ['{"events":[', this.spooled(), "]," + headerJcs.slice(1) + "\n"];
      writeFileAtomic(this.out, flatten(chunks), this.options);
    } finally {
      this.discard();
    }
  }

  /** Removes the spool; nothing is written. */
  discard(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
    fs.rmSync(this.spool, { force: true });
  }

  private flush(): void {
    if (this.pending === "") return;
    try {
      fs.writeSync(this.fd!, this.pending);
    } catch (e) {
      this.discard();
      throw cannotWrite(this.out, this.options, e);
    }
    this.pending = "";
  }

  private *spooled(): Generator<Uint8Array> {
    const fd = fs.openSync(this.spool, "r");
    const buf = Buffer.allocUnsafe(1 << 20);
    try {
      // Each piece is written before the next is read, so one buffer serves.
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) yield buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function* flatten(parts: (string | Iterable<Uint8Array>)[]): Generator<string | Uint8Array> {
  for (const p of parts) {
    if (typeof p === "string") yield p;
    else yield* p;
  }
}
