/**
 * File I/O for the CLI: strict reads with sysexits codes, and atomic writes (DESIGN §11: temp
 * file, fsync, rename; never overwrite without --force; a failure leaves the old file intact).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { IoError, sysCodeOf } from "./errors.js";

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
      "cannotCreate",
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
 * Writes through a temp file in the same folder, fsyncs it, then renames it into place.
 * Without `force` the final step is a hard link, which fails if the target appeared meanwhile,
 * so a concurrent writer's file is never clobbered.
 */
export function writeFileAtomic(file: string, chunks: Iterable<string | Uint8Array>, options: WriteOptions = {}): void {
  assertWritable(file, options);
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.imladri-tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx", options.mode ?? 0o644);
    for (const c of chunks) fs.writeSync(fd, typeof c === "string" ? Buffer.from(c, "utf8") : c);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    if (options.force) {
      fs.renameSync(tmp, file);
    } else {
      fs.linkSync(tmp, file);
      fs.unlinkSync(tmp);
    }
    fsyncDir(dir);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    if (e instanceof IoError) throw e;
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === "EEXIST") {
      throw new IoError("cannotCreate", file, `${file}: already exists; refusing to overwrite (use --force to replace it)`, code);
    }
    throw cannotWrite(file, options, e);
  }
}

/** The error for an output that cannot be written (exit 73), naming the file and the system's error code. */
export function cannotWrite(file: string, options: WriteOptions, e: unknown): IoError {
  if (e instanceof IoError) return e;
  return new IoError("writeFailed", file, `${file}: cannot write the ${options.what ?? "output"} (${sysCodeOf(e)})`, (e as NodeJS.ErrnoException)?.code);
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
 * last line from a crash never merges with the new one.
 */
export function appendLineDurable(file: string, line: string): void {
  if (line.includes("\n")) throw new Error("appendLineDurable: a JSON Lines record must not contain a newline");
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "a+");
    const size = fs.fstatSync(fd).size;
    let prefix = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = "\n";
    }
    fs.writeSync(fd, prefix + line + "\n");
    fs.fsyncSync(fd);
  } catch (e) {
    throw new IoError("updateFailed", file, `${file}: cannot append to the log (${sysCodeOf(e)})`, (e as NodeJS.ErrnoException)?.code);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
