/**
 * The timeline: one row per record, read the way `proof inspect` reads events (eventFacts,
 * recordFormOf, REDACTED from the core), with every value a share hides shown as `[redacted]`
 * and every elided event shown as such. Like inspect, it reads and never judges: the verdict
 * comes from the Verifier alone.
 *
 * It keeps the records it is given and builds rows a page at a time, so a 100,000-event share
 * costs one array of records, not 100,000 rows of DOM.
 */
import type { BundleSink } from "../core/bundle/read.js";
import { recordFormOf } from "../core/bundle/types.js";
import { eventFacts } from "../core/events/facts.js";
import { REDACTED, excerptView } from "../core/inspect/summary.js";
import { canonicalize } from "../core/json/canonical.js";
import { asPointer, isWithin, parsePointer, type JsonPointer } from "../core/json/pointer.js";
import { isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../core/json/value.js";
import type { Effect, Finding } from "../core/verify/finding.js";
import type { Fact, TimelineRow } from "./protocol.js";

/** Which values say what an event of a known type did (DESIGN §3's key fields). */
const RESOURCE: [string, string][] = [["resource", "/resource/kind"], ["id", "/resource/id"], ["provider", "/resource/provider"]];
const KEY_FIELDS: Record<string, [string, string][]> = {
  "tool.call": [["tool", "/tool/name"], ["decision", "/decision/outcome"], ["reason", "/decision/reason"], ["policy", "/decision/policy"], ["result", "/result/status"]],
  "db.write": [...RESOURCE, ["statement", "/statement"], ["args digest", "/argsDigest"], ["source untouched", "/sourceUntouched"]],
  "compute.run": [...RESOURCE, ["runtime", "/runtime"], ["attestation", "/attestation/format"], ["zeroized", "/zeroized"]],
  "authority.grant": [...RESOURCE, ["scopes", "/scopes"], ["expires", "/expiresAt"], ["parent", "/parent"]],
  "authority.revoke": [...RESOURCE, ["reason", "/reason"]],
  "detector.finding": [["detector", "/detector"], ["severity", "/severity"], ["disposition", "/disposition"], ["summary", "/summary"]],
  "resource.create": RESOURCE,
  "resource.destroy": [...RESOURCE, ["cleanup", "/cleanup/result"], ["run", "/cleanup/run"]],
};

/** Long values are cut in the row; the details view shows the whole event. */
const MAX_FACT_CHARS = 160;

const EFFECT_RANK: Record<Effect, number> = { invalid: 3, insufficient: 2, warning: 1, info: 0 };

function valueAt(root: JsonValue, pointer: string): JsonValue | undefined {
  const tokens = parsePointer(pointer);
  if (tokens === undefined) return undefined;
  let v: JsonValue | undefined = root;
  for (const t of tokens) {
    if (isJsonObject(v)) v = Object.prototype.hasOwnProperty.call(v, t) ? v[t] : undefined;
    else if (isJsonArray(v) && /^(0|[1-9][0-9]*)$/.test(t)) v = v[Number(t)];
    else return undefined;
  }
  return v;
}

/** A value as one line of text, with hidden parts shown as `[redacted]`. */
function inline(v: JsonValue, pointer: JsonPointer, hidden: (p: JsonPointer) => boolean): string {
  if (hidden(pointer)) return REDACTED;
  if (typeof v === "string") return v;
  if (isJsonArray(v)) return v.map((x, i) => inline(x, (pointer + "/" + i) as JsonPointer, hidden)).join(", ");
  if (isJsonObject(v)) return canonicalize(v);
  return JSON.stringify(v);
}

function cut(text: string): string {
  return text.length > MAX_FACT_CHARS ? text.slice(0, MAX_FACT_CHARS - 1) + "…" : text;
}

export class TimelineCollector implements BundleSink {
  /** Records by seq; undefined where a line could not be parsed. */
  private readonly records: (JsonValue | undefined)[] = [];
  private readonly bySeq = new Map<number, { worst: Effect; codes: string[] }>();

  /** DESIGN §12: an excerpt's rows are its records at their own seqs. */
  private excerpt = false;

  header(header: JsonObject): void {
    this.excerpt = header.kind === "excerpt";
  }

  record(record: JsonValue, index: number): void {
    this.records[index] = record;
  }

  problem(finding: Finding): void {
    if (finding.seq !== undefined) this.records[finding.seq] = undefined;
  }

  end(): void {}

  get length(): number {
    return this.records.length;
  }

  /** Marks each row with the findings about its seq (call once, with the verifier's findings). */
  attachFindings(findings: readonly Finding[]): void {
    for (const f of findings) {
      if (f.seq === undefined) continue;
      const mark = this.bySeq.get(f.seq) ?? { worst: f.effect, codes: [] };
      if (EFFECT_RANK[f.effect] > EFFECT_RANK[mark.worst]) mark.worst = f.effect;
      if (!mark.codes.includes(f.code)) mark.codes.push(f.code);
      this.bySeq.set(f.seq, mark);
    }
  }

  rows(offset: number, limit: number): TimelineRow[] {
    const out: TimelineRow[] = [];
    const end = Math.min(this.records.length, Math.max(0, offset) + Math.max(0, limit));
    for (let i = Math.max(0, offset); i < end; i++) out.push(this.excerpt ? this.excerptRow(i) : this.row(i, this.records[i]));
    return out;
  }

  /** An excerpt record: the record it carries, shown at its own seq. */
  private excerptRow(position: number): TimelineRow {
    const input = this.records[position];
    if (!isJsonObject(input)) return this.row(position, input);
    const { record, index } = excerptView(input);
    return this.row(index, record);
  }

  private row(seq: number, record: JsonValue | undefined): TimelineRow {
    const mark = this.bySeq.get(seq);
    const row: TimelineRow = { seq, form: "unreadable", facts: [], redacted: [], codes: mark?.codes ?? [] };
    if (mark) row.worst = mark.worst;
    const form = isJsonObject(record) ? recordFormOf(record) : undefined;
    if (!isJsonObject(record) || form === undefined) return row;
    row.form = form;
    if (form === "elided") {
      if (typeof record.digest === "string") row.digest = record.digest;
      return row;
    }
    const event = record.event;
    if (!isJsonObject(event)) {
      row.form = "unreadable";
      return row;
    }
    const redacted: JsonPointer[] = [];
    if (form === "partial" && isJsonObject(record.redacted)) {
      for (const p of Object.keys(record.redacted)) {
        const ptr = asPointer(p);
        if (ptr !== undefined) redacted.push(ptr);
      }
    }
    row.redacted = redacted;
    row.event = event;
    this.describe(row, event, redacted);
    return row;
  }

  private describe(row: TimelineRow, event: JsonObject, redacted: readonly JsonPointer[]): void {
    const hidden = (p: JsonPointer) => redacted.some((r) => isWithin(r, p, true));
    const show = (v: string | undefined, pointer: string) => v ?? (hidden(pointer as JsonPointer) ? REDACTED : undefined);
    const f = eventFacts(event);
    const ts = show(f.ts, "/ts");
    if (ts !== undefined) row.ts = ts;
    const type = show(f.type, "/type");
    if (type !== undefined) row.type = type;
    const tenant = show(f.tenant, "/actor/tenant");
    const agent = show(f.agent, "/actor/agent");
    if (tenant !== undefined || agent !== undefined) {
      const user = show(f.user, "/actor/user");
      row.actor = `${tenant ?? "?"}/${agent ?? "?"}${user !== undefined ? ` (user ${user})` : ""}`;
    }
    const fields: Fact[] = [];
    for (const [label, pointer] of (f.type && Object.hasOwn(KEY_FIELDS, f.type) && KEY_FIELDS[f.type]) || []) {
      const v = valueAt(event, pointer);
      if (v === undefined) continue;
      const at = pointer as JsonPointer;
      // Marked when the value or anything inside it is hidden (a disclosed "[redacted]" string is not).
      const touched = redacted.some((r) => isWithin(r, at, true) || isWithin(at, r));
      fields.push({ label, text: cut(inline(v, at, hidden)), redacted: touched });
    }
    row.facts = fields;
  }
}
