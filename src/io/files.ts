/**
 * File I/O for the CLI: strict reads with sysexits codes, and atomic writes (DESIGN §11: temp
 * file, fsync, rename; never overwrite without --force; a failure leaves the old file intact).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { IoError, sysCodeOf } from "./errors.js";
import { ownerState, selfIdentity } from "./process-identity.js";
import { faultWriteLength, faultWritten, testPause } from "./test-hooks.js";

/** Reads a whole input file (or stdin for "-") as bytes. */
export function readInputBytes(file: string, what = "input"): Uint8Array {
  try {
    if (file === "-") return fs.readFileSync(0);
    return fs.readFileSync(file);
  } catch (e) {
    throw readError(e, file, what);
  }
}

/** The typed error for a failed read of `file`, from the system's error. */
export function readError(e: unknown, file: string, what: string): IoError {
  if (e instanceof IoError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return new IoError("notFound", file, `${file}: ${what} not found`, code);
  if (code === "EISDIR") return new IoError("unreadable", file, `${file}: is a folder, expected a ${what} file`, code);
  if (code === "EACCES" || code === "EPERM") return new IoError("unreadable", file, `${file}: permission denied reading the ${what}`, code);
  return new IoError("readFailed", file, `${file}: cannot read the ${what} (${sysCodeOf(e)})`, code);
}

export interface WriteOptions {
  force?: boolean;
  /** File mode for a new file; private keys use 0o600. */
  mode?: number;
  what?: string;
}

/** Refuses early (exit 73) when the output exists and --force was not given. */
export function assertWritable(file: string, options: WriteOptions = {}): void {
  if (!options.force && fs.existsSync(file)) {
    throw new IoError(
      "exists",
      file,
      `${file}: already exists; refusing to overwrite the ${options.what ?? "output"} (use --force to replace it)`,
    );
  }
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) {
    throw new IoError("cannotCreate", file, `${file}: folder ${dir} does not exist`);
  }
}

/**
 * Writes all of `data` at the file position, looping over short writes: a full disk, a quota or
 * a signal may make the system take fewer bytes than asked, and a write whose count is ignored
 * leaves a truncated file reported as success (issue 12). Throws the system's error; the caller
 * names the file. `progress.written` counts the bytes written, also when it throws. The one way
 * this codebase writes to a descriptor.
 */
export function writeAll(fd: number, data: string | Uint8Array, progress: { written: number } = { written: 0 }): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  while (progress.written < bytes.length) {
    const n = fs.writeSync(fd, bytes, progress.written, faultWriteLength(bytes.length - progress.written), null);
    faultWritten(n);
    // A write of zero bytes with no error should not happen for a regular file; looping on it
    // would never end, so it is the full disk it almost certainly is.
    if (n === 0) throw Object.assign(new Error("ENOSPC: the system wrote 0 bytes"), { code: "ENOSPC" });
    progress.written += n;
  }
}

/** The name prefix of every temp file this tool makes beside an output (spools, atomic writes, locks). */
const TEMP_PREFIX = ".imladri-tmp-";
/**
 * `.imladri-tmp-<host tag>-<boot tag>-<pid>-<start>-<random>`: the owner process is named (with
 * its host and boot, for folders shared between machines), so a later run can tell a dead one's file.
 */
const TEMP_NAME = /^\.imladri-tmp-([0-9a-f]{8})-([0-9a-f]{8}|0)-(\d{1,10})-(\d{1,20})-[0-9a-f]{12}$/;

/**
 * A fresh temp file path in `dir`, named for this process (host, boot, pid, start time) so a later
 * run can remove it if this process dies before it does (kill -9; {@link removeStaleTemps}).
 */
export function tempPathIn(dir: string): string {
  const me = selfIdentity();
  return path.join(dir, `${TEMP_PREFIX}${me.hostTag}-${me.bootTag}-${me.pid}-${me.start}-${randomBytes(6).toString("hex")}`);
}

