/**
 * Reading bundles in either form (DESIGN §6) and handing the parts to a sink one at a time, so the
 * verifier works the same on a string in a browser and on a file streamed line by line in Node.
 *
 * The form is told apart ONCE, by the first line (`detectBundleForm`): a complete object without
 * `events` means JSON Lines; anything else is read as one document. Every reader calls it: the
 * browser page through `readBundleBytes`, the CLI through src/io/bundle-source.ts, which reads the
 * first line, detects, and goes on from there without reading or detecting again.
 */
import { JsonSyntaxError, parseJson } from "../json/parse.js";
import { decodeUtf8Strict } from "../encoding/utf8.js";
import { MAX_DOCUMENT_VALUES, MAX_LINE_BYTES, MAX_RECORD_VALUES } from "../limits.js";
import { exceedsSize, hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../json/value.js";
import type { Finding } from "../verify/finding.js";

/** The two forms of a bundle (DESIGN §6): one JSON document, or JSON Lines (header line, then records). */
export type BundleForm = "json" | "jsonl";

export interface BundleSink {
  header(header: JsonObject, form: BundleForm): void;
  record(record: JsonValue, index: number, line?: number): void;
  /** A problem that makes the input unreadable as a bundle (always `invalid`). */
  problem(finding: Finding): void;
  /** Called once, after the last record. */
  end(): void;
  /**
   * Called, before `problem`, when the input is not a bundle at all (docs/spec.md "Not a
   * bundle"): it is not JSON even by the plain grammar, or not an object with a `format` member.
   */
  notABundle?(reason: string): void;
}

/**
 * Whether text that strict reading refused still has the shape of a bundle: by the plain JSON
 * grammar (RFC 8259, without I-JSON's strictness), the whole text or its first line is an object
 * with a `format` member. A tampered bundle (a duplicate member, a `__proto__`) keeps that shape
 * and is a malformed bundle, `invalid` (DESIGN §8); any other file is not a bundle.
 */
export function hasBundleShape(text: string): boolean {
  const firstEnd = text.indexOf("\n");
  for (const candidate of firstEnd < 0 ? [text] : [text.slice(0, firstEnd), text]) {
    try {
      const v: unknown = JSON.parse(candidate);
      if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.hasOwn(v, "format")) return true;
    } catch {
      // Not JSON by the plain grammar either.
    }
  }
  return false;
}

export function parseProblem(e: unknown, line?: number): Finding {
  if (e instanceof JsonSyntaxError) {
    return { code: "bundle.parse", effect: "invalid", message: `not strict I-JSON: ${e.message}`, line: e.line, pointer: e.pointer };
  }
  return { code: "bundle.parse", effect: "invalid", message: String(e), line };
}

/** What a bundle's first line says about its form: the JSON Lines header, or the one-document form. */
export type FormDetection = { form: "jsonl"; header: JsonObject } | { form: "json" };

/**
 * The one test of a bundle's form (DESIGN §6). `firstLine` is the first line without its LF, as
 * text, or undefined when it cannot be one (not UTF-8, a BOM, longer than a reader allows): then
 * it is the one-document form, whose reader reports what is wrong with the bytes.
 */
export function detectBundleForm(firstLine: string | undefined): FormDetection {
  if (firstLine === undefined) return { form: "json" };
  try {
    // A header is small; a one-document bundle on one line is not parsed whole here.
    const v = parseJson(firstLine, { maxValues: MAX_RECORD_VALUES });
    return isJsonObject(v) && !hasMember(v, "events") ? { form: "jsonl", header: v } : { form: "json" };
  } catch {
    return { form: "json" };
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
export function readBundleText(text: string, sink: BundleSink): BundleForm {
  const firstEnd = text.indexOf("\n");
  const detected = detectBundleForm(firstEnd < 0 ? text : text.slice(0, firstEnd));
  if (detected.form === "jsonl") {
    const parser = new JsonlBundleParser(sink);
    parser.pushHeader(detected.header);
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
  readDocumentText(text, sink);
  return "json";
}

/** The one-document form (its form already detected): the header members, then `events`. */
export function readDocumentText(text: string, sink: BundleSink): void {
  let doc: JsonValue;
  try {
    doc = parseJson(text, { maxValues: MAX_DOCUMENT_VALUES });
  } catch (e) {
    if (!hasBundleShape(text)) sink.notABundle?.(parseProblem(e).message);
    sink.problem(parseProblem(e));
    sink.end();
    return;
  }
  if (!isJsonObject(doc)) {
    sink.notABundle?.("a bundle is a JSON object");
    sink.problem({ code: "bundle.structure", effect: "invalid", message: "a bundle must be a JSON object", pointer: "" });
    sink.end();
    return;
  }
  const { events, ...rest } = doc;
  sink.header(rest, "json");
  if (rest.kind === "checkpoint") {
    // DESIGN §12: a checkpoint is one object without `events`, the same in both forms (written on
    // one line, so it is read as a JSON Lines header; a reformatted one arrives here).
    if (hasMember(doc, "events")) sink.problem(checkpointEventsProblem());
  } else if (!isJsonArray(events)) {
    sink.problem({ code: "bundle.structure", effect: "invalid", message: '"events" must be an array of event records', pointer: "/events" });
  } else {
    // The limits a JSON Lines record line is held to (docs/spec.md "Limits"), checked before
    // the record's digest tree is built: values, and text (strings and names) for the line length.
    events.forEach((r, i) => {
      if (exceedsSize(r, MAX_RECORD_VALUES, MAX_LINE_BYTES)) sink.problem(unreadRecordProblem(`record ${i} holds more than ${MAX_RECORD_VALUES} JSON values or ${MAX_LINE_BYTES / 1048576} MiB of text, the limits for one record (docs/spec.md "Limits")`, undefined, i));
      else sink.record(r, i);
    });
  }
  sink.end();
}

/** DESIGN §12: a checkpoint has no `events` member and no record lines. */
export function checkpointEventsProblem(): Finding {
  return { code: "checkpoint.records", effect: "invalid", message: 'a checkpoint has no "events" member (DESIGN §12)', pointer: "/events" };
}

/** A bundle held in memory as bytes, either form: I-JSON refuses a BOM and invalid UTF-8 (DESIGN §2). */
export function readBundleBytes(bytes: Uint8Array, sink: BundleSink): BundleForm {
  const text = textOfBundleBytes(bytes, sink);
  return text === undefined ? "json" : readBundleText(text, sink);
}

/** The one-document form held as bytes (its form already detected by the caller). */
export function readDocumentBytes(bytes: Uint8Array, sink: BundleSink): void {
  const text = textOfBundleBytes(bytes, sink);
  if (text !== undefined) readDocumentText(text, sink);
}

/** The bytes as text, or undefined after telling the sink why they are not I-JSON text (and ending it). */
function textOfBundleBytes(bytes: Uint8Array, sink: BundleSink): string | undefined {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = bom ? undefined : decodeUtf8Strict(bytes);
  if (text === undefined) {
    const lenient = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes);
    if (!hasBundleShape(lenient)) sink.notABundle?.(bom ? "the file starts with a byte-order mark" : "the file is not valid UTF-8");
    sink.problem(
      bom
        ? { code: "bundle.parse", effect: "invalid", message: "the file starts with a byte-order mark (not allowed in I-JSON)", line: 1 }
        : { code: "bundle.parse", effect: "invalid", message: "the file is not valid UTF-8" },
    );
    sink.end();
  }
  return text;
}
