/**
 * The bundle (DESIGN §6, normative). On the wire a record carries no tag: its form is told by its
 * exact member set. In memory it is a tagged union, so an illegal mix cannot be built.
 */
import type { HexDigest } from "../encoding/hex.js";
import type { JsonObject } from "../json/value.js";
import type { JwsSignature } from "../jws/detached.js";
import type { Statement } from "../statement/statement.js";

export const BUNDLE_FORMAT = "imladri.proof/v1";
export type BundleKind = "full" | "share";

/** A full record: the event with the seed that derives every salt. */
export interface DisclosedRecord {
  seq: number;
  seed: string;
  event: JsonObject;
}

/** A share record with some values replaced by `null` and their node digests. */
export interface PartialRecord {
  seq: number;
  event: JsonObject;
  salts: Record<string, string>;
  redacted: Record<string, HexDigest>;
}

/** A share record that hides the whole event. */
export interface ElidedRecord {
  seq: number;
  digest: HexDigest;
}

export type EventRecord = DisclosedRecord | PartialRecord | ElidedRecord;
export type RecordForm = "disclosed" | "partial" | "elided";

// A Map, not an object: the key comes from the record's member names, and a record named after an
// Object.prototype member (`{"constructor":0}`) must not find `Object` here (issue 11).
const FORMS: ReadonlyMap<string, RecordForm> = new Map([
  ["event,seed,seq", "disclosed"],
  ["event,redacted,salts,seq", "partial"],
  ["digest,seq", "elided"],
]);

/** DESIGN §6: "record forms are told apart by their exact member sets". */
export function recordFormOf(record: JsonObject): RecordForm | undefined {
  return FORMS.get(Object.keys(record).sort().join(","));
}

/** Every top-level member but `events`: line 1 of the JSON Lines form. */
export interface BundleHeader {
  format: typeof BUNDLE_FORMAT;
  kind: BundleKind;
  statement: Statement;
  signatures: JwsSignature[];
  redaction?: JsonObject;
}
