import type { ExitCode } from "./exit-codes.js";

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
