/**
 * The cleanup module's own errors (issue 14). src/cleanup sits at the io level (it reads and
 * appends to files, takes a lock and spawns provider commands), below the CLI: it never knows the
 * command line above it. It says what was refused, and the CLI turns that into a message and an
 * exit code in one place (src/cli/errors.ts, `toCliError`).
 */

/**
 * A request that cannot be carried out as given (a flag combination, an --only value): exit 64.
 * @example throw new CleanupRequestError("--yes only confirms --apply; without --apply nothing changes anyway");
 */
export class CleanupRequestError extends Error {
  readonly code = "cleanup.request";

  constructor(message: string) {
    super(message);
    this.name = "CleanupRequestError";
  }
}

/** A configuration file that is not strict JSON or not a valid configuration: exit 65. */
export class CleanupConfigError extends Error {
  readonly code = "cleanup.config";

  constructor(
    /** The file as the user named it; already part of the message. */
    readonly file: string,
    message: string,
    /** Further problems, one a line, printed after the message. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "CleanupConfigError";
  }
}

/**
 * What a run's outcome says as an exit code (DESIGN §10): 0 nothing left, 1 something could not be
 * destroyed or was not confirmed, 3 `--check` found leftovers. The same numbers as the CLI's
 * ExitCode (src/cli/exit-codes.ts; test/arch/layering.test.ts holds them equal), kept here so
 * cleanup does not import the CLI.
 */
export const CleanupExit = {
  ok: 0,
  incomplete: 1,
  leftovers: 3,
} as const;
export type CleanupExit = (typeof CleanupExit)[keyof typeof CleanupExit];
