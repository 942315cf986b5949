/**
 * The `file` provider (DESIGN §10): deletes a file or folder that lies inside a declared root.
 *
 * Rules, each checked before anything is deleted:
 * - the id is a path, absolute or relative to the root, with no `..` segment, no NUL, and not
 *   the root itself;
 * - the root is resolved once with realpath (the operator declared it); below it, every
 *   component on the way to the target is looked at with lstat and a symbolic link anywhere on
 *   the path is refused, as is a target that is itself a symlink;
 * - the target's realpath must be exactly the path walked (nothing resolves outside the root);
 * - nothing on another filesystem than the root is entered (a bind mount of `/` inside a work
 *   folder must not be emptied), like `rm --one-file-system`;
 * - inside a folder being deleted, symlinks are removed as links and never followed.
 * A path that no longer exists is `absent`.
 *
 * Node has no openat/unlinkat, so the checks are path-based: a process that swaps a folder for
 * a symlink between the check and the deletion could race it. Each folder is re-checked with
 * realpath just before it is read, which narrows that window; run cleanup after the workflow's
 * agents have stopped (docs/cleanup.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { FileProviderConfig } from "../config.js";
import type { Leftover } from "../plan.js";
import { errorText, type Outcome, type Provider } from "./types.js";

class Refusal extends Error {}

export class FileProvider implements Provider {
  readonly type = "file";
  readonly label: string;
  blocked: string | undefined;
  /** Local deletions are not cut off halfway: a timeout would leave an unknown state. */
  readonly timeoutMs = undefined;
  readonly retries: number;
  readonly retryDelayMs: number;
  private realRoot: string | undefined;

  constructor(private readonly config: FileProviderConfig) {
    this.label = `file ${config.root}`;
    this.retries = config.retries;
    this.retryDelayMs = config.retryDelayMs;
  }

  async preflight(): Promise<void> {
    try {
      const real = fs.realpathSync(this.config.root);
      if (!fs.statSync(real).isDirectory()) {
        this.blocked = `root ${this.config.root} is not a folder`;
        return;
      }
      this.realRoot = real;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.blocked = `root ${this.config.root} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? errorText(e)})`}`;
    }
  }

  vet(leftover: Leftover): string | undefined {
    const r = relativeInRoot(this.config.root, this.realRoot, leftover.id);
    return "refusal" in r ? r.refusal : undefined;
  }

  async destroy(leftover: Leftover, _signal: AbortSignal): Promise<Outcome> {
    if (this.realRoot === undefined) await this.preflight();
    if (this.realRoot === undefined) return { result: "failed", error: this.blocked ?? "root unusable", transient: false };
    const rel = relativeInRoot(this.config.root, this.realRoot, leftover.id);
    if ("refusal" in rel) return { result: "failed", error: `refused: ${rel.refusal}`, transient: false };
    try {
      return removeInside(this.realRoot, rel.segments);
    } catch (e) {
      if (e instanceof Refusal) return { result: "failed", error: `refused: ${e.message}`, transient: false };
      const code = (e as NodeJS.ErrnoException).code;
      return {
        result: "failed",
        error: `cannot delete ${leftover.id}: ${code ?? errorText(e)}`,
        transient: code === "EBUSY" || code === "EAGAIN" || code === "EMFILE" || code === "ENFILE",
      };
    }
  }
}

/**
 * The id's path segments below the root, or a refusal. Pure (no filesystem access).
 * ```ts
 * relativeInRoot("/srv/work", undefined, "job1/out.txt")       // { segments: ["job1", "out.txt"] }
 * relativeInRoot("/srv/work", undefined, "/srv/work/job1")     // { segments: ["job1"] }
 * relativeInRoot("/srv/work", undefined, "../etc/passwd")      // { refusal: "... '..' ..." }
 * ```
 */
export function relativeInRoot(root: string, realRoot: string | undefined, id: string): { segments: string[] } | { refusal: string } {
  const shown = JSON.stringify(id.length <= 120 ? id : id.slice(0, 117) + "...");
  if (id === "") return { refusal: "empty path" };
  if (id.includes("\0")) return { refusal: `path ${shown} contains a NUL character` };
  if (id.split("/").includes("..")) return { refusal: `path ${shown} has a ".." segment` };
  let rel: string;
  if (path.isAbsolute(id)) {
    const abs = path.resolve(id);
    if (abs === root || abs === realRoot) return { refusal: `path ${shown} is the root itself` };
    const base = [root, realRoot].find((r) => r !== undefined && abs.startsWith(r === "/" ? r : r + "/"));
    if (base === undefined) return { refusal: `path ${shown} is outside the root ${root}` };
    rel = path.relative(base, abs);
  } else {
    rel = path.relative(root, path.resolve(root, id));
  }
  if (rel === "") return { refusal: `path ${shown} is the root itself` };
  if (rel.startsWith("..") || path.isAbsolute(rel)) return { refusal: `path ${shown} is outside the root ${root}` };
  return { segments: rel.split(path.sep) };
}

/** Walks from the real root to the target with lstat, then deletes it. */
function removeInside(realRoot: string, segments: string[]): Outcome {
  const rootDev = fs.lstatSync(realRoot).dev;
  let current = realRoot;
  let st: fs.Stats | undefined;
  for (let i = 0; i < segments.length; i++) {
    current = path.join(current, segments[i]!);
    try {
      st = fs.lstatSync(current);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return { result: "absent" };
      throw e;
    }
    if (st.isSymbolicLink()) {
      const where = path.relative(realRoot, current);
      throw new Refusal(`${where} is a symbolic link${i < segments.length - 1 ? " on the path" : ""}: symlinks are never followed or deleted`);
    }
    if (st.dev !== rootDev) throw new Refusal(`${path.relative(realRoot, current)} is on another filesystem than the root`);
    if (i < segments.length - 1 && !st.isDirectory()) return { result: "absent" };
  }
  // Belt and braces: the walked path is its own realpath, so it cannot resolve outside the root.
  const real = fs.realpathSync(current);
  if (real !== current) throw new Refusal(`${path.relative(realRoot, current)} resolves to ${real}, not to itself`);
  if (st!.isDirectory()) {
    scanTree(current, rootDev);
    removeTree(current, rootDev);
  } else {
    fs.unlinkSync(current);
  }
  return { result: "ok" };
}

/** Refuses, before anything is deleted, a folder that reaches into another filesystem. */
function scanTree(dir: string, rootDev: number): void {
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    if (st.isDirectory()) {
      if (st.dev !== rootDev) throw new Refusal(`${p} is on another filesystem than the root (a mount point)`);
      scanTree(p, rootDev);
    }
  }
}

/** Deletes a folder bottom-up; symlinks inside are unlinked, never followed. */
function removeTree(dir: string, rootDev: number): void {
  // Re-checked right before reading: the folder must still be a real folder at this path.
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.dev !== rootDev || fs.realpathSync(dir) !== dir) {
    throw new Refusal(`${dir} changed while it was being deleted`);
  }
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = fs.lstatSync(p);
    if (s.isDirectory()) removeTree(p, rootDev);
    else fs.unlinkSync(p);
  }
  fs.rmdirSync(dir);
}
