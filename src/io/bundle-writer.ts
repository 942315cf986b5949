/**
 * Writing a bundle record by record (BundleFileWriter), for export and redact.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BundleFormat } from "../core/bundle/serialize.js";
import type { BundleHeader, EventRecord } from "../core/bundle/types.js";
import { canonicalize } from "../core/json/canonical.js";
import type { JsonObject } from "../core/json/value.js";
import { assertWritable, cannotWrite, removeStaleTemps, tempPathIn, writeAll, writeFileAtomic, type WriteOptions } from "./files.js";
import { isStdout, writeToStdout } from "./stdout.js";

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
 *
 * An output of `-` is standard output (issue 11, `--out -`): the spool is then in the current
 * folder (mode 0600; never a shared temp folder), and `finish` writes the bundle to stdout.
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
    if (!isStdout(out)) assertWritable(out, options);
    // Beside the output, as writeFileAtomic's temp file is: same disk, same permissions; named for
    // this process so a later run removes it if this one is killed (issue 12). For stdout, in the
    // current folder: never a shared temp folder.
    const dir = isStdout(out) ? process.cwd() : path.dirname(path.resolve(out));
    removeStaleTemps(dir);
    this.spool = tempPathIn(dir);
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
      if (isStdout(this.out)) writeToStdout(flatten(chunks));
      else writeFileAtomic(this.out, flatten(chunks), this.options);
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
      writeAll(this.fd!, this.pending);
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
