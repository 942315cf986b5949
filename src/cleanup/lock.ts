/**
 * One cleanup run at a time per log (DESIGN §10; docs/cleanup.md "Locks"). Two concurrent
 * `--apply` runs would both see the same leftover and both destroy it, and their appended events
 * would interleave. The lock is `<log>.cleanup-lock`, taken with the generic lock of
 * io/lock.ts: a lock left by a run that died on this host (including a zombie, or a pid now used
 * by another process) is taken over atomically; one held by a running run is refused (exit 73).
 */
import { acquireLock as acquireFileLock } from "../io/lock.js";

export function lockPathFor(logFile: string): string {
  return `${logFile}.cleanup-lock`;
}

/** Takes the lock or throws IoError (exit 73) naming the run that holds it. Returns the release function. */
export function acquireLock(logFile: string, run: string): () => void {
  return acquireFileLock(lockPathFor(logFile), {
    what: "cleanup lock",
    owner: `cleanup run ${run}`,
    heldAdvice: "it is cleaning up this log: wait for it to finish",
  });
}
