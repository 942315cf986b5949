/**
 * An exclusive lock file beside the file it guards, for cleanup's log and for keyrings
 * (DESIGN §10, §7; docs/cleanup.md "Locks", docs/keys.md "Locking"). It holds the owner's pid,
 * process start time, host, a label and a random nonce.
 *
 * - Taking it: the lock is written whole to a temp file, then hard-linked to the lock path;
 *   link() fails if the path exists, so the lock appears complete or not at all.
 * - A lock whose owner is proven gone on this host (no such process, a zombie, or the pid now
 *   belongs to a process with another start time: io/process-identity.ts) is taken over. The
 *   takeover is serialized per stale lock: a taker first takes `<lock>.takeover-<id>` (the id is
 *   a hash of the stale lock's bytes, so it names that one lock instance) with this same
 *   function, re-reads the lock to confirm it still holds those bytes, and only then renames its
 *   own lock over it. No other process can replace that instance meanwhile (the holder is gone,
 *   other takers wait on the same takeover file, and a plain take fails while the file exists),
 *   so of N racing takers exactly one wins and no live lock is ever removed. A takeover file
 *   left by a taker that died is itself a stale lock and is taken over the same way.
 * - A lock from another host, or one whose owner cannot be proven gone, is never taken over.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { parseJsonBytes } from "../core/json/parse.js";
import { isJsonObject } from "../core/json/value.js";
import { IoError, sysCodeOf } from "./errors.js";
import { dropTemp, tempPathIn, writeAll } from "./files.js";
import { ownerState, selfIdentity } from "./process-identity.js";
import { sleepSync } from "./sleep.js";
import { testPause } from "./test-hooks.js";

/** A lock file that cannot be read (not written by this version) is stale after this. */
const UNREADABLE_STALE_MS = 30_000;
/** Takeover files nest (a taker that died while taking over); deeper than this is refused. */
const MAX_TAKEOVER_DEPTH = 3;

export interface LockInfo {
  pid: number;
  /** Process start time (io/process-identity.ts); "0" where the platform has none. */
  start: string;
  /** The boot it started in (io/process-identity.ts); "0" where unknown. */
  bootTag: string;
  host: string;
  /** Who holds it, for people: e.g. a cleanup run id or "keys rotate". */
  owner: string;
  since: string;
  nonce: string;
}

export interface LockOptions {
  /** What the lock guards, for messages: e.g. "cleanup lock". */
  what: string;
  /** Written into the lock for whoever finds it held. */
  owner: string;
  /** Keep trying this long while a running process holds it (default 0: refuse at once). */
  waitMs?: number;
  /** Appended to the "is held" message: what the person should do. */
  heldAdvice?: string;
}

/** Takes the lock at `file` or throws IoError (cannotCreate, exit 73) naming its holder. Returns the release function. */
export function acquireLock(file: string, options: LockOptions): () => void {
  const deadline = Date.now() + (options.waitMs ?? 0);
  let waited = false;
  for (;;) {
    const r = tryAcquire(file, options, 0);
    if (r.kind === "taken") {
      removeTakeoverLeftovers(file);
      return () => releaseLock(file, r.info);
    }
    if (Date.now() >= deadline) {
      const held = r.holder;
      const who = held !== undefined ? `${held.owner} (pid ${held.pid} on ${held.host}, since ${held.since})` : "another process";
      const remote = held !== undefined && held.host !== os.hostname() ? "; if that process is gone, remove the lock file" : "";
      throw new IoError("cannotCreate", file, `${file}: ${who} holds the ${options.what}${remote}${options.heldAdvice ? `; ${options.heldAdvice}` : ""}`);
    }
    if (!waited) {
      waited = true;
      testPause("lock-wait");
    }
    sleepSync(25);
  }
}

type Attempt = { kind: "taken"; info: LockInfo } | { kind: "held"; holder: LockInfo | undefined };

function tryAcquire(file: string, options: LockOptions, depth: number): Attempt {
  // Each round ends in a take, a live holder, or a change by another process; a burst of racing
  // takers settles within a few rounds (the one taking over is quick), so this bound is generous.
  for (let tries = 0; tries < 100; tries++) {
    const info = newInfo(options.owner);
    if (linkNew(file, info, options)) return { kind: "taken", info };
    const seen = readLockBytes(file);
    if (seen === undefined) continue; // released meanwhile: try again
    const held = parseLock(seen);
    if (!isStale(file, held)) return { kind: "held", holder: held };
    // Proven stale: take it over, one taker per stale instance.
    if (depth >= MAX_TAKEOVER_DEPTH) {
      throw new IoError("cannotCreate", file, `${file}: cannot take over the ${options.what}: takeovers keep failing; remove ${file}* if no process is using it`);
    }
    testPause("lock-stale");
    const guard = `${file}.takeover-${hashOf(seen)}`;
    const g = tryAcquire(guard, { ...options, what: `takeover of the ${options.what}` }, depth + 1);
    if (g.kind === "held") {
      // Another process is taking this stale lock over right now: see what it ends with.
      sleepSync(10);
      continue;
    }
    try {
      const now = readLockBytes(file);
      if (now === undefined || !now.equals(seen)) continue; // someone else's lock now, or none
      const tmp = writeLockTemp(file, info, options);
      try {
        fs.renameSync(tmp, file);
      } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw new IoError("cannotCreate", file, `${file}: cannot take over the ${options.what} (${sysCodeOf(e)})`, (e as NodeJS.ErrnoException).code);
      }
      return { kind: "taken", info };
    } finally {
      releaseLock(guard, g.info);
    }
  }
  throw new IoError("cannotCreate", file, `${file}: cannot take the ${options.what} (it keeps changing)`);
}

