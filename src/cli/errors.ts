import { ExitCode } from "./exit-codes.js";
import { IoError, type IoErrorKind } from "../io/errors.js";
import { CleanupConfigError, CleanupRequestError } from "../cleanup/errors.js";

/**
 * The stable `code` of an error in `--json` output (README, "Errors with --json"): one per exit
 * class, and a more specific one where a script may want to tell cases apart.
 */
export type ErrorCode =
  | "refused"
  | "usage"
  | "usage.unknown-option"
  | "usage.unknown-command"
  | "usage.missing-command"
  | "usage.missing-argument"
  | "usage.missing-option"
  | "usage.invalid-value"
  | "usage.excess-arguments"
  | "data.invalid"
  | "input.missing"
  | "input.unreadable"
  | "internal"
  | "output.exists"
  | "output.cannot-create"
  | "io";

/** The code of each exit class, when nothing more specific is known. */
const CODE_OF_EXIT: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [ExitCode.invalid, "refused"],
  [ExitCode.usage, "usage"],
  [ExitCode.dataError, "data.invalid"],
  [ExitCode.noInput, "input.missing"],
  [ExitCode.internal, "internal"],
  [ExitCode.cannotCreate, "output.cannot-create"],
  [ExitCode.ioError, "io"],
]);

function errorCodeOfExit(exit: number): ErrorCode {
  return CODE_OF_EXIT.get(exit) ?? "internal";
}

/**
 * A refusal meant for a person: one line, no stack trace, and the exit code DESIGN §8 names.
 * The message must say what was wrong and, where it helps, what to do next; it must never
 * contain a private key or a detected secret. It may quote data (a file name, a kid): main
 * prints it through `printable` (issue 11).
 */
export class CliError extends Error {
  readonly code: ErrorCode;

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** Extra lines (e.g. every bad event line), printed after the message. */
    readonly details: readonly string[] = [],
    code?: ErrorCode,
  ) {
    super(message);
    this.name = "CliError";
    this.code = code ?? errorCodeOfExit(exitCode);
  }
}

/** A usage error (exit 64). */
export function usageError(message: string, code: ErrorCode = "usage"): CliError {
  return new CliError(ExitCode.usage, message, [], code);
}

const EXIT_OF_IO_ERROR: Readonly<Record<IoErrorKind, ExitCode>> = {
  notFound: ExitCode.noInput,
  unreadable: ExitCode.noInput,
  readFailed: ExitCode.ioError,
  exists: ExitCode.cannotCreate,
  cannotCreate: ExitCode.cannotCreate,
  writeFailed: ExitCode.cannotCreate,
  updateFailed: ExitCode.ioError,
  badData: ExitCode.dataError,
};

function codeOfIoError(e: IoError): ErrorCode {
  if (e.kind === "unreadable") return "input.unreadable";
  if (e.kind === "exists") return "output.exists";
  return errorCodeOfExit(EXIT_OF_IO_ERROR[e.kind]);
}

/**
 * The one place where a lower layer's typed error becomes the CLI's (message and exit code);
 * anything else is returned as it is (a bug, reported as an internal error by main).
 */
export function toCliError(e: unknown): unknown {
  if (e instanceof IoError) return new CliError(EXIT_OF_IO_ERROR[e.kind], e.message, e.details, codeOfIoError(e));
  if (e instanceof CleanupRequestError) return new CliError(ExitCode.usage, e.message, [], "usage.invalid-value");
  if (e instanceof CleanupConfigError) return new CliError(ExitCode.dataError, e.message, e.details);
  return e;
}
