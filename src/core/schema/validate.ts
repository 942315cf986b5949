/**
 * Structure checks against the JSON Schemas in `schemas/`, with errors a person can act on.
 *
 * The schemas are compiled at build time (scripts/gen-schemas.mjs), so nothing is compiled
 * here and the core needs no ajv at run time. This module turns ajv's errors into
 * `{pointer, message}` issues: one per problem, pointing at the member concerned, and never
 * quoting a long value (values may be secrets: previews are cut at 40 characters).
 */
import type { JsonPointer } from "../json/pointer.js";
import { MAX_SCHEMA_ERRORS } from "../limits.js";
import { appendPointer, parsePointer, ROOT_POINTER } from "../json/pointer.js";
import type { JsonObject, JsonValue } from "../json/value.js";
import { hasMember, isJsonArray, isJsonObject } from "../json/value.js";
import {
  eventTypeValidators,
  validateBundle,
  validateBundleHeader,
  validateEvent as validateEnvelope,
  validateRecord,
  validateRecordDisclosed,
  validateRecordExcerpt,
  validateRecordElided,
  validateRecordPartial,
  type CompiledValidator,
  type SchemaError,
} from "./generated/validators.js";

/** One structure problem: where it is and what is wrong, in words. */
export interface SchemaIssue {
  pointer: JsonPointer;
  message: string;
}

/** The event types with a schema of their own in `schemas/events/` (DESIGN §3). */
export const KNOWN_EVENT_TYPES: readonly string[] = Object.freeze(
  eventTypeValidators.map(([type]) => type),
);

const TYPE_VALIDATORS: ReadonlyMap<string, CompiledValidator> = new Map(eventTypeValidators);

/**
 * Checks an event against the common envelope and, when its type is known, that type's schema.
 * An unknown type with a valid envelope gives `known: false` and no issues: the runtime may be
 * newer than the tool (DESIGN §3).
 *
 * @example validateEvent({ id: "e1", ts: "2026-11-20T09:00:00.000Z", type: "agent.note",
 *   actor: { tenant: "acme", agent: "support-bot" } }) // { known: false, issues: [] }
 */
export function validateEvent(event: JsonValue): { known: boolean; issues: SchemaIssue[] } {
  const type = isJsonObject(event) && hasMember(event, "type") ? event.type : undefined;
  const typed = typeof type === "string" ? TYPE_VALIDATORS.get(type) : undefined;
  // A type schema includes the envelope ($ref), so one validator reports everything once.
  return { known: typed !== undefined, issues: run(typed ?? validateEnvelope, event, ROOT_POINTER) };
}

/**
 * Checks a bundle document's structure (DESIGN §6): the exact top-level member set, the
 * statement, the signature list, the redaction block of a share, and every event record.
 * `seq` = index, digests and signatures are the verifier's business, not this one's.
 */
export function validateBundleShape(doc: JsonValue): SchemaIssue[] {
  const issues = run(validateBundle, doc, ROOT_POINTER, (e) => !e.instancePath.startsWith("/events/"));
  // Records are checked one by one below, so that each gets issues for the form it is closest
  // to instead of ajv's errors for all three oneOf branches.
  if (isJsonObject(doc) && hasMember(doc, "events")) {
    const events = doc.events;
    if (isJsonArray(events)) {
      const kind = bundleKind(doc);
      const at = appendPointer(ROOT_POINTER, "events");
      events.forEach((record, i) => {
        for (const issue of validateRecordShape(record, { kind, at: appendPointer(at, i) })) issues.push(issue);
      });
    }
  }
  return dedupe(issues);
}

/**
 * Checks line 1 of a bundle in JSON Lines form: every top-level member but `events`
 * (DESIGN §6). The records that follow are checked with {@link validateRecordShape}.
 */
export function validateBundleHeaderShape(doc: JsonValue): SchemaIssue[] {
  return run(validateBundleHeader, doc, ROOT_POINTER);
}

export type BundleKind = "full" | "share" | "excerpt";

export interface RecordShapeOptions {
  /** The bundle's kind when known: a full bundle holds only disclosed records. */
  kind?: BundleKind | undefined;
  /** Where the record sits, e.g. `/events/3`; issue pointers are below it. Default: root. */
  at?: JsonPointer | undefined;
}

type RecordForm = "disclosed" | "partial" | "elided";

