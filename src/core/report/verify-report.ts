/**
 * `proof verify`'s result as a {@link CheckReport}: findings grouped into the verification steps
 * of docs/spec.md §8 by their code's first part (`record.digest` → records). A step that does not
 * apply (no --require, not a share, ...) is reported as skipped, never as passed.
 */
import type { Finding } from "../verify/finding.js";
import type { VerificationReport } from "../verify/verifier.js";
import type { CheckReport, ReportCheck, ReportFinding, ReportLevel } from "./check-report.js";

export interface VerifyRunFacts {
  bundle: string;
  toolVersion: string;
  exitCode: number;
  /** Which optional steps were asked for. */
  keyring: boolean;
  require: boolean;
  since: boolean;
}

/** The steps, in the order verification runs them, and the code prefixes each one reports. */
const STEPS: readonly { name: string; prefixes: readonly string[]; applies?: (r: VerificationReport, x: VerifyRunFacts) => string | undefined }[] = [
  { name: "structure", prefixes: ["bundle", "statement"] },
  { name: "keyring", prefixes: ["keyring"], applies: (_r, x) => (x.keyring ? undefined : "no --keyring given") },
  { name: "records", prefixes: ["record"], applies: (r) => (r.kind === "checkpoint" ? "a checkpoint holds no records" : undefined) },
  { name: "chain", prefixes: ["chain"], applies: (r) => (r.kind === "excerpt" || r.kind === "checkpoint" ? `an ${r.kind === "excerpt" ? "excerpt" : "checkpoint"} cannot recompute the chain` : undefined) },
  // DESIGN §12: the event tree (recomputed, or an excerpt's paths, a checkpoint's consistency proof).
  { name: "tree", prefixes: ["tree", "excerpt", "checkpoint"], applies: (r) => (r.tree === undefined ? "no event tree (a v1 statement)" : undefined) },
  { name: "signatures", prefixes: ["signature"] },
  { name: "redaction", prefixes: ["redaction"], applies: (r) => (r.kind === undefined || r.kind === "full" || r.kind === "checkpoint" ? "no redaction block" : undefined) },
  { name: "event-schemas", prefixes: ["event"] },
  { name: "evidence", prefixes: ["require"], applies: (_r, x) => (x.require ? undefined : "no --require given") },
  { name: "since", prefixes: ["since"], applies: (_r, x) => (x.since ? undefined : "no --since given") },
];

const LEVEL: Readonly<Record<Finding["effect"], ReportLevel>> = { invalid: "error", insufficient: "error", warning: "warning", info: "note" };

function toReportFinding(f: Finding): ReportFinding {
  return {
    code: f.code,
    level: LEVEL[f.effect],
    message: f.message,
    ...(f.seq !== undefined ? { seq: f.seq } : {}),
    ...(f.pointer !== undefined ? { pointer: f.pointer } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
    properties: { effect: f.effect },
  };
}

function prefixOf(code: string): string {
  const dot = code.indexOf(".");
  return dot < 0 ? code : code.slice(0, dot);
}

export function verifyCheckReport(r: VerificationReport, x: VerifyRunFacts): CheckReport {
  const checks: ReportCheck[] = STEPS.map((s) => ({ name: s.name, findings: [] as ReportFinding[], ...skipOf(s, r, x) }));
  const byPrefix = new Map<string, ReportCheck>();
  STEPS.forEach((s, i) => s.prefixes.forEach((p) => byPrefix.set(p, checks[i]!)));
  for (const f of r.findings) {
    const prefix = prefixOf(f.code);
    let check = byPrefix.get(prefix);
    if (check === undefined) {
      // A code of a step this list does not name yet (e.g. a newer format's): its own check.
      check = { name: prefix, findings: [] };
      byPrefix.set(prefix, check);
      checks.push(check);
    }
    // A finding in a step marked as not applying means it ran after all.
    delete check.skipped;
    check.findings.push(toReportFinding(f));
  }
  const properties: Record<string, string | number | boolean> = {
    verdict: r.verdict,
    validSignatures: r.validSignatures,
    minSignatures: r.minSignatures,
  };
  if (r.identity !== undefined) properties.identity = r.identity;
  if (r.chain !== undefined) properties.chain = r.chain;
  if (r.length !== undefined) properties.length = r.length;
  if (r.kind !== undefined) properties.kind = r.kind;
  return { command: "proof verify", toolVersion: x.toolVersion, subject: x.bundle, verdict: r.verdict, exitCode: x.exitCode, checks, properties };
}

function skipOf(s: (typeof STEPS)[number], r: VerificationReport, x: VerifyRunFacts): { skipped?: string } {
  const why = s.applies?.(r, x);
  return why === undefined ? {} : { skipped: why };
}
