/**
 * Runs the real `imladri` command with a bound on time and memory that the harness enforces
 * (issue 12): a V8 heap limit (`--max-old-space-size`), a wall-clock timeout (the child is killed
 * past it), and the child's peak RSS measured by test/support/measure-rss.cjs. A test asserts
 * the run completed and how much memory it took; nothing here times the code under test.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { BIN, REPO, withoutSigningKey } from "./cli.js";

export interface BoundedResult {
  /** Exit code; -1 when the run was killed (timeout) or crashed on a signal. */
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child, in MB. */
  peakMb: number;
  /** V8's young generation at the child's exit, in bytes (src/io/young-generation.ts). */
  youngBytes: number;
  /** How many times the child set V8's young-generation growth factor. */
  growthSets: number;
  timedOut: boolean;
}

export interface Bounds {
  /** V8 old-space limit in MB (default 256): past it Node aborts, so the run fails. */
  heapMb?: number;
  /** Wall-clock limit in ms (default 60 s). */
  timeoutMs?: number;
  cwd?: string;
  /** Runs the command with its setting of V8 flags turned off: what V8 does without the hold. */
  unheldYoungGeneration?: boolean;
}

const WRAPPER = path.join(REPO, "test/support/measure-rss.cjs");

export function imladriBounded(args: string[], bounds: Bounds = {}): BoundedResult {
  const env: NodeJS.ProcessEnv = { ...withoutSigningKey(process.env), NO_COLOR: "1", ...(bounds.unheldYoungGeneration ? { IMLADRI_TEST_UNHELD: "1" } : {}) };
  const r = spawnSync(process.execPath, [`--max-old-space-size=${bounds.heapMb ?? 256}`, WRAPPER, BIN, ...args], {
    cwd: bounds.cwd ?? REPO,
    env,
    input: "",
    encoding: "utf8",
    timeout: bounds.timeoutMs ?? 60_000,
    killSignal: "SIGKILL",
    // Generous, so that a test sees unbounded output as too long instead of a truncated pipe.
    maxBuffer: 512 * 1024 * 1024,
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  const m = measured(String(r.output?.[3] ?? ""));
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", peakMb: m.maxRSS > 0 ? m.maxRSS / 1024 : NaN, youngBytes: m.youngBytes, growthSets: m.growthSets, timedOut };
}

/** What measure-rss.cjs wrote; NaN for each figure of a child that wrote nothing (killed, crashed). */
function measured(text: string): { maxRSS: number; youngBytes: number; growthSets: number } {
  try {
    const m = JSON.parse(text) as { maxRSS: number; youngBytes: number; growthSets: number };
    return { maxRSS: Number(m.maxRSS), youngBytes: Number(m.youngBytes), growthSets: Number(m.growthSets) };
  } catch {
    return { maxRSS: NaN, youngBytes: NaN, growthSets: NaN };
  }
}
