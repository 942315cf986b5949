/**
 * The leak findings of a whole export (DESIGN §9), in bounded memory (issue 14): a count per
 * detector and severity, and the first few findings of each detector for the listing. A log of a
 * million e-mail addresses is a handful of listed findings and a count, not a million objects
 * (and not a million warnings).
 */
import { SEVERITIES, type Severity } from "./detectors.js";
import type { LeakFinding } from "./scan.js";

/** Findings listed per detector; the rest are counted. */
export const LISTED_PER_DETECTOR = 5;

export class LeakTally {
  private readonly listedByDetector = new Map<string, LeakFinding[]>();
  private readonly countByDetector = new Map<string, number>();
  private readonly countBySeverity = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));

  constructor(private readonly perDetector = LISTED_PER_DETECTOR) {}

  /** Adds a finding: every match it stands for (itself and its `more`) is counted. */
  add(f: LeakFinding): void {
    const n = 1 + (f.more ?? 0);
    this.countByDetector.set(f.detector, (this.countByDetector.get(f.detector) ?? 0) + n);
    this.countBySeverity.set(f.severity, this.countBySeverity.get(f.severity)! + n);
    let list = this.listedByDetector.get(f.detector);
    if (list === undefined) this.listedByDetector.set(f.detector, (list = []));
    if (list.length < this.perDetector) list.push(f);
  }

  /** Matches found of one severity, listed or not. */
  count(severity: Severity): number {
    return this.countBySeverity.get(severity)!;
  }

  get total(): number {
    let n = 0;
    for (const c of this.countBySeverity.values()) n += c;
    return n;
  }

  /** Matches per detector id, listed or not. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.countByDetector);
  }

  /** The findings kept for the listing (of the severities given), in order of seq. */
  listed(severities: readonly Severity[] = SEVERITIES): LeakFinding[] {
    const out: LeakFinding[] = [];
    for (const list of this.listedByDetector.values()) for (const f of list) if (severities.includes(f.severity)) out.push(f);
    return out.sort((a, b) => a.seq - b.seq);
  }
}
