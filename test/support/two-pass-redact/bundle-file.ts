/**
 * REFERENCE ONLY (issue 14): src/io/bundle-file.ts (readBundleFile, RereadableBundle) as it was before redact became one pass (commit 983ab29),
 * kept unchanged but for its imports so test/cli/redact-one-pass.test.ts can compare the one-pass
 * share with the two-pass one, byte for byte. Not shipped; do not use outside that test.
 */
/**
 * Feeding a bundle file to a sink (the verifier, inspect, redact). The JSON Lines form streams
 * line by line; the one-document form is read whole, with a limit that points to JSON Lines.
 * Reading one more than once (RereadableBundle), for redact's two passes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { detectBundleForm, JsonlBundleParser, readBundleBytes, type BundleSink } from "../../../src/core/bundle/read.js";
import type { JsonObject } from "../../../src/core/json/value.js";
import { IoError, sysCodeOf } from "../../../src/io/errors.js";
import { readInputBytes, readError } from "../../../src/io/files.js";
import { decodeLine, lineErrorMessage, readLines, type Line } from "../../../src/io/lines.js";

/** V8 cannot hold a string much over 512 MB; well before that, the document form is refused. */
export const MAX_DOCUMENT_BYTES = 400 * 1024 * 1024;

/** The JSON Lines header line (statement, signatures, redaction block) is never this large. */
export const MAX_HEADER_LINE = 16 * 1024 * 1024;

export function readBundleFile(file: string, sink: BundleSink): "json" | "jsonl" {
  if (file === "-") return readBundleBytes(readInputBytes(file, "bundle"), sink);
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    size = st.size;
  } catch (e) {
    throw readError(e, file, "bundle");
  }
  const first = peekFirstLine(file, MAX_HEADER_LINE);
  const header = first && "text" in first ? jsonlHeaderOf(first.text) : undefined;
  if (header !== undefined) {
    const parser = new JsonlBundleParser(sink);
    parser.pushHeader(header);
    for (const l of readLines(file, "bundle")) {
      if (l.line === 1) continue;
      if ("error" in l && l.error === "too-long") parser.pushUnread(`line ${l.line} ${lineErrorMessage(l.error)}`, l.line);
      else if ("error" in l) sink.problem({ code: "bundle.parse", effect: "invalid", message: `line ${l.line} ${lineErrorMessage(l.error)}`, line: l.line });
      else parser.pushLine(l.text, l.line);
    }
    parser.end();
    return "jsonl";
  }
  if (size > MAX_DOCUMENT_BYTES) {
    throw new IoError(
      "badData",
      file,
      `${file}: ${Math.round(size / 1048576)} MB is too large for the one-document form; export it with --format jsonl, which streams`,
    );
  }
  return readBundleBytes(readInputBytes(file, "bundle"), sink);
}

/**
 * A bundle read more than once: redact checks it whole through the verifier, then reads it again
 * to redact it (issue 6), so that neither pass holds the records. What is redacted must be what
 * was checked: `unchanged()` compares the file's identity (device, inode, size, modification and
 * change times; the change time cannot be set back) with the one taken before the first pass.
 * File times tick coarsely (milliseconds), so a writer still at work in the tick of that first
 * look could go unseen; records changed that way still cannot make a share that verifies with
 * events the issuer did not sign (their digests would not chain to the signed head).
 * Stdin can be read only once: it is read whole (as every command reads stdin) and copied to a
 * 0600 temp file, which `close()` removes.
 */
export class RereadableBundle {
  private constructor(
    /** The file to read: the bundle, or the copy of stdin. */
    readonly path: string,
    private readonly identity: string,
    private readonly copied: boolean,
  ) {}

  static open(file: string): RereadableBundle {
    if (file !== "-") return new RereadableBundle(file, identityOf(file, file), false);
    const bytes = readInputBytes(file, "bundle");
    const copy = path.join(os.tmpdir(), `.imladri-stdin-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      fs.writeFileSync(copy, bytes, { mode: 0o600, flag: "wx" });
    } catch (e) {
      fs.rmSync(copy, { force: true });
      throw new IoError("writeFailed", "-", `cannot keep a copy of the bundle read from stdin in ${os.tmpdir()} (${sysCodeOf(e)})`, (e as NodeJS.ErrnoException)?.code);
    }
    return new RereadableBundle(copy, identityOf(copy, file), true);
  }

  /** True when the file is still the one opened (nothing replaced, appended or rewritten). */
  unchanged(): boolean {
    try {
      return identityOf(this.path, this.path) === this.identity;
    } catch {
      return false;
    }
  }

  /** Removes the copy of stdin, if any. */
  close(): void {
    if (this.copied) fs.rmSync(this.path, { force: true });
  }
}

function identityOf(file: string, name: string): string {
  try {
    const st = fs.statSync(file, { bigint: true });
    return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(":");
  } catch (e) {
    throw readError(e, name, "bundle");
  }
}

/** The old first-line test (now core's detectBundleForm). */
function jsonlHeaderOf(firstLine: string): JsonObject | undefined {
  const d = detectBundleForm(firstLine);
  return d.form === "jsonl" ? d.header : undefined;
}

/** The old first-line peek of src/io/lines.ts. */
export function peekFirstLine(file: string, limit: number, what = "bundle"): Line | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    // stat succeeds on a file that cannot be read (mode 000): this is where that shows.
    throw readError(e, file, what);
  }
  try {
    const pieces: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(64 * 1024);
    while (total < limit) {
      const n = fs.readSync(fd, buf, 0, buf.length, total);
      if (n === 0) return pieces.length === 0 ? undefined : decodeLine(Buffer.concat(pieces), 1, true);
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) {
        pieces.push(Buffer.from(buf.subarray(0, nl)));
        return decodeLine(Buffer.concat(pieces), 1, true);
      }
      pieces.push(Buffer.from(buf.subarray(0, n)));
      total += n;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}
