/**
 * The I/O layer's own errors. `io/` never knows the command line above it: it says what went
 * wrong with which file, and the CLI turns that into a message and an exit code in one place
 * (`cli/errors.ts`, `toCliError`).
 */

/** What went wrong, as the CLI needs to tell it apart (each maps to one DESIGN §8 exit code). */
export type IoErrorKind =
  /** An input that is not there (exit 66). */
  | "notFound"
  /** An input that is a folder, or cannot be opened for reading (exit 66). */
  | "unreadable"
  /** Reading failed part-way (exit 74). */
  | "readFailed"
  /** An output that exists and --force was not given (exit 73, DESIGN §11). */
  | "exists"
  /** An output whose folder is missing, or that cannot be created (exit 73). */
  | "cannotCreate"
  /** Writing, syncing or renaming an output failed; the previous file is intact (exit 73). */
  | "writeFailed"
  /** Appending to a log or another in-place update failed (exit 74). */
  | "updateFailed"
  /** The input's bytes are not what the reader accepts (exit 65). */
  | "badData";

export class IoError extends Error {
  constructor(
    readonly kind: IoErrorKind,
    /** The file as the user named it ("-" for stdin); already part of the message. */
    readonly file: string,
    message: string,
    /** The system's error code (ENOSPC, EACCES, …), when there was one. */
    readonly sysCode?: string,
    /** Extra lines for people (e.g. every bad line of a refused file), printed after the message. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "IoError";
  }
}

/** The system error code of a thrown value, or its text. */
export function sysCodeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? String(e);
}