const FORM_VALIDATORS: Readonly<Record<RecordForm, CompiledValidator>> = {
  disclosed: validateRecordDisclosed,
  partial: validateRecordPartial,
  elided: validateRecordElided,
};

// DESIGN §6: "Record forms are told apart by their exact member sets".
const FORM_MEMBERS: Readonly<Record<RecordForm, readonly string[]>> = {
  disclosed: ["seq", "seed", "event"],
  partial: ["seq", "event", "salts", "redacted"],
  elided: ["seq", "digest"],
};

// These members belong to one form only: a broken record is checked against a form one of
// them points to, so its issues say what to fix instead of listing all three forms' errors.
const DISTINCTIVE: ReadonlyArray<readonly [string, RecordForm]> = [
  ["seed", "disclosed"],
  ["salts", "partial"],
  ["redacted", "partial"],
  ["digest", "elided"],
];

/**
 * The form a broken record is closest to: among the forms its distinctive members point to,
 * the one missing the fewest members, then having the fewest extra ones. Undefined when no
 * distinctive member is present. (With today's three forms no two are ever equally close;
 * the tie check keeps a future form from being picked arbitrarily.)
 */
function closestForm(record: JsonObject): RecordForm | undefined {
  const names = Object.keys(record);
  const candidates = new Set(DISTINCTIVE.filter(([name]) => hasMember(record, name)).map(([, form]) => form));
  const scored = [...candidates].map((form) => {
    const members = FORM_MEMBERS[form];
    const missing = members.filter((m) => !hasMember(record, m)).length;
    const extra = names.filter((n) => !members.includes(n)).length;
    return { form, missing, extra };
  });
  scored.sort((a, b) => a.missing - b.missing || a.extra - b.extra);
  const [best, next] = scored;
  if (best === undefined) return undefined;
  if (next !== undefined && next.missing === best.missing && next.extra === best.extra) return undefined;
  return best.form;
}

const RECORD_FORMS_TEXT =
  "{seq, seed, event} (disclosed), {seq, event, salts, redacted} (partial) or {seq, digest} (elided)";

/**
 * Checks one event record (DESIGN §6): disclosed `{seq, seed, event}`, partial
 * `{seq, event, salts, redacted}` or elided `{seq, digest}`, each with exactly those members.
 */
export function validateRecordShape(record: JsonValue, options: RecordShapeOptions = {}): SchemaIssue[] {
  const at = options.at ?? ROOT_POINTER;
  if (!isJsonObject(record)) {
    return [{ pointer: at, message: `must be an object (got ${preview(record)})` }];
  }
  // DESIGN §12: an excerpt's records are disclosed or partial records with their inclusion path.
  if (options.kind === "excerpt") return run(validateRecordExcerpt, record, at);
  if (options.kind === "full") {
    // DESIGN §6: disclosed is "the only form in a full bundle".
    if (!hasMember(record, "seed") && validateRecord(record)) {
      return [
        { pointer: at, message: `must be a disclosed record {seq, seed, event}: a full bundle holds no ${formOf(record)} record` },
      ];
    }
    return run(validateRecordDisclosed, record, at);
  }
  if (validateRecord(record)) return [];
  const form = closestForm(record);
  if (form === undefined) {
    return [{ pointer: at, message: `must have exactly the members of one record form: ${RECORD_FORMS_TEXT}` }];
  }
  return run(FORM_VALIDATORS[form], record, at);
}

/** `pointer: message`, the root spelled `(root)`: for one-line human output. */
export function formatSchemaIssue(issue: SchemaIssue): string {
  return `${issue.pointer === "" ? "(root)" : issue.pointer}: ${issue.message}`;
}

// --- from ajv errors to issues ------------------------------------------------------------------

function bundleKind(doc: JsonObject): BundleKind | undefined {
  const kind = hasMember(doc, "kind") ? doc.kind : undefined;
  return kind === "full" || kind === "share" || kind === "excerpt" ? kind : undefined;
}

function formOf(record: JsonObject): RecordForm {
  if (hasMember(record, "seed")) return "disclosed";
  return hasMember(record, "digest") ? "elided" : "partial";
}

