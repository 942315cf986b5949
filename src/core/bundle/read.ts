/**
 * Reading bundles in either form (DESIGN §6) and handing the parts to a sink one at a time, so the
 * verifier works the same on a string in a browser and on a file streamed line by line in Node.
 * A reader tells the forms apart by the first line: a complete object without `events` means
 * JSON Lines; anything else is read as one document.
 */
import { JsonSyntaxError, parseJson } from "../json/parse.js";
import { decodeUtf8Strict } from "../encoding/utf8.js";
import { MAX_DOCUMENT_VALUES, MAX_LINE_BYTES, MAX_RECORD_VALUES } from "../limits.js";
import { exceedsSize, hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../json/value.js";
import type { Finding } from "../verify/finding.js";

export interface BundleSink {
  header(header: JsonObject, form: "json" | "jsonl"): void;
  record(record: JsonValue, index: number, line?: number): void;
  /** A problem that makes the input unreadable as a bundle (always `invalid`). */
  problem(finding: Finding): void;
  /** Called once, after the last record. */
  end(): void;
}

export function parseProblem(e: unknown, line?: number): Finding {
  if (e instanceof JsonSyntaxError) {
    return { code: "bundle.parse", effect: "invalid", message: `not strict I-JSON: ${e.message}`, line: e.line, pointer: e.pointer };
  }
  return { code: "bundle.parse", effect: "invalid", message: String(e), line };
}

/** Returns the first line's object when it marks the JSON Lines form, else undefined. */
export function jsonlHeaderOf(firstLine: string, line = 1): JsonObject | undefined {
  try {
    // A header is small; a one-document bundle on one line is not parsed whole here.
    const v = parseJson(firstLine, { lineOffset: line - 1, maxValues: MAX_RECORD_VALUES });
    return isJsonObject(v) && !hasMember(v, "events") ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A line of only spaces, tabs and CRs: refused, and it takes no seq (it is no record). */
export function isBlankLine(text: string): boolean {
  return /^[ \t\r]*$/.test(text);
}

export function blankLineProblem(line: number): Finding {
  return { code: "bundle.blank-line", effect: "invalid", message: "blank line inside a JSON Lines bundle", line };
}

/**
 * One non-blank record line, strictly parsed (DESIGN §2), as record `index`: the value, or the
 * parse problem located at that seq. Shared by {@link JsonlBundleParser} and the verifier's worker
 * threads (src/io/verify-worker.ts), so both report a bad line identically.
 */
export function parseRecordLine(text: string, line: number, index: number): { record: JsonValue } | { problem: Finding } {
  try {
    return { record: parseJson(text, { lineOffset: line - 1, maxValues: MAX_RECORD_VALUES }) };
  } catch (e) {
    const f = parseProblem(e, line);
    f.pointer = "/events/" + index + (f.pointer ?? "");
    f.seq = index;
    return { problem: f };
  }
}

/**
 * Feeds JSON Lines to a sink; `pushLine` takes each line without its LF. Blank lines are refused
 * but a final newline is fine (the caller simply does not push the empty text after it).
 */
export class JsonlBundleParser {
  private index = 0;

  constructor(private readonly sink: BundleSink) {}

  pushHeader(header: JsonObject): void {
    this.sink.header(header, "jsonl");
  }

  /** Takes one line without its LF; the caller never pushes the empty text after a final LF. */
  pushLine(text: string, line: number): void {
    if (isBlankLine(text)) {
      this.sink.problem(blankLineProblem(line));
      return;
    }
    const index = this.index++;
    const r = parseRecordLine(text, line, index);
    if ("problem" in r) this.sink.problem(r.problem);
    else this.sink.record(r.record, index, line);
  }

  /**
   * A record line that was not read at all (longer than MAX_LINE_BYTES, src/core/limits.ts): it
   * is still a record, so it takes its seq and breaks the chain there (like a line that does not
   * parse), instead of shifting every record after it.
   */
  pushUnread(message: string, line: number): void {
    this.sink.problem(unreadRecordProblem(message, line, this.index++));
  }

  end(): void {
    this.sink.end();
  }
}

/** The problem of record `index` (on `line`, in JSON Lines), which was not read (see pushUnread). */
export function unreadRecordProblem(message: string, line: number | undefined, index: number): Finding {
  return { code: "bundle.parse", effect: "invalid", message, seq: index, pointer: "/events/" + index, ...(line !== undefined ? { line } : {}) };
}

/** Reads a bundle held in memory, in either form. */
export function readBundleText(text: string, sink: BundleSink): "json" | "jsonl" {
  const firstEnd = text.indexOf("\n");
  const firstLine = firstEnd < 0 ? text : text.slice(0, firstEnd);
  const header = jsonlHeaderOf(firstLine);
  if (header !== undefined) {
    const parser = new JsonlBundleParser(sink);
    parser.pushHeader(header);
    if (firstEnd >= 0) {
      let start = firstEnd + 1;
      let line = 2;
      while (start < text.length) {
        let end = text.indexOf("\n", start);
        if (end < 0) end = text.length;
        parser.pushLine(text.slice(start, end), line++);
        start = end + 1;
      }
    }
    parser.end();
    return "jsonl";
  }
  let doc: JsonValue;
  try {
    doc = parseJson(text, { maxValues: MAX_DOCUMENT_VALUES });
  } catch (e) {
    sink.problem(parseProblem(e));
    sink.end();
    return "json";
  }
  if (!isJsonObject(doc)) {
    sink.problem({ code: "bundle.structure", effect: "invalid", message: "a bundle must be a JSON object", pointer: "" });
    sink.end();
    return "json";
  }
  const { events, ...rest } = doc;
  sink.header(rest, "json");
  if (!isJsonArray(events)) {
    sink.problem({ code: "bundle.structure", effect: "invalid", message: '"events" must be an array of event records', pointer: "/events" });
  } else {
    // The limits a JSON Lines record line is held to (docs/format.md "Limits"), checked before
    // the record's digest tree is built: values, and text (strings and names) for the line length.
    events.forEach((r, i) => {
      if (exceedsSize(r, MAX_RECORD_VALUES, MAX_LINE_BYTES)) sink.problem(unreadRecordProblem(`record ${i} holds more than ${MAX_RECORD_VALUES} JSON values or ${MAX_LINE_BYTES / 1048576} MiB of text, the limits for one record (docs/format.md "Limits")`, undefined, i));
      else sink.record(r, i);
    });
  }
  sink.end();
  return "json";
}

/** A bundle held in memory as bytes, either form: I-JSON refuses a BOM and invalid UTF-8 (DESIGN §2). */
export function readBundleBytes(bytes: Uint8Array, sink: BundleSink): "json" | "jsonl" {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = bom ? undefined : decodeUtf8Strict(bytes);
  if (text === undefined) {
    sink.problem(
      bom
        ? { code: "bundle.parse", effect: "invalid", message: "the file starts with a byte-order mark (not allowed in I-JSON)", line: 1 }
        : { code: "bundle.parse", effect: "invalid", message: "the file is not valid UTF-8" },
    );
    sink.end();
    return "json";
  }
  return readBundleText(text, sink);
}
