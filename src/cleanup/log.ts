/**
 * Reading the event log for cleanup (DESIGN §2, §3): JSON Lines, each line strict I-JSON.
 *
 * The planner must not guess, so the log is refused (exit 65, every bad line named as
 * `file:line: pointer: message`) when a line is not strict JSON or not an object, when a line is
 * blank (except the final newline), when two events share an id, or when a lifecycle event
 * (resource.create/destroy, authority.grant/revoke) breaks its schema: a malformed create or
 * destroy could hide what is still running. Schema problems in other events are not cleanup's
 * business: they are returned as warnings (`proof export` refuses them).
 */
import { JsonSyntaxError, parseJsonBytes } from "../core/json/parse.js";
import { isJsonObject } from "../core/json/value.js";
import { validateEvent } from "../core/schema/validate.js";
import { IoError } from "../io/errors.js";
import { readInputBytes } from "../io/files.js";
import { isLifecycleType, type LoggedEvent } from "./plan.js";
import { FirstN, MAX_EVENT_BYTES, MAX_EVENT_VALUES, MAX_LISTED_PROBLEMS } from "../core/limits.js";

export interface LogProblem {
  line: number;
  pointer: string;
  message: string;
}

export interface EventLog {
  file: string;
  /** The lifecycle events, in log order (the only ones the planner reads). */
  events: LoggedEvent[];
  /** Every event id in the log (appended events must not reuse one). */
  ids: Set<string>;
  /** The first schema problems of events cleanup does not read (issue 12: a log may be all bad). */
  warnings: LogProblem[];
  /** How many such problems there are in all. */
  warningCount: number;
}

/** Reads and checks a log file; throws IoError: notFound (exit 66) when missing, badData (65) when refused. */
export function readEventLog(file: string): EventLog {
  const bytes = readInputBytes(file, "event log");
  const { events, ids, errors, warnings } = parseEventLog(bytes);
  if (errors.count > 0) {
    const lines = errors.items.map((p) => `${file}:${p.line}: ${p.pointer === "" ? "" : p.pointer + ": "}${p.message}`);
    if (errors.more > 0) lines.push(`... and ${errors.more} more`);
    throw new IoError(
      "badData",
      file,
      `${file}: refusing a bad event log (${errors.count} problem${errors.count === 1 ? "" : "s"}); nothing was changed`,
      undefined,
      lines,
    );
  }
  return { file, events, ids, warnings: [...warnings.items], warningCount: warnings.count };
}

/**
 * The pure part of {@link readEventLog}: splits, parses and checks the bytes of a log. Memory
 * grows with the lifecycle events and ids only: problems are kept up to MAX_LISTED_PROBLEMS and
 * counted past it, and the events the planner does not read are not kept.
 */
export function parseEventLog(bytes: Uint8Array): {
  events: LoggedEvent[];
  ids: Set<string>;
  errors: FirstN<LogProblem>;
  warnings: FirstN<LogProblem>;
} {
  const events: LoggedEvent[] = [];
  const errors = new FirstN<LogProblem>(MAX_LISTED_PROBLEMS);
  const warnings = new FirstN<LogProblem>(MAX_LISTED_PROBLEMS);
  const firstLineOfId = new Map<string, number>();

  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    line++;
    const chunk = bytes.subarray(start, end);
    start = end + 1;
    if (chunk.length > MAX_EVENT_BYTES) {
      errors.add({ line, pointer: "", message: `longer than ${MAX_EVENT_BYTES / 1048576} MiB, the limit for one event (docs/spec.md "Limits")` });
      continue;
    }
    if (isBlank(chunk)) {
      errors.add({ line, pointer: "", message: "blank line (one event object per line is expected)" });
      continue;
    }
    let value;
    try {
      value = parseJsonBytes(chunk, { lineOffset: line - 1, maxValues: MAX_EVENT_VALUES });
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      errors.add({ line, pointer: e.pointer, message: `column ${e.column}: not strict JSON: ${e.message}` });
      continue;
    }
    if (!isJsonObject(value)) {
      errors.add({ line, pointer: "", message: "an event must be a JSON object" });
      continue;
    }
    const lifecycle = isLifecycleType(value.type);
    for (const issue of validateEvent(value).issues) {
      (lifecycle ? errors : warnings).add({ line, pointer: issue.pointer, message: issue.message });
    }
    if (typeof value.id === "string") {
      const first = firstLineOfId.get(value.id);
      if (first !== undefined) {
        errors.add({ line, pointer: "/id", message: `duplicate event id ${JSON.stringify(value.id)} (first used on line ${first})` });
        continue;
      }
      firstLineOfId.set(value.id, line);
    }
    if (lifecycle) events.push({ line, event: value });
  }
  return { events, ids: new Set(firstLineOfId.keys()), errors, warnings };
}

function isBlank(chunk: Uint8Array): boolean {
  for (const b of chunk) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