function run(
  validator: CompiledValidator,
  data: JsonValue,
  at: JsonPointer,
  keep: (e: SchemaError) => boolean = () => true,
): SchemaIssue[] {
  if (validator(data)) return [];
  // Issue 12: an object with a million unknown members has a million errors; explaining them
  // looks at other errors (summaries, repeats), so only the first MAX_SCHEMA_ERRORS are read.
  const errors = (validator.errors ?? []).filter(keep).slice(0, MAX_SCHEMA_ERRORS);
  return dedupe(toIssues(errors, data, at));
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.pointer}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toIssues(errors: readonly SchemaError[], data: JsonValue, at: JsonPointer): SchemaIssue[] {
  // Errors explained by a summary (anyOf/oneOf branches, a property name's checks) or that
  // repeat another one (an `if` whose `then` failed, a timestamp's format after its pattern).
  const dropped = new Set<SchemaError>();
  for (const e of errors) {
    if (e.keyword === "if") dropped.add(e);
    if (e.propertyName !== undefined) dropped.add(e); // reported by its propertyNames error
    if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      for (const c of branchErrors(errors, e)) dropped.add(c);
    }
    if (e.keyword === "format") {
      const spelling = errors.some((o) => o.keyword === "pattern" && o.instancePath === e.instancePath && o.propertyName === undefined);
      if (spelling) dropped.add(e);
    }
  }
  const issues: SchemaIssue[] = [];
  for (const e of errors) {
    if (dropped.has(e)) continue;
    const issue = describe(e, errors, data);
    issues.push({ pointer: join(at, issue.pointer), message: issue.message });
  }
  return issues;
}

/** The errors an anyOf/oneOf error summarises: its branches' errors at or below its place. */
function branchErrors(errors: readonly SchemaError[], parent: SchemaError): SchemaError[] {
  const prefix = parent.schemaPath + "/";
  return errors.filter(
    (c) =>
      c !== parent &&
      c.schemaPath.startsWith(prefix) &&
      (c.instancePath === parent.instancePath || c.instancePath.startsWith(parent.instancePath + "/")),
  );
}

