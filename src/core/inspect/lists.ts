/**
 * How the lists of a summary are read by a person (issue 11, "Reading large shares"): at most a
 * screenful of each, the most important first, then how many more. A 20,000-event share has
 * ~1,500 blocked actions and ~1,300 resources; `proof inspect` shows the first {@link LIST_CAP}
 * of each and "and 1,480 more (--json for all)", the verifier page the same with "show all".
 * `--json` always carries everything. Shared by the CLI and the page (no imports but types, so
 * the page's main-thread script stays small).
 */
import type { ResourceLine } from "./summary.js";

/** Rows of one list shown before "and N more": a screenful, with the lines around it. */
export const LIST_CAP = 20;

/** Still running or failed to go away come first: those are what a reader must act on. */
const RESOURCE_RANK: Record<ResourceLine["state"], number> = { failed: 0, left: 1, destroyed: 2, "destroyed-only": 3 };

/** A resource that exists after the log ends (never destroyed, or its last destroy failed). */
export function stillRunning(r: ResourceLine): boolean {
  return r.state === "left" || r.state === "failed";
}

/** Resources in reading order: destroy failed, left running, then destroyed; by seq within each. */
export function resourcesByImportance(resources: readonly ResourceLine[]): ResourceLine[] {
  const seq = (r: ResourceLine) => r.createdSeq ?? r.destroyedSeq ?? 0;
  return [...resources].sort((a, b) => RESOURCE_RANK[a.state] - RESOURCE_RANK[b.state] || seq(a) - seq(b));
}

/** Resource counts by what a reader does about them. */
export function resourceTally(resources: readonly ResourceLine[]): { running: number; failed: number; destroyed: number } {
  const t = { running: 0, failed: 0, destroyed: 0 };
  for (const r of resources) {
    if (r.state === "left") t.running++;
    else if (r.state === "failed") t.failed++;
    else t.destroyed++;
  }
  return t;
}

/** What a person reads for a resource's state. */
export const RESOURCE_STATE_TEXT: Record<ResourceLine["state"], string> = {
  left: "left running",
  failed: "destroy failed",
  destroyed: "destroyed",
  "destroyed-only": "destroyed (created earlier)",
};

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Counts keyed by name (types, decisions) in reading order: by name when they all fit in
 * {@link LIST_CAP}, else the most frequent first, so the capped line shows what matters.
 */
export function countsForReading(counts: Readonly<Record<string, number>>): [string, number][] {
  const entries = Object.entries(counts);
  return entries.length <= LIST_CAP ? entries.sort(([a], [b]) => byName(a, b)) : entries.sort(([a, m], [b, n]) => n - m || byName(a, b));
}

/** The words after a capped list: "and 1,480 more". */
export function moreText(more: number): string {
  return `and ${more.toLocaleString("en-US")} more`;
}
