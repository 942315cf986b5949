/**
 * Writing data (a bundle, a share, an excerpt, a checkpoint, the verifier page) to standard output, for `--out -`
 * (issue 11). The caller has checked everything first: nothing is written unless all of it can be.
 */
import { IoError, sysCodeOf } from "./errors.js";
import { writeAll, writeFileAtomic, type WriteOptions } from "./files.js";
import { sleepSync } from "./sleep.js";

/** The `--out` value that means standard output. */
const STDOUT_PATH = "-";

/** True when `out` names standard output. */
export function isStdout(out: string | undefined): boolean {
  return out === STDOUT_PATH;
}

/**
 * Writes every chunk to fd 1, in order and synchronously (so nothing printed later can come
 * between), through `writeAll`, waiting while a non-blocking pipe is full.
 */
function writeToStdout(chunks: Iterable<string | Uint8Array>): void {
  for (const chunk of chunks) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    const progress = { written: 0 };
    for (;;) {
      try {
        writeAll(1, bytes, progress);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException)?.code === "EAGAIN") {
          sleepSync(5);
          continue;
        }
        const gone = (e as NodeJS.ErrnoException)?.code === "EPIPE" ? ": the reader went away before the end; what it read is incomplete" : "";
        throw new IoError("writeFailed", STDOUT_PATH, `<stdout>: cannot write (${sysCodeOf(e)})${gone}`, (e as NodeJS.ErrnoException)?.code);
      }
    }
  }
}

/**
 * Writes a finished output (a page, an excerpt, a checkpoint) where `--out` says: standard output
 * for "-", else atomically to the file (DESIGN §11). One way for every command that writes whole.
 */
export function writeOutput(out: string, chunks: Iterable<string | Uint8Array>, options: WriteOptions): void {
  if (isStdout(out)) writeToStdout(chunks);
  else writeFileAtomic(out, chunks, options);
}
