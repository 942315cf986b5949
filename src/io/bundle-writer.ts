/**
 * Writing a bundle record by record (BundleFileWriter), for export and redact.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BundleFormat } from "../core/bundle/serialize.js";
import type { BundleHeader, EventRecord } from "../core/bundle/types.js";
import { canonicalize, JcsByteWriter } from "../core/json/canonical.js";
import type { JsonObject } from "../core/json/value.js";
import { assertWritable, cannotWrite, commitTemp, createdMode, dropTemp, removeStaleTemps, tempPathIn, writeAll, type WriteOptions } from "./files.js";
import { isStdout, writeOutput } from "./stdout.js";

/**
 * Records are written as JCS bytes into one reusable buffer and spooled in pieces of about this
 * many bytes (issue 14: a 1M-character spool string survived every scavenge; GC was a fifth of
 * export's CPU).
 */
const SPOOL_FLUSH_BYTES = 64 * 1024;

/**
 * Writes a bundle whose header is known only after its last record (export signs the chain head,
 * redact's block counts and signs the records),
 * with memory that does not grow with the number of records (issue 6): each record goes as JCS
 * to a spool file beside the output as soon as it is made; `finish(header)` then completes the
 * output atomically (DESIGN §11), in the layout of serializeBundle (DESIGN §6). `discard()`, or
 * any failure in `finish`, leaves nothing.
 *
 * - The one document: JCS puts "events" first, so the spool is the output's temp file itself:
 *   `{"events":[` is written when it is opened, the records as they come, and `],` with the
 *   header's other members at the end; then it is put in place (issue 14: written once).
 * - JSON Lines: the header line comes first and is known last, so the output is written from the
 *   spool after it: a second write of the records' bytes (a copy in the kernel's page cache,
 *   under 1% of an export's CPU: docs/performance.md).
 * - An output of `-` is standard output (issue 11, `--out -`): the spool is then in the current
 *   folder (mode 0600; never a shared temp folder), and `finish` writes the bundle to stdout.
 */
export class BundleFileWriter {
  private fd: number | undefined;
  private readonly spool: string;
  private count = 0;
  /** The mode the output gets: an output's, as the umask makes it. */
  private outputMode = 0o600;
  /** Records not yet spooled, as bytes. */
  private readonly pending = new JcsByteWriter(2 * SPOOL_FLUSH_BYTES);

  constructor(
    private readonly out: string,
    private readonly format: BundleFormat,
    private readonly options: WriteOptions,
  ) {
    if (!isStdout(out)) assertWritable(out, options);
    // Beside the output, as writeFileAtomic's temp file is: same disk, same permissions; named for
    // this process so a later run removes it if this one is killed (issue 12). For stdout, in the
    // current folder: never a shared temp folder.
    let dir: string;
    try {
      // The current folder can be gone (removed under a running shell): then there is none to write in.
      dir = isStdout(out) ? process.cwd() : path.dirname(path.resolve(out));
    } catch (e) {
      throw cannotWrite(isStdout(out) ? "the current folder (the spool of --out -)" : out, options, e);
    }
    removeStaleTemps(dir);
    this.spool = tempPathIn(dir);
    try {
      // Private from its creation: the records of a refused export (a secret found late) or of a
      // share not yet settled are never readable by others, not even through a handle opened early.
      this.fd = fs.openSync(this.spool, "wx", 0o600);
    } catch (e) {
      // For stdout the folder is the current one, which the user did not name.
      throw cannotWrite(isStdout(out) ? `${dir} (the spool of --out -)` : out, options, e);
    }
    if (this.inPlace) {
      try {
        // The spool becomes the output, which gets an output's mode as writeFileAtomic makes it.
        this.outputMode = createdMode(dir, options.mode ?? 0o644);
      } catch (e) {
        this.discard();
        throw cannotWrite(out, options, e);
      }
      this.pending.ascii('{"events":[');
    }
  }

