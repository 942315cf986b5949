/**
 * Checking an agent runtime's event log line by line before anything is exported (DESIGN §3):
 * strict I-JSON, an object, within the depth and size limits (src/core/limits.ts), schema-valid,
 * with a unique id. A line's problems are capped (MAX_LISTED_PROBLEMS and a count): a hostile
 * line can break the schema a million times over.
 */
import { JsonSyntaxError, parseJson } from "../json/parse.js";
import { isJsonObject, type JsonObject } from "../json/value.js";
import { validateEvent } from "../schema/validate.js";
import { MAX_EVENT_DEPTH } from "../digest/tree.js";
import { survivesCanonicalForm } from "../json/canonical.js";
import { pointerFromTokens, type JsonPointer } from "../json/pointer.js";
import type { JsonValue } from "../json/value.js";
import { FirstN, MAX_EVENT_VALUES, MAX_LISTED_PROBLEMS } from "../limits.js";
import type { CryptoProvider } from "../crypto/provider.js";
import { IdIndex } from "./ids.js";

export interface LogProblem {
  line: number;
  pointer: string;
  message: string;
}

export interface LogLineResult {
  event?: JsonObject;
  /** The line's first MAX_LISTED_PROBLEMS problems. */
  problems: LogProblem[];
  /** How many problems the line has in all (at least problems.length). */
  problemCount: number;
}

/** Remembers ids across lines so a duplicate names the line that used the id first. */
export class EventLogChecker {
  private readonly ids: IdIndex;

  constructor(crypto: CryptoProvider) {
    this.ids = new IdIndex(crypto);
  }

  check(text: string, line: number): LogLineResult {
    const one = (pointer: string, message: string): LogLineResult => ({ problems: [{ line, pointer, message }], problemCount: 1 });
    if (/^[ \t\r]*$/.test(text)) return one("", "blank line (one event object per line is expected)");
    let v;
    try {
      v = parseJson(text, { lineOffset: line - 1, maxValues: MAX_EVENT_VALUES });
    } catch (e) {
      if (e instanceof JsonSyntaxError) return one(e.pointer, `not strict I-JSON: ${e.message}`);
      throw e;
    }
    if (!isJsonObject(v)) return one("", "an event must be a JSON object");
    const problems = new FirstN<LogProblem>(MAX_LISTED_PROBLEMS);
    const unreadable = new FirstN<JsonPointer>(MAX_LISTED_PROBLEMS);
    if (depthAndNumbers(v, [], unreadable) > MAX_EVENT_DEPTH) problems.add({ line, pointer: "", message: `the event nests deeper than ${MAX_EVENT_DEPTH} levels` });
    for (const p of unreadable.items) {
      problems.add({ line, pointer: p, message: "this number's canonical form is an integer above 2^53-1, which no strict reader accepts: write it as a string" });
    }
    problems.skip(unreadable.more);
    for (const issue of validateEvent(v).issues) problems.add({ line, pointer: issue.pointer, message: issue.message });
    if (typeof v.id === "string") {
      const first = this.ids.firstUse(v.id, line);
      if (first !== undefined) problems.add({ line, pointer: "/id", message: `duplicate event id ${JSON.stringify(v.id)} (first used on line ${first})` });
    }
    const result = { problems: [...problems.items], problemCount: problems.count };
    return problems.count > 0 ? result : { event: v, ...result };
  }
}

/**
 * The nesting depth of v (as nestingDepth counts it), and the pointer of each number in it whose
 * canonical form is an integer above 2^53-1, into `unreadable`. One walk for both checks, and a
 * pointer made from the names on the way down only for such a number (issue 14: these were two
 * walks over every event of an export, one building a pointer per node).
 */
function depthAndNumbers(v: JsonValue, path: (string | number)[], unreadable: FirstN<JsonPointer>): number {
  if (typeof v === "number") {
    if (!survivesCanonicalForm(v)) unreadable.add(pointerFromTokens(path));
    return 0;
  }
  if (v === null || typeof v !== "object") return 0;
  let max = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      const d = depthAndNumbers(v[i]!, path, unreadable);
      path.pop();
      if (d > max) max = d;
    }
  } else {
    for (const k of Object.keys(v)) {
      path.push(k);
      const d = depthAndNumbers(v[k]!, path, unreadable);
      path.pop();
      if (d > max) max = d;
    }
  }
  return max + 1;
}
