/**
 * Writing bundles (DESIGN §6). Both forms are produced as a sequence of chunks so a large bundle
 * never has to exist as one string. Writers emit JCS; the JSON Lines form is one JCS line for the
 * header, then one per record, LF endings.
 */
import { canonicalize } from "../json/canonical.js";
import type { JsonObject } from "../json/value.js";
import type { BundleHeader, EventRecord } from "./types.js";

export type BundleFormat = "json" | "jsonl";

export function* serializeBundle(header: BundleHeader, records: Iterable<EventRecord>, format: BundleFormat): Generator<string> {
  const headerJcs = canonicalize(header as unknown as JsonObject);
  if (format === "jsonl") {
    yield headerJcs + "\n";
    for (const r of records) yield canonicalize(r as unknown as JsonObject) + "\n";
    return;
  }
  // JCS sorts "events" before every other top-level member (format, kind, redaction,
  // signatures, statement), so the canonical document is `{"events":[...],` + the header's rest.
  yield '{"events":[';
  let first = true;
  for (const r of records) {
    yield (first ? "" : ",") + canonicalize(r as unknown as JsonObject);
    first = false;
  }
  yield "]," + headerJcs.slice(1) + "\n";
}
