/**
 * Findings and the verdict (DESIGN §8). Every check returns findings with a stable code and a
 * location; nothing throws for a bad bundle, and the verdict is computed here and only here.
 */
import { MAX_FINDINGS_PER_CODE } from "../limits.js";

/** What a finding does to the verdict. */
export type Effect =
  /** a recomputation differs, a trusted signature fails, a revoked key, a malformed bundle */
  | "invalid"
  /** consistent, but evidence is lacking (signatures, --require) */
  | "insufficient"
  /** worth a look, does not change the verdict (e.g. event contents that break a schema) */
  | "warning"
  | "info";

export interface Finding {
  /** Stable, dotted, e.g. `chain.head-mismatch`; tests and scripts match on it. */
  code: string;
  effect: Effect;
  message: string;
  /** The event record's seq, when the finding is about one event. */
  seq?: number;
  /** JSON Pointer into the bundle document (the same for both bundle forms). */
  pointer?: string;
  /** Line in the file, for JSON Lines input and parse errors. */
  line?: number;
}

export type Verdict = "verified" | "invalid" | "insufficient_evidence";

export function computeVerdict(findings: readonly Finding[]): Verdict {
  return verdictFrom((effect) => findings.some((f) => f.effect === effect));
}

function verdictFrom(has: (effect: Effect) => boolean): Verdict {
  if (has("invalid")) return "invalid";
  if (has("insufficient")) return "insufficient_evidence";
  return "verified";
}

/**
 * The findings of one verification, capped per code (issue 12): a hostile bundle can make a
 * finding per line, so only the first {@link MAX_FINDINGS_PER_CODE} of each code are kept and the
 * rest counted. The verdict still weighs every finding added: a dropped `invalid` is `invalid`.
 * ```ts
 * const list = new FindingList();
 * list.add({ code: "bundle.parse", effect: "invalid", message: "..." });
 * list.verdict(); // "invalid"
 * list.dropped(); // {} until a code passes the cap, then e.g. { "bundle.parse": 199900 }
 * ```
 */
export class FindingList {
  private readonly kept: Finding[] = [];
  /** Findings added per code, kept or not (codes are the tool's own, a handful). */
  private readonly perCode = new Map<string, number>();
  private readonly effects = new Set<Effect>();

  constructor(private readonly perCodeLimit: number = MAX_FINDINGS_PER_CODE) {}

  add(finding: Finding): void {
    this.effects.add(finding.effect);
    const n = (this.perCode.get(finding.code) ?? 0) + 1;
    this.perCode.set(finding.code, n);
    if (n <= this.perCodeLimit) this.kept.push(finding);
  }

  /** Adds each in order (never `push(...spread)`: a spread of a data-sized list overflows the stack). */
  addAll(findings: Iterable<Finding>): void {
    for (const f of findings) this.add(f);
  }

  /** The kept findings, in the order added. */
  get findings(): readonly Finding[] {
    return this.kept;
  }

  /** True when a finding with this effect was added, kept or not. */
  has(effect: Effect): boolean {
    return this.effects.has(effect);
  }

  /** How many findings of each code were counted but not kept; codes with none are absent. */
  dropped(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [code, n] of [...this.perCode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (n > this.perCodeLimit) out[code] = n - this.perCodeLimit;
    }
    return out;
  }

  verdict(): Verdict {
    return verdictFrom((effect) => this.effects.has(effect));
  }
}

export function verdictExitCode(verdict: Verdict): 0 | 1 | 2 {
  return verdict === "verified" ? 0 : verdict === "invalid" ? 1 : 2;
}
