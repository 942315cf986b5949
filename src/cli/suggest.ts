/**
 * Checking a flag value that names something (issue 11: a typo in `--only db.brnach` must not
 * pass a CI gate): an unknown name is a usage error that lists what exists and suggests the
 * closest one.
 */
import { unknownNameMessage } from "../core/text/suggest.js";
import { usageError, type CliError } from "./errors.js";

/**
 * The usage error (exit 64) for a flag value that names nothing known, e.g.
 * `--only "db.brnach": unknown resource kind; did you mean db.branch? (known: db.branch, file)`.
 */
export function unknownName(flag: string, value: string, what: string, known: readonly string[]): CliError {
  return usageError(unknownNameMessage(flag, value, what, known), "usage.invalid-value");
}

/** Checks that `value` is one of `known`; else the usage error of `unknownName`. */
export function checkName<T extends string>(flag: string, value: string, what: string, known: readonly T[]): T {
  if ((known as readonly string[]).includes(value)) return value as T;
  throw unknownName(flag, value, what, known);
}
