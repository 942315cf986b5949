/**
 * Step: evidence checks asked for with `--require` (DESIGN §8). Policy (what must be present) is
 * kept apart from cryptographic checking (what is true): an unmet check is `insufficient`, never
 * `invalid`.
 */
import { destroyCounts, eventFacts, resourceKey, type EventFacts } from "../../events/facts.js";
import type { JsonObject } from "../../json/value.js";
import type { RecordForm } from "../../bundle/types.js";
import type { Finding } from "../finding.js";

export const EVIDENCE_CHECKS = ["cleanup", "decisions", "no-elided"] as const;
export type EvidenceCheck = (typeof EVIDENCE_CHECKS)[number];

/**
 * What the checks read from one event: small enough to compute on a worker thread and pass to the
 * collector by value (src/io/parallel-verify.ts), so both paths fold the same facts.
 */
export type EvidenceFacts = Pick<EventFacts, "type" | "outcome" | "lifecycle">;

/** The facts of a disclosed or partial event that {@link EvidenceCollector.observe} needs. */
export function evidenceFactsOf(event: JsonObject): EvidenceFacts {
  const f = eventFacts(event);
  const out: EvidenceFacts = {};
  if (f.type !== undefined) out.type = f.type;
  if (f.outcome !== undefined) out.outcome = f.outcome;
  if (f.lifecycle !== undefined) out.lifecycle = f.lifecycle;
  return out;
}

/** Collects what the checks need, one record at a time. */
export class EvidenceCollector {
  private readonly open = new Map<string, { seq: number; label: string }>();
  private readonly findings: Finding[] = [];
  private readonly hidden: number[] = [];

  constructor(private readonly checks: ReadonlySet<EvidenceCheck>) {}

  /** True when any check is asked for: only then must records' facts be computed. */
  get active(): boolean {
    return this.checks.size > 0;
  }

  /** `facts` is undefined when the record shows no event (elided, or too broken to read one). */
  observe(seq: number, form: RecordForm, facts: EvidenceFacts | undefined): void {
    if (this.checks.size === 0) return;
    if (form === "elided" || facts === undefined) {
      this.hidden.push(seq);
      return;
    }
    const f = facts;
    if (this.checks.has("decisions") && (f.type === "tool.call" || (f.type === undefined && form === "partial"))) {
      if (f.outcome === undefined) {
        this.findings.push({ code: "require.decisions", effect: "insufficient", seq, pointer: `/events/${seq}/event/decision/outcome`, message: "a tool.call without a visible decision outcome" });
      }
    }
    if (this.checks.has("cleanup") && f.lifecycle) {
      const key = resourceKey(f.lifecycle.resource);
      if (f.lifecycle.action === "create") this.open.set(key, { seq, label: `${f.lifecycle.resource.kind} ${f.lifecycle.resource.id}` });
      else if (destroyCounts(f.lifecycle.cleanupResult)) this.open.delete(key);
    }
  }

  finish(): Finding[] {
    const out = [...this.findings];
    if (this.checks.has("no-elided") && this.hidden.length > 0) {
      out.push({ code: "require.no-elided", effect: "insufficient", message: `${this.hidden.length} event(s) are elided (first: seq ${this.hidden[0]})` });
    }
    if ((this.checks.has("cleanup") || this.checks.has("decisions")) && this.hidden.length > 0 && !this.checks.has("no-elided")) {
      out.push({ code: "require.hidden-events", effect: "insufficient", message: `${this.hidden.length} elided event(s) cannot be checked for the required evidence (first: seq ${this.hidden[0]})` });
    }
    if (this.checks.has("cleanup")) {
      for (const { seq, label } of this.open.values()) {
        out.push({ code: "require.cleanup", effect: "insufficient", seq, pointer: `/events/${seq}`, message: `${label} was created and never destroyed` });
      }
    }
    return out;
  }
}
