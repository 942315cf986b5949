/**
 * Settling detector findings (DESIGN §9) one at a time, as a streamed share is scanned (issue 6):
 * FindingSettler must give exactly what the plain whole-array rule gives (accepted in scan order;
 * blocking most severe first, then by seq; unknown --accept ids), and when it keeps only the first
 * blocking findings it must keep the first by that order and count the rest.
 */
import { describe, expect, it } from "vitest";
import type { LeakFinding } from "../../../src/core/detect/scan.js";
import type { JsonPointer } from "../../../src/core/json/pointer.js";
import type { Severity } from "../../../src/core/detect/detectors.js";
import { FindingSettler, settleFindings } from "../../../src/core/redact/share.js";

const RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** The rule as a plain reference: filter, then a stable sort of the whole array. */
function reference(findings: LeakFinding[], accept: string[], previous: string[]) {
  const ids = new Set(findings.map((f) => f.id));
  const ok = new Set([...accept, ...previous]);
  return {
    accepted: findings.filter((f) => ok.has(f.id)),
    blocking: findings.filter((f) => !ok.has(f.id)).sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.seq - b.seq),
    unknown: [...new Set(accept)].filter((id) => !ids.has(id)),
  };
}

/** Findings in scan order (by seq), a few per event, of mixed severity. */
function findings(n: number, seed: number): LeakFinding[] {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648);
  const out: LeakFinding[] = [];
  let seq = 0;
  while (out.length < n) {
    seq += next() % 3;
    const severity = (["high", "medium", "low"] as const)[next() % 3]!;
    out.push({ id: `id-${out.length}`, detector: "email", severity, seq, pointer: `/p${out.length}` as JsonPointer, preview: "x" });
  }
  return out;
}

describe("FindingSettler", () => {
  it("gives what the whole-array rule gives, accepted, previous and unknown ids included", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const all = findings(200, seed);
      const accept = ["id-3", "id-50", "id-50", "no-such-id", "id-199"];
      const previous = ["id-7", "id-8", "gone"];
      const want = reference(all, accept, previous);
      expect(settleFindings(all, accept, previous)).toEqual({ ...want, blockingCount: want.blocking.length });
    }
  });

  it("keeping only the first blocking findings keeps the first by severity, then seq, and counts them all", () => {
    const all = findings(500, 9);
    const want = reference(all, ["id-10"], []);
    const settler = new FindingSettler(["id-10"], [], 20);
    for (const f of all) settler.add(f);
    const got = settler.result();
    expect(got.blocking).toEqual(want.blocking.slice(0, 20));
    expect(got.blockingCount).toBe(499);
    expect(got.accepted.map((f) => f.id)).toEqual(["id-10"]);
    expect(got.unknown).toEqual([]);
  });

  it("with nothing found, every --accept id is unknown", () => {
    expect(new FindingSettler(["a", "b", "a"]).result()).toEqual({ accepted: [], blocking: [], blockingCount: 0, unknown: ["a", "b"] });
  });
});
