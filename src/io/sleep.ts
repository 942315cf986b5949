/** Blocks this thread for `ms` milliseconds (the CLI's I/O is synchronous: a retry waits here). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
