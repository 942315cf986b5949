/**
 * Building share records (DESIGN §4, §6) from disclosed or partial records. A share can be
 * redacted further, never un-redacted: the input's redacted digests are kept or folded into an
 * outer one, and no salt is ever invented, so the output discloses a subset of the input.
 *
 *   partial: {seq, event (null at each redacted pointer), salts (exactly the disclosed leaves,
 *            canonical pointer spelling), redacted (outermost pointers → node digests)}
 *   elided:  {seq, digest}  (redacting "" is eliding)
 *
 * A disclosed record always becomes a partial one, even with nothing to redact: a share never
 * carries a seed, which would let anyone derive the salt of every value of the event.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { b64uDecode, b64uEncode } from "../encoding/base64url.js";
import { fromHex, hexDigest, type HexDigest } from "../encoding/hex.js";
import { appendPointer, isWithin, ROOT_POINTER, type JsonPointer } from "../json/pointer.js";
import { hasMember, type JsonObject, type JsonValue } from "../json/value.js";
import { nodeDigest, seedSource, type DigestSource, type ShareCapture } from "../digest/tree.js";
import type { DisclosedRecord, ElidedRecord, EventRecord, PartialRecord } from "../bundle/types.js";
import { outermost } from "./policy.js";
import { valueAt } from "./pointer-glob.js";

export type ShareRecord = PartialRecord | ElidedRecord;
export type OpenRecord = DisclosedRecord | PartialRecord;

/** True when the record still shows (part of) its event. */
export function isOpen(record: EventRecord): record is OpenRecord {
  return !("digest" in record);
}

/**
 * Where a record's digests come from: the seed of a disclosed record, or the salts and redacted
 * digests of a partial one. The record must have been checked by the verifier first.
 */
export function recordSource(crypto: CryptoProvider, record: OpenRecord): DigestSource {
  if ("seed" in record) return seedSource(crypto, b64uDecode(record.seed)!);
  const { salts, redacted } = record;
  return {
    salt: (p) => (hasMember(salts, p) ? b64uDecode(salts[p]!) : undefined),
    redacted: (p) => (hasMember(redacted, p) ? fromHex(redacted[p]!) : undefined),
  };
}

/** The redacted pointers of a record (none for a disclosed one). */
export function redactedPointers(record: OpenRecord): JsonPointer[] {
  return "redacted" in record ? (Object.keys(record.redacted) as JsonPointer[]) : [];
}

/** True when p is hidden in the record: it is, or lies inside, a redacted pointer. */
export function hiddenIn(record: OpenRecord): (p: JsonPointer) => boolean {
  const redacted = redactedPointers(record);
  return (p) => redacted.some((r) => isWithin(r, p, true));
}

/** The elided form of any open record: its event digest, recomputed from what it holds. */
export function elideRecord(crypto: CryptoProvider, record: OpenRecord): ElidedRecord {
  return { seq: record.seq, digest: hexDigest(nodeDigest(crypto, record.event, ROOT_POINTER, recordSource(crypto, record))) };
}

/**
 * Redacts the given pointers (any nesting, any order; pointers that hold no value or that an
 * earlier redaction already hides change nothing) and returns the partial record, or the elided
 * one when "" is among them.
 */
export function redactRecord(crypto: CryptoProvider, record: OpenRecord, pointers: readonly JsonPointer[]): ShareRecord {
  if (pointers.includes(ROOT_POINTER)) return elideRecord(crypto, record);
  const source = recordSource(crypto, record);
  const before = redactedPointers(record);
  const all = pointersToHide(record.event, pointers, before);
  const redacted: Record<string, HexDigest> = {};
  for (const p of all) {
    // An earlier redaction that survives keeps its digest; a new (possibly outer) one is the
    // node digest of what the input holds there, earlier redactions inside it standing in.
    redacted[p] = before.includes(p) ? (record as PartialRecord).redacted[p]! : hexDigest(nodeDigest(crypto, valueAt(record.event, p)!, p, source));
  }
  const hidden = new Set<string>(all);
  const event = withNulls(record.event, ROOT_POINTER, hidden) as JsonObject;
  const salts: Record<string, string> = {};
  forEachLeaf(event, ROOT_POINTER, hidden, (p) => {
    const salt = source.salt(p);
    // Cannot happen for a checked input: every disclosed leaf of it has a salt.
    if (salt === undefined) throw new Error(`redactRecord: no salt for the disclosed leaf ${p} of seq ${record.seq}`);
    salts[p] = b64uEncode(salt);
  });
  return { seq: record.seq, event, salts, redacted };
}

/**
 * The pointers a redaction of `pointers` hides in `event`, outermost, none inside another: those
 * that hold a value and that no earlier redaction (`before`, kept) already hides.
 */
export function pointersToHide(event: JsonObject, pointers: readonly JsonPointer[], before: readonly JsonPointer[] = []): JsonPointer[] {
  const fresh = pointers.filter((p) => valueAt(event, p) !== undefined && !before.some((b) => isWithin(b, p, true)));
  return outermost([...before, ...fresh]);
}

/**
 * What `redactRecord(record, hide)` makes of a disclosed record, made from what the walk that
 * checked the record captured (issue 14: the event is not hashed a second time): `hide` are the
 * outermost pointers that hold a value (pointersToHide), the capture was made from them. Undefined
 * when no walk filled the capture (the record was not checked); the caller then uses redactRecord.
 */
export function shareFromCapture(seq: number, event: JsonObject, hide: readonly JsonPointer[], capture: ShareCapture): ShareRecord | undefined {
  if (capture.eventDigest === undefined) return undefined;
  const redacted: Record<string, HexDigest> = {};
  for (const p of hide) {
    const digest = capture.digests.get(p);
    if (digest === undefined) return undefined;
    redacted[p] = hexDigest(digest);
  }
  const salts: Record<string, string> = {};
  for (const [p, salt] of capture.salts) salts[p] = b64uEncode(salt);
  return { seq, event: withNulls(event, ROOT_POINTER, new Set<string>(hide)) as JsonObject, salts, redacted };
}

/** A copy of v with null at every pointer of `hidden`. */
function withNulls(v: JsonValue, p: JsonPointer, hidden: ReadonlySet<string>): JsonValue {
  if (hidden.has(p)) return null;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((item, i) => withNulls(item, appendPointer(p, i), hidden));
  const out: JsonObject = {};
  for (const k of Object.keys(v)) out[k] = withNulls(v[k]!, appendPointer(p, k), hidden);
  return out;
}

/** Calls f for every scalar position that is not a redacted pointer (DESIGN §6: the disclosed leaves). */
function forEachLeaf(v: JsonValue, p: JsonPointer, hidden: ReadonlySet<string>, f: (p: JsonPointer) => void): void {
  if (hidden.has(p)) return;
  if (v === null || typeof v !== "object") return f(p);
  if (Array.isArray(v)) v.forEach((item, i) => forEachLeaf(item, appendPointer(p, i), hidden, f));
  else for (const k of Object.keys(v)) forEachLeaf(v[k]!, appendPointer(p, k), hidden, f);
}