  /** Whether the spool becomes the output (the one document written to a file). */
  private get inPlace(): boolean {
    return this.format === "json" && !isStdout(this.out);
  }

  /** Records so far. */
  get length(): number {
    return this.count;
  }

  /**
   * Spools one record; returns its JCS bytes (what was written, for a digest over the records),
   * valid until the next call.
   */
  add(record: EventRecord): Uint8Array {
    return this.spoolRecord((buf) => buf.value(record as unknown as JsonObject));
  }

  /** Spools one record given as its JCS bytes (export's, written by its digest walk). */
  addJcs(jcs: Uint8Array): void {
    this.spoolRecord((buf) => buf.raw(jcs, 0, jcs.length));
  }

  private spoolRecord(write: (buf: JcsByteWriter) => void): Uint8Array {
    const buf = this.pending;
    if (this.format === "json" && this.count > 0) buf.ascii(",");
    const start = buf.length;
    write(buf);
    const end = buf.length;
    if (this.format === "jsonl") buf.ascii("\n");
    this.count++;
    // The view stays good after a flush: the bytes are only overwritten by the next record.
    const jcs = buf.bytes.subarray(start, end);
    if (buf.length >= SPOOL_FLUSH_BYTES) this.flush();
    return jcs;
  }

  /** Writes the output: header and records, atomically; the spool is removed either way. */
  finish(header: BundleHeader): void {
    try {
      const headerJcs = canonicalize(header as unknown as JsonObject);
      if (this.inPlace) {
        this.flush();
        // The header's other members (UTF-8: names and policies may be any text).
        this.writeSpool(Buffer.from("]," + headerJcs.slice(1) + "\n", "utf8"));
        try {
          // The spool was private while written; the output gets an output's mode.
          fs.fchmodSync(this.fd!, this.outputMode);
        } catch (e) {
          throw cannotWrite(this.out, this.options, e);
        }
        assertWritable(this.out, this.options);
        const fd = this.fd!;
        this.fd = undefined;
        commitTemp(fd, this.spool, this.out, this.options);
        return;
      }
      this.flush();
      const fd = this.fd!;
      this.fd = undefined;
      try {
        // A close can report a write that failed late (EIO, a network file system's ENOSPC).
        fs.closeSync(fd);
      } catch (e) {
        throw cannotWrite(this.out, this.options, e);
      }
      const chunks = this.format === "jsonl" ? [headerJcs + "\n", this.spooled()] : ['{"events":[', this.spooled(), "]," + headerJcs.slice(1) + "\n"];
      writeOutput(this.out, flatten(chunks), this.options);
    } finally {
      this.discard();
    }
  }

  /** Removes the spool; nothing is written. */
  discard(): void {
    const fd = this.fd;
    this.fd = undefined;
    dropTemp(fd, this.spool);
  }

  private flush(): void {
    const buf = this.pending;
    if (buf.length === 0) return;
    this.writeSpool(buf.bytes.subarray(0, buf.length));
    buf.reset();
  }

  /** Every write to the spool goes through here; it writes all the bytes or throws. */
  private writeSpool(bytes: Uint8Array): void {
    try {
      writeAll(this.fd!, bytes);
    } catch (e) {
      this.discard();
      throw cannotWrite(this.out, this.options, e);
    }
  }

  private *spooled(): Generator<Uint8Array> {
    let fd: number;
    try {
      fd = fs.openSync(this.spool, "r");
    } catch (e) {
      throw cannotWrite(this.out, this.options, e);
    }
    const buf = Buffer.allocUnsafe(1 << 20);
    try {
      // Each piece is written before the next is read, so one buffer serves.
      for (;;) {
        let n: number;
        try {
          n = fs.readSync(fd, buf, 0, buf.length, null);
        } catch (e) {
          throw cannotWrite(this.out, this.options, e);
        }
        if (n === 0) return;
        yield buf.subarray(0, n);
      }
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