function describe(e: SchemaError, all: readonly SchemaError[], data: JsonValue): { pointer: string; message: string } {
  const here = e.instancePath;
  const got = (): string => ` (got ${preview(valueAt(data, here))})`;
  const p = e.params;
  switch (e.keyword) {
    case "required":
      return { pointer: here, message: `missing required member ${quote(String(p.missingProperty))}` };
    case "additionalProperties":
      return { pointer: here, message: `unexpected member ${quote(String(p.additionalProperty))}` };
    case "unevaluatedProperties":
      return { pointer: here, message: `unexpected member ${quote(String(p.unevaluatedProperty))}` };
    case "false schema": {
      // `properties: {x: false}`: the member must not be there (a full bundle's redaction).
      const tokens = parsePointer(here);
      const name = tokens?.[tokens.length - 1];
      if (tokens !== undefined && name !== undefined && isJsonObject(valueAt(data, parentOf(here)))) {
        return { pointer: parentOf(here), message: `unexpected member ${quote(name)}` };
      }
      return { pointer: here, message: "is not allowed here" };
    }
    case "type":
      return { pointer: here, message: `must be ${typeNames(p.type)}${got()}` };
    case "enum":
      return { pointer: here, message: `must be one of ${listValues(p.allowedValues)}${got()}` };
    case "const":
      return { pointer: here, message: `must be ${preview(p.allowedValue as JsonValue)}${got()}` };
    case "minLength":
      return {
        pointer: here,
        message: p.limit === 1 ? "must be a non-empty string" : `must be at least ${String(p.limit)} characters long`,
      };
    case "maxLength":
      return { pointer: here, message: `must be at most ${String(p.limit)} characters long` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { pointer: here, message: `must be ${String(p.comparison)} ${String(p.limit)}${got()}` };
    case "minItems":
      return { pointer: here, message: `must have at least ${String(p.limit)} items` };
    case "maxItems":
      return { pointer: here, message: `must have at most ${String(p.limit)} items` };
    case "pattern":
      return { pointer: here, message: `${patternMessage(String(p.pattern))}${got()}` };
    case "format":
      return {
        pointer: here,
        message:
          p.format === "date-time"
            ? `must be a real date and time: no such day or hour${got()}`
            : `must be a valid ${String(p.format)}${got()}`,
      };
    case "propertyNames": {
      const name = String(p.propertyName);
      const inner = all.find((o) => o.propertyName === name && o.instancePath === here && o.keyword === "pattern");
      const rule = inner ? patternMessage(String(inner.params.pattern)) : "is not an allowed name";
      return { pointer: here, message: `member name ${quote(name)} ${rule}` };
    }
    case "anyOf":
    case "oneOf": {
      const branches = branchErrors(all, e);
      const missing = branches.every((c) => c.keyword === "required" && c.instancePath === here);
      if (missing && branches.length > 0) {
        const names = branches.map((c) => quote(String(c.params.missingProperty)));
        return { pointer: here, message: `missing required member ${names.join(" or ")}` };
      }
      return {
        pointer: here,
        message: e.keyword === "oneOf" ? "must match exactly one of the allowed forms" : "must match one of the allowed forms",
      };
    }
    default:
      return { pointer: here, message: `fails the schema's ${e.keyword} check` };
  }
}

// Readable words for each pattern in schemas/common.schema.json; a test checks that every
// pattern used by a schema has an entry here.
const PATTERN_MESSAGES: ReadonlyMap<string, string> = new Map([
  ["^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$", "must be an RFC 3339 UTC timestamp like 2026-11-20T09:00:00.000Z"],
  ["^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$", 'must be a dotted lower-case name like "tool.call"'],
  ["^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$", 'must be a lower-case kind like "db.branch" or "file"'],
  ["^[0-9a-f]{64}$", "must be 64 lower-case hex characters"],
  ["^[A-Za-z0-9_-]+$", "must be non-empty base64url without padding"],
  ["^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$", "must be a 32-byte seed in base64url (43 characters)"],
  ["^[A-Za-z0-9_-]{21}[AQgw]$", "must be a 16-byte salt in base64url (22 characters)"],
  ["^(/([^/~]|~[01])*)+$", "must be a JSON Pointer below the root in canonical spelling, like /args/to"],
]);

/** Words for a schema pattern; exported for the test that keeps the table complete. */
export function patternMessage(pattern: string): string {
  return PATTERN_MESSAGES.get(pattern) ?? "does not have the expected form";
}

// --- previews: never a long value verbatim --------------------------------------------------

const PREVIEW_MAX = 40; // code points shown of a string before it is cut

function quote(s: string): string {
  const cps = Array.from(s);
  if (cps.length <= PREVIEW_MAX) return JSON.stringify(s);
  return `${JSON.stringify(cps.slice(0, PREVIEW_MAX - 8).join(""))}… (${cps.length} characters)`;
}

function preview(v: JsonValue | undefined): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return quote(v);
  if (typeof v === "number" || typeof v === "boolean" || v === null) {
    const text = String(v);
    return text.length <= PREVIEW_MAX ? text : `a number of ${text.length} characters`;
  }
  if (isJsonArray(v)) return v.length === 0 ? "an empty array" : `an array of ${v.length} item${v.length === 1 ? "" : "s"}`;
  return "an object";
}

function listValues(values: unknown): string {
  if (!Array.isArray(values)) return "the allowed values";
  return values.map((v) => (typeof v === "string" ? v : preview(v as JsonValue))).join(", ");
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: "an object",
  array: "an array",
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
  null: "null",
};

function typeNames(t: unknown): string {
  const list = Array.isArray(t) ? t : [t];
  const words = list.map((x) => (Object.hasOwn(TYPE_WORDS, String(x)) ? TYPE_WORDS[String(x)]! : String(x)));
  return words.length <= 1 ? (words[0] ?? "of another type") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

// --- pointers ----------------------------------------------------------------------------------

function join(at: JsonPointer, relative: string): JsonPointer {
  return (at + relative) as JsonPointer;
}

function parentOf(pointer: string): string {
  const i = pointer.lastIndexOf("/");
  return i <= 0 ? "" : pointer.slice(0, i);
}

/** The value at an ajv instancePath (RFC 6901 spelling), or undefined when there is none. */
function valueAt(root: JsonValue, pointer: string): JsonValue | undefined {
  const tokens = parsePointer(pointer);
  if (tokens === undefined) return undefined;
  let v: JsonValue | undefined = root;
  for (const t of tokens) {
    if (isJsonArray(v)) v = /^(0|[1-9]\d*)$/.test(t) ? v[Number(t)] : undefined;
    else if (isJsonObject(v)) v = hasMember(v, t) ? v[t] : undefined;
    else return undefined;
    if (v === undefined) return undefined;
  }
  return v;
}
