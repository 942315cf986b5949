/**
 * A bundle file's records pulled one at a time, for `proof export --continue`, which reads the
 * earlier bundle in step with the new log (issue 6). The JSON Lines form streams line by line
 * through the parser every reader uses (JsonlBundleParser: strict I-JSON, no blank lines); the
 * one-document form is read whole, as readBundleFile reads it (with its size limit). The records
 * end at the first line that no longer reads as one: the caller checked the file before, so that
 * means it changed, which the caller's own check then reports.
 */
import { JsonlBundleParser } from "../core/bundle/read.js";
import type { JsonValue } from "../core/json/value.js";
import { readBundleFile } from "./bundle-file.js";
import { readLines } from "./lines.js";

/** `form` is the one the file was found in when it was checked. */
export function* bundleRecords(file: string, form: "json" | "jsonl"): Generator<JsonValue, void, undefined> {
  let broken = false;
  if (form === "json") {
    const records: JsonValue[] = [];
    readBundleFile(file, { header: () => {}, record: (r) => records.push(r), problem: () => (broken = true), end: () => {} });
    if (!broken) yield* records;
    return;
  }
  let got: { record: JsonValue } | undefined;
  const parser = new JsonlBundleParser({ header: () => {}, record: (record) => (got = { record }), problem: () => (broken = true), end: () => {} });
  for (const l of readLines(file, "bundle")) {
    if (l.line === 1) continue; // the header line, read when the file was checked
    if ("error" in l) return;
    parser.pushLine(l.text, l.line);
    if (broken || got === undefined) return;
    yield got.record;
    got = undefined;
  }
}
