/**
 * Checking an agent runtime's event log line by line before anything is exported (DESIGN §3):
 * strict I-JSON, an object, within the depth limit, schema-valid, with a unique id.
 */
import { JsonSyntaxError, parseJson } from "../json/parse.js";
import { isJsonObject, type JsonObject } from "../json/value.js";
import { validateEvent } from "../schema/validate.js";
import { MAX_EVENT_DEPTH, nestingDepth } from "../digest/tree.js";
import { survivesCanonicalForm } from "../json/canonical.js";
import { appendPointer, ROOT_POINTER, type JsonPointer } from "../json/pointer.js";
import type { JsonValue } from "../json/value.js";

export interface LogProblem {
  line: number;
  pointer: string;
  message: string;
}

export interface LogLineResult {
  event?: JsonObject;
  problems: LogProblem[];
}

/** Remembers ids across lines so a duplicate names the line that used the id first. */
export class EventLogChecker {
  private readonly ids = new Map<string, number>();

  check(text: string, line: number): LogLineResult {
    if (/^[ \t\r]*$/.test(text)) return { problems: [{ line, pointer: "", message: "blank line (one event object per line is expected)" }] };
    let v;
    try {
      v = parseJson(text, { lineOffset: line - 1 });
    } catch (e) {
      if (e instanceof JsonSyntaxError) return { problems: [{ line, pointer: e.pointer, message: `not strict I-JSON: ${e.message}` }] };
      throw e;
    }
    if (!isJsonObject(v)) return { problems: [{ line, pointer: "", message: "an event must be a JSON object" }] };
    const problems: LogProblem[] = [];
    if (nestingDepth(v) > MAX_EVENT_DEPTH) problems.push({ line, pointer: "", message: `the event nests deeper than ${MAX_EVENT_DEPTH} levels` });
    for (const p of unreadableNumbers(v, ROOT_POINTER)) {
      problems.push({ line, pointer: p, message: "this number's canonical form is an integer above 2^53-1, which no strict reader accepts: write it as a string" });
    }
    for (const issue of validateEvent(v).issues) problems.push({ line, pointer: issue.pointer, message: issue.message });
    if (typeof v.id === "string") {
      const first = this.ids.get(v.id);
      if (first !== undefined) problems.push({ line, pointer: "/id", message: `duplicate event id ${JSON.stringify(v.id)} (first used on line ${first})` });
      else this.ids.set(v.id, line);
    }
    return problems.length > 0 ? { problems } : { event: v, problems };
  }
}

function unreadableNumbers(v: JsonValue, p: JsonPointer): JsonPointer[] {
  if (typeof v === "number") return survivesCanonicalForm(v) ? [] : [p];
  if (v === null || typeof v !== "object") return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => unreadableNumbers(x, appendPointer(p, i)));
  return Object.keys(v).flatMap((k) => unreadableNumbers(v[k]!, appendPointer(p, k)));
}