/**
 * Removes takeover files of earlier lock instances (left by a taker killed between its rename and
 * its release). Safe while we hold the lock: each names an instance that is gone for good (nonces
 * are unique), and a taker still holding one re-reads the lock and gives up.
 */
function removeTakeoverLeftovers(file: string): void {
  const dir = path.dirname(path.resolve(file));
  const prefix = `${path.basename(file)}.takeover-`;
  try {
    for (const name of fs.readdirSync(dir)) if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
  } catch {
    // best effort: a leftover is harmless
  }
}

function newInfo(owner: string): LockInfo {
  const me = selfIdentity();
  return { pid: me.pid, start: me.start, bootTag: me.bootTag, host: os.hostname(), owner, since: new Date().toISOString(), nonce: randomBytes(12).toString("hex") };
}

function writeLockTemp(file: string, info: LockInfo, options: LockOptions): string {
  const tmp = tempPathIn(path.dirname(path.resolve(file)));
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx", 0o600);
    writeAll(fd, JSON.stringify(info) + "\n");
    fs.fsyncSync(fd);
  } catch (e) {
    dropTemp(fd, tmp);
    fd = undefined;
    throw new IoError("cannotCreate", file, `${file}: cannot create the ${options.what} (${sysCodeOf(e)})`, (e as NodeJS.ErrnoException).code);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return tmp;
}

/** Creates the lock complete or not at all; false when it exists. */
function linkNew(file: string, info: LockInfo, options: LockOptions): boolean {
  const tmp = writeLockTemp(file, info, options);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    throw new IoError("cannotCreate", file, `${file}: cannot create the ${options.what} (${sysCodeOf(e)})`, code);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function releaseLock(file: string, info: LockInfo): void {
  let held: Buffer | undefined;
  try {
    held = readLockBytes(file);
  } catch {
    return; // not ours to remove
  }
  // Only our own lock: after a takeover by mistake (it cannot happen while we run) it is theirs.
  if (held !== undefined && parseLock(held)?.nonce === info.nonce) fs.rmSync(file, { force: true });
}

function isStale(file: string, held: LockInfo | undefined): boolean {
  if (held === undefined) {
    try {
      return Date.now() - fs.statSync(file).mtimeMs > UNREADABLE_STALE_MS;
    } catch {
      return false;
    }
  }
  return held.host === os.hostname() && ownerState(held) === "gone";
}

/** A lock is a short JSON line; more than this is not one of ours, and is not read further. */
const MAX_LOCK_BYTES = 4096;

/** The lock's bytes; undefined when there is none; throws IoError when it is there but unreadable. */
function readLockBytes(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const buf = Buffer.alloc(MAX_LOCK_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === "ENOENT") return undefined;
    // There but unreadable (another user's 0600 lock, a folder): never ours to take over.
    throw new IoError("cannotCreate", file, `${file}: cannot read the lock (${sysCodeOf(e)}): another user may hold it`, (e as NodeJS.ErrnoException)?.code);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function hashOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 24);
}

/** Reads the lock written by this version, or one from before it (pid, host, run, since); undefined when unreadable. */
function parseLock(bytes: Uint8Array): LockInfo | undefined {
  try {
    const v = parseJsonBytes(bytes);
    if (!isJsonObject(v) || typeof v.pid !== "number" || typeof v.host !== "string" || typeof v.since !== "string") return undefined;
    const owner = typeof v.owner === "string" ? v.owner : typeof v.run === "string" ? `run ${v.run}` : undefined;
    if (owner === undefined) return undefined;
    return {
      pid: v.pid,
      start: typeof v.start === "string" ? v.start : "0",
      bootTag: typeof v.bootTag === "string" ? v.bootTag : "0",
      host: v.host,
      owner,
      since: v.since,
      nonce: typeof v.nonce === "string" ? v.nonce : "",
    };
  } catch {
    return undefined;
  }
}

