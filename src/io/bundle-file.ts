/**
 * Feeding a bundle file to a sink (the verifier, inspect, redact). The JSON Lines form streams
 * line by line; the one-document form is read whole, with a limit that points to JSON Lines.
 */
import * as fs from "node:fs";
import { JsonlBundleParser, jsonlHeaderOf, readBundleBytes, type BundleSink } from "../core/bundle/read.js";
import { CliError } from "../cli/errors.js";
import { ExitCode } from "../cli/exit-codes.js";
import { readInputBytes, ioErrorToCliError } from "./files.js";
import { lineErrorMessage, peekFirstLine, readLines } from "./lines.js";

/** V8 cannot hold a string much over 512 MB; well before that, the document form is refused. */
export const MAX_DOCUMENT_BYTES = 400 * 1024 * 1024;

/** The JSON Lines header line (statement, signatures, redaction block) is never this large. */
const MAX_HEADER_LINE = 16 * 1024 * 1024;

export function readBundleFile(file: string, sink: BundleSink): "json" | "jsonl" {
  if (file === "-") return readBundleBytes(readInputBytes(file, "bundle"), sink);
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    size = st.size;
  } catch (e) {
    throw ioErrorToCliError(e, file, "bundle");
  }
  const first = peekFirstLine(file, MAX_HEADER_LINE);
  const header = first && "text" in first ? jsonlHeaderOf(first.text) : undefined;
  if (header !== undefined) {
    const parser = new JsonlBundleParser(sink);
    parser.pushHeader(header);
    for (const l of readLines(file, "bundle")) {
      if (l.line === 1) continue;
      if ("error" in l) sink.problem({ code: "bundle.parse", effect: "invalid", message: `line ${l.line} ${lineErrorMessage(l.error)}`, line: l.line });
      else parser.pushLine(l.text, l.line);
    }
    parser.end();
    return "jsonl";
  }
  if (size > MAX_DOCUMENT_BYTES) {
    throw new CliError(
      ExitCode.dataError,
      `${file}: ${Math.round(size / 1048576)} MB is too large for the one-document form; export it with --format jsonl, which streams`,
    );
  }
  return readBundleBytes(readInputBytes(file, "bundle"), sink);
}
