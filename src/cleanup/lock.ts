/**
 * One cleanup run at a time per log. Two concurrent `--apply` runs would both see the same
 * leftover and both destroy it, and their appended events would interleave. The lock is a file
 * beside the log, created with O_EXCL, holding the owner's pid, host and run id. A lock left by a
 * run that died (kill -9) on this host is taken over: its pid is no longer alive.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { CliError } from "../cli/errors.js";
import { ExitCode } from "../cli/exit-codes.js";
import { parseJsonBytes } from "../core/json/parse.js";
import { isJsonObject } from "../core/json/value.js";

/** A lock file that cannot be read (a crash between create and write) is stale after this. */
const UNREADABLE_STALE_MS = 30_000;

export interface LockInfo {
  pid: number;
  host: string;
  run: string;
  since: string;
}

export function lockPathFor(logFile: string): string {
  return `${logFile}.cleanup-lock`;
}

/** Takes the lock or throws CliError 73 naming the run that holds it. Returns the release function. */
export function acquireLock(logFile: string, run: string): () => void {
  const file = lockPathFor(logFile);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), run, since: new Date().toISOString() };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      try {
        fs.writeSync(fd, JSON.stringify(info) + "\n");
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      return () => releaseLock(file, run);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") {
        throw new CliError(ExitCode.cannotCreate, `${file}: cannot create the cleanup lock (${code ?? String(e)})`);
      }
    }
    const held = readLock(file);
    if (held === undefined && unreadableAndOld(file)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (held !== undefined && held.host === os.hostname() && !isAlive(held.pid)) {
      // A dead run's lock. Re-read just before removing it, so a lock another process took over
      // meanwhile is left alone.
      const again = readLock(file);
      if (again !== undefined && again.pid === held.pid && again.run === held.run) fs.rmSync(file, { force: true });
      continue;
    }
    const who = held !== undefined ? `run ${held.run} (pid ${held.pid} on ${held.host}, since ${held.since})` : "another cleanup run";
    throw new CliError(
      ExitCode.cannotCreate,
      `${file}: ${who} is cleaning up this log; wait for it to finish${held !== undefined && held.host !== os.hostname() ? ", or remove the lock if that run is gone" : ""}`,
    );
  }
  throw new CliError(ExitCode.cannotCreate, `${file}: cannot take the cleanup lock (it keeps changing)`);
}

function releaseLock(file: string, run: string): void {
  const held = readLock(file);
  if (held !== undefined && held.run === run && held.pid === process.pid) fs.rmSync(file, { force: true });
}

function unreadableAndOld(file: string): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return false;
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const v = parseJsonBytes(fs.readFileSync(file));
    if (
      isJsonObject(v) &&
      typeof v.pid === "number" &&
      typeof v.host === "string" &&
      typeof v.run === "string" &&
      typeof v.since === "string"
    ) {
      return { pid: v.pid, host: v.host, run: v.run, since: v.since };
    }
  } catch {
    // unreadable or half-written: treated as held by an unknown run
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
