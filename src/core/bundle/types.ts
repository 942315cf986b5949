/**
 * The bundle (DESIGN §6, normative). On the wire a record carries no tag: its form is told by its
 * exact member set. In memory it is a tagged union, so an illegal mix cannot be built.
 */
import type { HexDigest } from "../encoding/hex.js";
import type { JsonObject } from "../json/value.js";
import type { JwsSignature } from "../jws/detached.js";
import { hasTree, type Statement } from "../statement/statement.js";

export const BUNDLE_FORMAT_V1 = "imladri.proof/v1";
export const BUNDLE_FORMAT_V2 = "imladri.proof/v2";
/** What writers write (DESIGN §12). */
export const BUNDLE_FORMAT = BUNDLE_FORMAT_V2;
export type BundleFormatId = typeof BUNDLE_FORMAT_V1 | typeof BUNDLE_FORMAT_V2;
/** DESIGN §12: `excerpt` and `checkpoint` exist only in v2 bundles. */
export type BundleKind = "full" | "share" | "excerpt" | "checkpoint";
export const KINDS_V1: readonly BundleKind[] = ["full", "share"];
export const KINDS_V2: readonly BundleKind[] = ["full", "share", "excerpt", "checkpoint"];

/** DESIGN §12: a v2 statement goes in a v2 bundle, a v1 statement in a v1 bundle. */
export function bundleFormatFor(statement: Statement): BundleFormatId {
  return hasTree(statement) ? BUNDLE_FORMAT_V2 : BUNDLE_FORMAT_V1;
}

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

/** DESIGN §12: an excerpt record is a disclosed or partial record with its inclusion path. */
export type ExcerptRecord = (DisclosedRecord | PartialRecord) & { proof: HexDigest[] };
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
  format: BundleFormatId;
  kind: BundleKind;
  statement: Statement;
  signatures: JwsSignature[];
  redaction?: JsonObject;
  /** Checkpoints only (DESIGN §12). */
  consistency?: Consistency;
}

/** A checkpoint's consistency member (DESIGN §12): the RFC 9162 proof from the tree of `length`. */
export interface Consistency {
  length: number;
  tree: HexDigest;
  proof: HexDigest[];
}
