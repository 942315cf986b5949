/**
 * Findings and the verdict (DESIGN §8). Every check returns findings with a stable code and a
 * location; nothing throws for a bad bundle, and the verdict is computed here and only here.
 */

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
  if (findings.some((f) => f.effect === "invalid")) return "invalid";
  if (findings.some((f) => f.effect === "insufficient")) return "insufficient_evidence";
  return "verified";
}

export function verdictExitCode(verdict: Verdict): 0 | 1 | 2 {
  return verdict === "verified" ? 0 : verdict === "invalid" ? 1 : 2;
}
