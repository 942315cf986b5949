/**
 * How much a share hides, in the one phrase `proof inspect`, `proof verify`, `proof redact` and the
 * verifier page all print (issue 11, bug 5): "2 of 14 events elided, 14 fields redacted in 7 events".
 *
 * The events a phrase counts are the records with at least one redacted pointer, not the partial
 * records: every record a share discloses is partial (DESIGN §6: a share never carries a seed, so
 * a disclosed record becomes partial even with nothing to redact, and `redacted` may be `{}`), so
 * the partial count is the number of events disclosed, whatever their fields.
 */
import type { EventRecord } from "../bundle/types.js";

/** The redaction counts of a share's records, kept one record at a time. */
export interface RedactedCounts {
  /** Redacted pointers, over all records (the `stats.redactedFields` of DESIGN §6). */
  redactedFields: number;
  /** Records with at least one redacted pointer. */
  redactedEvents: number;
}

export interface HiddenCounts extends RedactedCounts {
  /** Records in the share. */
  events: number;
  /** Elided records (DESIGN §6: `{seq, digest}`). */
  elided: number;
}

/** Adds one record's redacted pointers (0 for a disclosed or elided record, or an empty `redacted`). */
export function countRedacted(counts: RedactedCounts, pointers: number): void {
  counts.redactedFields += pointers;
  if (pointers > 0) counts.redactedEvents++;
}

/** "E of N events elided, F fields redacted in M events", numbers through `format`. */
export function describeHidden(h: HiddenCounts, format: (n: number) => string = String): string {
  const fields = `${format(h.redactedFields)} field${h.redactedFields === 1 ? "" : "s"}`;
  const events = `${format(h.redactedEvents)} event${h.redactedEvents === 1 ? "" : "s"}`;
  return `${format(h.elided)} of ${format(h.events)} events elided, ${fields} redacted in ${events}`;
}

/** The redacted pointers of one record of a bundle or share (0 unless it is partial). */
export function redactedPointers(record: EventRecord): number {
  return "redacted" in record ? Object.keys(record.redacted).length : 0;
}
