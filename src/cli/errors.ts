import { ExitCode } from "./exit-codes.js";
import { IoError, type IoErrorKind } from "../io/errors.js";
import { CleanupConfigError, CleanupRequestError } from "../cleanup/errors.js";

/**
 * A refusal meant for a person: one line, no stack trace, and the exit code DESIGN §8 names.
 * The message must say what was wrong and, where it helps, what to do next; it must never
 * contain a private key or a detected secret.
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** Extra lines (e.g. every bad event line), printed after the message. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

const EXIT_OF_IO_ERROR: Readonly<Record<IoErrorKind, ExitCode>> = {
  notFound: ExitCode.noInput,
  unreadable: ExitCode.noInput,
  readFailed: ExitCode.ioError,
  cannotCreate: ExitCode.cannotCreate,
  writeFailed: ExitCode.cannotCreate,
  updateFailed: ExitCode.ioError,
  badData: ExitCode.dataError,
};

/**
 * The one place where a lower layer's typed error becomes the CLI's (message and exit code);
 * anything else is returned as it is (a bug, reported as an internal error by main).
 */
export function toCliError(e: unknown): unknown {
  if (e instanceof IoError) return new CliError(EXIT_OF_IO_ERROR[e.kind], e.message, e.details);
  if (e instanceof CleanupRequestError) return new CliError(ExitCode.usage, e.message);
  if (e instanceof CleanupConfigError) return new CliError(ExitCode.dataError, e.message, e.details);
  return e;
}
