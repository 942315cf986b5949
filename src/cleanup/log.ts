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

export interface LogProblem {
  line: number;
  pointer: string;
  message: string;
}

export interface EventLog {
  file: string;
  events: LoggedEvent[];
  /** Every event id in the log (appended events must not reuse one). */
  ids: Set<string>;
  /** Schema problems of events cleanup does not read. */
  warnings: LogProblem[];
}

/** How many bad lines are listed before the rest are only counted. */
const MAX_LISTED = 20;

/** Reads and checks a log file; throws IoError: notFound (exit 66) when missing, badData (65) when refused. */
export function readEventLog(file: string): EventLog {
  const bytes = readInputBytes(file, "event log");
  const { events, ids, errors, warnings } = parseEventLog(bytes);
  if (errors.length > 0) {
    const lines = errors.slice(0, MAX_LISTED).map((p) => `${file}:${p.line}: ${p.pointer === "" ? "" : p.pointer + ": "}${p.message}`);
    if (errors.length > MAX_LISTED) lines.push(`... and ${errors.length - MAX_LISTED} more`);
    throw new IoError(
      "badData",
      file,
      `${file}: refusing a bad event log (${errors.length} problem${errors.length === 1 ? "" : "s"}); nothing was changed`,
      undefined,
      lines,
    );
  }
  return { file, events, ids, warnings };
}

/** The pure part of {@link readEventLog}: splits, parses and checks the bytes of a log. */
export function parseEventLog(bytes: Uint8Array): {
  events: LoggedEvent[];
  ids: Set<string>;
  errors: LogProblem[];
  warnings: LogProblem[];
} {
  const events: LoggedEvent[] = [];
  const errors: LogProblem[] = [];
  const warnings: LogProblem[] = [];
  const firstLineOfId = new Map<string, number>();

  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    line++;
    const chunk = bytes.subarray(start, end);
    start = end + 1;
    if (isBlank(chunk)) {
      errors.push({ line, pointer: "", message: "blank line (one event object per line is expected)" });
      continue;
    }
    let value;
    try {
      value = parseJsonBytes(chunk, { lineOffset: line - 1 });
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      errors.push({ line, pointer: e.pointer, message: `column ${e.column}: not strict JSON: ${e.message}` });
      continue;
    }
    if (!isJsonObject(value)) {
      errors.push({ line, pointer: "", message: "an event must be a JSON object" });
      continue;
    }
    const lifecycle = isLifecycleType(value.type);
    for (const issue of validateEvent(value).issues) {
      (lifecycle ? errors : warnings).push({ line, pointer: issue.pointer, message: issue.message });
    }
    if (typeof value.id === "string") {
      const first = firstLineOfId.get(value.id);
      if (first !== undefined) {
        errors.push({ line, pointer: "/id", message: `duplicate event id ${JSON.stringify(value.id)} (first used on line ${first})` });
        continue;
      }
      firstLineOfId.set(value.id, line);
    }
    events.push({ line, event: value });
  }
  return { events, ids: new Set(firstLineOfId.keys()), errors, warnings };
}

function isBlank(chunk: Uint8Array): boolean {
  for (const b of chunk) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