/**
 * Removes temp files in `dir` left by runs of this tool that died (kill -9, a power cut): only
 * names this tool makes, owned by this user, whose process is proven gone (DESIGN §11; issue 12).
 * Such a file may hold a new private key or a whole bundle. Best effort: a failure is ignored.
 */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  const uid = process.getuid?.();
  const me = selfIdentity();
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    // Another host's file: its process cannot be checked from here.
    if (m === null || m[1] !== me.hostTag) continue;
    const owner = { bootTag: m[2]!, pid: Number(m[3]), start: m[4]! };
    if (ownerState(owner) !== "gone") continue;
    const file = path.join(dir, name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
      fs.unlinkSync(file);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

/**
 * Writes through a temp file in the same folder, fsyncs it, then renames it into place.
 * Without `force` the final step is a hard link, which fails if the target appeared meanwhile,
 * so a concurrent writer's file is never clobbered. On any failure (a full disk included) the
 * temp file is removed and the previous file is left as it was.
 */
export function writeFileAtomic(file: string, chunks: Iterable<string | Uint8Array>, options: WriteOptions = {}): void {
  assertWritable(file, options);
  const dir = path.dirname(path.resolve(file));
  removeStaleTemps(dir);
  const tmp = tempPathIn(dir);
  let fd: number;
  try {
    // Created with its final mode: a private key is never readable by others, not even briefly.
    fd = fs.openSync(tmp, "wx", options.mode ?? 0o644);
  } catch (e) {
    throw cannotWrite(file, options, e);
  }
  try {
    for (const c of chunks) writeAll(fd, c);
  } catch (e) {
    dropTemp(fd, tmp);
    throw e instanceof IoError ? e : cannotWrite(file, options, e);
  }
  commitTemp(fd, tmp, file, options);
}

/** Closes (if still open) and removes a temp file after a failure, whatever the close says. */
export function dropTemp(fd: number | undefined, tmp: string): void {
  try {
    if (fd !== undefined) fs.closeSync(fd);
  } catch {
    // The descriptor is released even when close reports an error (EIO): never closed twice.
  }
  fs.rmSync(tmp, { force: true });
}

/**
 * The permission bits a file created in `dir` with `mode` gets (the umask applied), found on an
 * empty probe file made and removed here: asking the process for its umask is deprecated, and a
 * file created with a wider mode and narrowed later could be opened in between.
 */
export function createdMode(dir: string, mode: number): number {
  const probe = tempPathIn(dir);
  const fd = fs.openSync(probe, "wx", mode);
  try {
    return fs.fstatSync(fd).mode & 0o777;
  } finally {
    dropTemp(fd, probe);
  }
}

/**
 * The last step of an atomic write (DESIGN §11): the temp file `tmp`, open as `fd` and written
 * whole, beside `file`, is fsynced, closed and put in place (a hard link without `force`, so a
 * file that appeared meanwhile is never clobbered; a rename with it). The temp file is gone
 * afterwards, whatever happened; on a failure the previous file is left as it was.
 */
export function commitTemp(fd: number, tmp: string, file: string, options: WriteOptions): void {
  let open: number | undefined = fd;
  try {
    fs.fsyncSync(fd);
    // Not open any more once close is asked, even if it reports an error.
    open = undefined;
    fs.closeSync(fd);
    testPause("temp-written");
    if (options.force) {
      fs.renameSync(tmp, file);
    } else {
      fs.linkSync(tmp, file);
      fs.unlinkSync(tmp);
    }
    fsyncDir(path.dirname(path.resolve(file)));
  } catch (e) {
    dropTemp(open, tmp);
    if (e instanceof IoError) throw e;
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === "EEXIST") {
      throw new IoError("exists", file, `${file}: already exists; refusing to overwrite (use --force to replace it)`, code);
    }
    throw cannotWrite(file, options, e);
  }
}

/** The error for an output that cannot be written (exit 73), naming the file and the system's error code. */
export function cannotWrite(file: string, options: WriteOptions, e: unknown): IoError {
  if (e instanceof IoError) return e;
  const what = options.what ?? "output";
  const kept = options.force ? `; the previous ${what} is unchanged` : "";
  return new IoError("writeFailed", file, `${file}: cannot write the ${what} (${sysCodeOf(e)})${kept}`, (e as NodeJS.ErrnoException)?.code);
}

function fsyncDir(dir: string): void {
  try {
    const d = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(d);
    } finally {
      fs.closeSync(d);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  }
}

/**
 * Appends one line to a log and fsyncs before returning (DESIGN §10: each outcome is durable
 * before the next action). If the file does not end in a newline, one is added first so a torn
 * last line from a crash never merges with the new one. If the append fails (a full disk), the
 * file is cut back to its size before it, so no torn line is left to block the next run
 * (docs/cleanup.md "Interrupted runs"); the error says whether that worked.
 */
export function appendLineDurable(file: string, line: string): void {
  if (line.includes("\n")) throw new Error("appendLineDurable: a JSON Lines record must not contain a newline");
  let fd: number | undefined;
  let size: number | undefined;
  const progress = { written: 0 };
  try {
    // O_APPEND: the runtime may append to the same log while cleanup runs; each write lands at the end.
    fd = fs.openSync(file, "a+");
    size = fs.fstatSync(fd).size;
    let prefix = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = "\n";
    }
    writeAll(fd, prefix + line + "\n", progress);
    fs.fsyncSync(fd);
  } catch (e) {
    let after = "";
    if (fd !== undefined && size !== undefined) {
      try {
        // Cut back only when the file holds exactly what it held plus our bytes: never a line
        // another writer appended meanwhile.
        if (fs.fstatSync(fd).size === size + progress.written) {
          fs.ftruncateSync(fd, size);
          fs.fsyncSync(fd);
          after = "; the log was cut back to where it was, so the next run can resume";
        } else {
          after = "; another writer appended meanwhile, so the log was not cut back: its last line from this run may be torn";
        }
      } catch (e2) {
        after = `; cutting the log back failed too (${sysCodeOf(e2)}): its last line may be torn`;
      }
    }
    throw new IoError("updateFailed", file, `${file}: cannot append to the log (${sysCodeOf(e)})${after}`, (e as NodeJS.ErrnoException)?.code);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
