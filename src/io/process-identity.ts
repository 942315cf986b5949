/**
 * Which process owns a lock or a temp file, and whether it still runs (issue 12). A pid alone
 * is not enough: a zombie (exited, not yet reaped) still answers `kill(pid, 0)`, and a pid is
 * reused once its process is gone. On Linux each owner is recorded as pid + start time (field 22
 * of /proc/<pid>/stat, clock ticks since boot), and a holder counts as running only when
 * /proc/<pid>/stat exists, is not in state Z (zombie) or X (dead), and shows the recorded start.
 * Without /proc the start time is "0" and only `kill(pid, 0)` can answer.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { createHash } from "node:crypto";

export interface ProcessIdentity {
  pid: number;
  /** The start time from /proc/<pid>/stat, or "0" when the platform has none. */
  start: string;
}

/** This process, and the machine boot it runs in (start times count from boot). */
export interface SelfIdentity extends ProcessIdentity {
  /** A short tag of this host's name: files in a shared folder may come from other hosts. */
  hostTag: string;
  /** A short tag of this boot (/proc/sys/kernel/random/boot_id), or "0" when unknown. */
  bootTag: string;
}

function tag(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

interface ProcStat {
  state: string;
  start: string;
}

/** Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat; undefined when there is no such process or no /proc. */
function readProcStat(pid: number | "self"): ProcStat | "gone" | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOENT with a /proc that exists: the process is gone. No /proc at all: unknown.
    if (code === "ENOENT" && fs.existsSync("/proc/self/stat")) return "gone";
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const start = fields[19];
  if (state === undefined || start === undefined || !/^\d+$/.test(start)) return undefined;
  return { state, start };
}

let self: SelfIdentity | undefined;

/** This process, as recorded in the locks and temp file names it makes. */
export function selfIdentity(): SelfIdentity {
  if (self === undefined) {
    const stat = readProcStat("self");
    let boot = "";
    try {
      boot = fs.readFileSync("/proc/sys/kernel/random/boot_id", "latin1").trim();
    } catch {
      // no /proc: the boot is unknown
    }
    self = { pid: process.pid, start: typeof stat === "object" ? stat.start : "0", hostTag: tag(os.hostname()), bootTag: boot === "" ? "0" : tag(boot) };
  }
  return self;
}

/**
 * Whether the process that recorded `owner` on this host still runs. "unknown" when that cannot
 * be proven either way (never taken as dead). An owner from an earlier boot is gone (the start
 * time counts from boot, so it proves nothing across a reboot).
 */
export function ownerState(owner: ProcessIdentity & { bootTag?: string }): "running" | "gone" | "unknown" {
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return "unknown";
  const me = selfIdentity();
  if (owner.bootTag !== undefined && owner.bootTag !== "0" && me.bootTag !== "0" && owner.bootTag !== me.bootTag) return "gone";
  const stat = readProcStat(owner.pid);
  if (stat === "gone") return "gone";
  if (stat !== undefined) {
    if (stat.state === "Z" || stat.state === "X" || stat.state === "x") return "gone";
    if (owner.start !== "0" && stat.start !== owner.start) return "gone"; // the pid was reused
    return "running";
  }
  try {
    process.kill(owner.pid, 0);
    return "running";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return "gone";
    return code === "EPERM" ? "running" : "unknown";
  }
}
