/**
 * TEST-ONLY fault and pause hooks of the I/O layer (issue 12), read once from the environment.
 * They exist so the tests can show, through the built CLI, what a full disk or a race does when
 * no small filesystem can be mounted and no timing can be trusted. Each value must start with
 * `test-only:`, so a stray variable cannot turn one on; any other value is ignored.
 *
 * - `IMLADRI_FAULT_WRITE=test-only:short`: every write hands the system at most half of what is
 *   left, as a full disk or a signal may (the write loop must finish the job).
 * - `IMLADRI_FAULT_WRITE=test-only:enospc:<bytes>`: after <bytes> bytes written by this process,
 *   writes fail with ENOSPC (the write that crosses the limit is short, as on a real disk).
 * - `IMLADRI_TEST_PAUSE_DIR=test-only:<dir>`: at each named pause point the process creates
 *   `<dir>/<point>.<pid>` and waits (up to 60 s) until `<dir>/go-<point>` exists, so a test can
 *   hold one command at a known step while it starts another.
 *
 * Documented as test-only in docs/cleanup.md ("Testing hooks"); never used by the product.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { sleepSync } from "./sleep.js";

const PREFIX = "test-only:";

type WriteFault = { kind: "short" } | { kind: "enospc"; budget: number };

function parseFault(v: string | undefined): WriteFault | undefined {
  if (v === undefined || !v.startsWith(PREFIX)) return undefined;
  const spec = v.slice(PREFIX.length);
  if (spec === "short") return { kind: "short" };
  const m = /^enospc:(\d{1,15})$/.exec(spec);
  return m ? { kind: "enospc", budget: Number(m[1]) } : undefined;
}

const fault = parseFault(process.env.IMLADRI_FAULT_WRITE);
const pauseDir = process.env.IMLADRI_TEST_PAUSE_DIR?.startsWith(PREFIX) ? process.env.IMLADRI_TEST_PAUSE_DIR.slice(PREFIX.length) : undefined;

/**
 * How many of `wanted` bytes the next write may hand the system under the fault hook, or throws
 * the ENOSPC the hook simulates. Without the hook: all of them.
 */
export function faultWriteLength(wanted: number): number {
  if (fault === undefined || wanted === 0) return wanted;
  if (fault.kind === "short") return Math.max(1, Math.floor(wanted / 2));
  if (fault.budget === 0) {
    throw Object.assign(new Error("ENOSPC: no space left on device, write (IMLADRI_FAULT_WRITE)"), { code: "ENOSPC", errno: -28, syscall: "write" });
  }
  return Math.min(wanted, fault.budget);
}

/** Counts bytes written against the ENOSPC budget. */
export function faultWritten(n: number): void {
  if (fault?.kind === "enospc") fault.budget -= n;
}

/** A named pause point (see the header); does nothing unless IMLADRI_TEST_PAUSE_DIR is set. */
export function testPause(point: string): void {
  if (pauseDir === undefined) return;
  try {
    fs.writeFileSync(path.join(pauseDir, `${point}.${process.pid}`), "");
  } catch {
    return;
  }
  const go = path.join(pauseDir, `go-${point}`);
  for (const end = Date.now() + 60_000; !fs.existsSync(go) && Date.now() < end; ) sleepSync(10);
}
