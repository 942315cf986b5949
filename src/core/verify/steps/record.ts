/**
 * Step: one event record (DESIGN §4, §6). Classifies the record by its exact member set and
 * recomputes its event digest: from the seed (disclosed), from the disclosed values, their salts
 * and the redacted node digests (partial), or as given (elided).
 */
import type { CryptoProvider } from "../../crypto/provider.js";
import { b64uDecode, b64uDecodeInto } from "../../encoding/base64url.js";
import { fromHex, isHexDigest } from "../../encoding/hex.js";
import { utf8 } from "../../encoding/utf8.js";
import { hasMember, isJsonObject, type JsonObject, type JsonValue } from "../../json/value.js";
import { appendPointer, asPointer, parsePointer, ROOT_POINTER, type JsonPointer } from "../../json/pointer.js";
import { eventDigestAndDepth, partialEventDigest, pathPointer, SALT_BYTES, SEED_BYTES, MAX_EVENT_DEPTH, nestingDepth, type ShareCapture } from "../../digest/tree.js";
import { recordFormOf, type BundleKind, type RecordForm } from "../../bundle/types.js";
import type { Finding } from "../finding.js";
import { readProofHashes } from "./tree.js";

export interface RecordResult {
  form?: RecordForm;
  /** The recomputed event digest; undefined when the record is too broken to compute one. */
  digest?: Uint8Array;
  /** The (possibly partial) event, for evidence checks and inspect. */
  event?: JsonObject;
  /** Number of redacted pointers in a partial record. */
  redactedCount: number;
  findings: Finding[];
  /** Excerpt records (DESIGN §12): the record's own seq, when it is a whole number. */
  seq?: number;
  /** Excerpt records: the inclusion path, when every hash of it is well formed. */
  proof?: Uint8Array[];
}

/**
 * `capture`: for a disclosed record, what a redaction takes from the digest walk (ShareCapture);
 * filled only when the walk runs, and meaningful only when the result has no `invalid` finding.
 */
export function checkRecord(crypto: CryptoProvider, input: JsonValue, index: number, kind: BundleKind | undefined, line?: number, capture?: ShareCapture): RecordResult {
  const base = "/events/" + index;
  const findings: Finding[] = [];
  const excerpt = kind === "excerpt";
  // An excerpt's records carry their own seq (DESIGN §12); findings name it when it can be read.
  const ownSeq = excerpt && isJsonObject(input) && isSeq(input.seq) ? input.seq : undefined;
  const at = { ...(excerpt ? (ownSeq !== undefined ? { seq: ownSeq } : {}) : { seq: index }), ...(line !== undefined ? { line } : {}) };
  const bad = (code: string, message: string, pointer = "") => findings.push({ code, effect: "invalid", message, pointer: base + pointer, ...at });
  const result: RecordResult = { redactedCount: 0, findings };

  if (!isJsonObject(input)) {
    bad("record.malformed", "an event record must be an object");
    return result;
  }
  let record: JsonObject = input;
  if (excerpt) {
    const r = excerptRecordParts(input, bad);
    if (r === undefined) return result;
    record = r.record;
    if (r.proof) result.proof = r.proof;
    if (ownSeq !== undefined) result.seq = ownSeq;
    else bad("record.seq", `seq must be a whole number (the event's position in the chain), found ${JSON.stringify(input.seq)}`, "/seq");
  } else if (hasMember(input, "proof")) {
    bad("record.proof", 'a "proof" member exists only on the records of an excerpt (DESIGN §12)', "/proof");
    return result;
  }
  const form = recordFormOf(record);
  if (form === undefined) {
    bad(
      "record.members",
      `unrecognised member set {${Object.keys(record).sort().join(", ")}}: expected {seq, seed, event} (disclosed), {seq, event, salts, redacted} (partial) or {seq, digest} (elided)`,
    );
    return result;
  }
  result.form = form;
  if (excerpt && form === "elided") {
    bad("record.form", "an excerpt holds disclosed or partial records: absent events are left out, not elided (DESIGN §12)");
    return result;
  }
  if (!excerpt && record.seq !== index) bad("record.seq", `seq must equal the record's position ${index}, found ${JSON.stringify(record.seq)}`, "/seq");
  if (kind === "full" && form !== "disclosed") bad("record.form", `a full bundle holds only disclosed records, found a ${form} record`);

  if (form === "elided") {
    const d = record.digest;
    if (!isHexDigest(d)) bad("record.digest", "an elided record's digest must be 64 lowercase hex characters", "/digest");
    else result.digest = fromHex(d)!;
    return result;
  }

  const event = record.event;
  if (!isJsonObject(event)) {
    bad("record.event", "the event must be an object", "/event");
    return result;
  }
  result.event = event;
  const tooDeep = () => bad("record.depth", `the event nests deeper than ${MAX_EVENT_DEPTH} levels`, "/event");

  if (form === "disclosed") {
    const seed = typeof record.seed === "string" ? b64uDecode(record.seed) : undefined;
    if (seed === undefined || seed.length !== SEED_BYTES) {
      if (nestingDepth(event) > MAX_EVENT_DEPTH) tooDeep();
      bad("record.seed", "the seed must be 32 bytes of strict unpadded base64url", "/seed");
      return result;
    }
    // The digest walk measures the depth on its way (one walk, not two); the finding comes last either way.
    const { digest, depth } = eventDigestAndDepth(crypto, event, seed, { capture });
    if (depth > MAX_EVENT_DEPTH) tooDeep();
    result.digest = digest;
    return result;
  }

  // Partial record. The digest walk measures the depth on its way (one walk, not two); the
  // finding goes before the others, where the old separate depth walk put it.
  const depthAt = findings.length;
  const { digest, depth } = partialDigest(crypto, record, event, bad);
  if ((depth ?? nestingDepth(event)) > MAX_EVENT_DEPTH) {
    tooDeep();
    findings.splice(depthAt, 0, findings.pop()!);
  }
  result.redactedCount = isJsonObject(record.redacted) ? Object.keys(record.redacted).length : 0;
  if (digest !== undefined) result.digest = digest;
  return result;
}

type Bad = (code: string, message: string, pointer?: string) => void;

function isSeq(v: JsonValue | undefined): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** An excerpt record is a disclosed or partial record plus `proof` (DESIGN §12): the two apart. */
function excerptRecordParts(input: JsonObject, bad: Bad): { record: JsonObject; proof?: Uint8Array[] } | undefined {
  if (!hasMember(input, "proof")) {
    bad("record.proof", 'an excerpt record must carry "proof": the inclusion path of its seq in the tree', "");
    return undefined;
  }
  const record: JsonObject = {};
  for (const k of Object.keys(input)) if (k !== "proof") record[k] = input[k]!;
  const read = readProofHashes(input.proof, "inclusion path");
  for (const p of read.problems) bad("record.proof", p.message, "/proof" + p.pointer);
  return read.hashes ? { record, proof: read.hashes } : { record };
}

/**
 * A partial record's event digest and the event's nesting depth as its walk measured it; neither
 * when the record is broken (the caller then measures the depth on the event).
 */
function partialDigest(crypto: CryptoProvider, record: JsonObject, event: JsonObject, bad: Bad): { digest?: Uint8Array; depth?: number } {
  const saltsIn = record.salts;
  const redactedIn = record.redacted;
  if (!isJsonObject(saltsIn)) {
    bad("record.salts", '"salts" must be an object mapping pointers to salts', "/salts");
    return {};
  }
  if (!isJsonObject(redactedIn)) {
    bad("record.redacted", '"redacted" must be an object mapping pointers to node digests', "/redacted");
    return {};
  }
  let ok = true;
  /*
   * Issue 14: the walk asks for a salt per disclosed leaf and a stand-in per node by the pointer's
   * UTF-8 bytes (partialEventDigest), so no pointer string is built per node:
   * - Salts are checked and decoded once, here, into one array (`saltBytes`, by key index). The
   *   keys come in JCS order, which is the walk's order but where array indexes of 10 and up or
   *   names holding characters below "/" (or "~", "/", escaped) reorder them; so a cursor follows
   *   the keys, and a leaf takes the key under it when that key is the leaf's pointer, compared
   *   character for byte in ASCII. Otherwise (another order, non-ASCII) the pointer is decoded
   *   and looked up as an own member, exactly as before, and the cursor moves past that key.
   *   Each leaf is visited once, so every salt taken is a different one: taken salts are counted
   *   and the extra ones named only when the counts differ.
   * - A stand-in is looked for only at a node whose path has the UTF-8 length of some redacted
   *   pointer, and then compared character for byte (ASCII) or decoded and compared as text.
   */
  const saltKeys = Object.keys(saltsIn);
  const { bytes: saltBytes, valid: saltValid } = saltTable(saltKeys.length);
  let saltsValid = 0;
  for (let i = 0; i < saltKeys.length; i++) {
    const p = saltKeys[i]!;
    const s = saltsIn[p];
    saltValid[i] = 0;
    if (asPointer(p) === undefined) {
      bad("record.salt-pointer", `salt key ${JSON.stringify(p)} is not a JSON Pointer in canonical spelling`, "/salts");
      ok = false;
    } else if (typeof s !== "string" || !decodeSalt(s, saltScratch)) {
      bad("record.salt", `the salt for ${JSON.stringify(p)} must be ${SALT_BYTES} bytes of strict base64url`, "/salts");
      ok = false;
    } else {
      for (let j = 0, o = SALT_BYTES * i; j < SALT_BYTES; j++) saltBytes[o + j] = saltScratch[j]!;
      saltValid[i] = 1;
      saltsValid++;
    }
  }
  const redactedKeys = Object.keys(redactedIn);
  const redacted = new Map<string, Uint8Array>();
  for (const p of redactedKeys) {
    const d = redactedIn[p];
    const ptr = asPointer(p);
    if (ptr === undefined) {
      bad("record.redacted-pointer", `redacted key ${JSON.stringify(p)} is not a JSON Pointer in canonical spelling`, "/redacted");
      ok = false;
      continue;
    }
    if (ptr === ROOT_POINTER) {
      bad("record.redacted-root", 'redacting pointer "" is eliding: use an elided record {seq, digest}', "/redacted");
      ok = false;
      continue;
    }
    if (!isHexDigest(d)) {
      bad("record.redacted-digest", `the node digest for ${JSON.stringify(p)} must be 64 lowercase hex characters`, "/redacted");
      ok = false;
      continue;
    }
    const value = resolve(event, parsePointer(ptr)!);
    if (value !== null) {
      bad("record.redacted-value", `redacted pointer ${JSON.stringify(p)} must hold null in the event${value === undefined ? " (it does not exist)" : ""}`, "/event" + p);
      ok = false;
    }
    redacted.set(p, fromHex(d)!);
  }
  for (const [outer, inner] of redacted.size < 2 ? [] : nestedPointers([...redacted.keys()] as JsonPointer[])) {
    bad("record.redacted-nested", `redacted pointers nest: ${JSON.stringify(inner)} lies inside ${JSON.stringify(outer)} (writers keep the outermost)`, "/redacted");
    ok = false;
  }
  const standIns = standInsByLength(redacted);
  const missing: string[] = [];
  let taken = 0;
  let cursor = 0;
  let keyIndex: Map<string, number> | undefined;
  const { digest, depth } = partialEventDigest(crypto, event, {
    salt: (path, end, out, at) => {
      let i = cursor;
      const key = saltKeys[i];
      if (key === undefined || !isAsciiPath(key, path, end)) {
        // Not the key under the cursor: the pointer, decoded, looked up as before (the walk makes
        // only canonical pointers, so the string is what to look up).
        const p = pathPointer(path, end);
        if (!hasMember(saltsIn, p)) return false;
        keyIndex ??= new Map(saltKeys.map((k, j) => [k, j]));
        const j = keyIndex.get(p);
        // An own member that Object.keys does not list (not enumerable) is no JSON member.
        if (j === undefined) return false;
        i = j;
      }
      cursor = i + 1;
      if (saltValid[i] === 0) return false;
      for (let j = 0, o = SALT_BYTES * i; j < SALT_BYTES; j++) out[at + j] = saltBytes[o + j]!;
      taken++;
      return true;
    },
    standInLengths: standIns === undefined ? 0 : standIns.lengths,
    redacted: (path, end) => {
      if (standIns === undefined) return undefined;
      const candidates = standIns.byLength.get(end);
      if (candidates === undefined) return undefined;
      for (const c of candidates) if (c.ascii ? isAsciiPath(c.pointer, path, end) : pathPointer(path, end) === c.pointer) return c.digest;
      return undefined;
    },
    missingSalt: (path, end) => missing.push(pathPointer(path, end)),
  });
  for (const p of missing) {
    bad("record.salt-missing", `no salt for the disclosed value at ${JSON.stringify(p)}`, "/event" + p);
    ok = false;
  }
  if (taken < saltsValid) {
    // Some valid salt was not taken: name each (the walk's leaves again, only on this error path).
    const leaves = disclosedLeaves(event, redacted);
    for (let i = 0; i < saltKeys.length; i++) {
      if (saltValid[i] === 1 && !leaves.has(saltKeys[i]!)) {
        bad("record.salt-extra", `salt for ${JSON.stringify(saltKeys[i]!)}, which is not a disclosed value of the event`, "/salts");
        ok = false;
      }
    }
  }
  // A broken record's depth is measured on the event itself (a stand-in may hide a value's depth).
  return ok ? { digest, depth } : {};
}

/** Whether `key` is the pointer whose UTF-8 bytes are `path[0, end)` and is all ASCII (then one byte per character). */
function isAsciiPath(key: string, path: Uint8Array, end: number): boolean {
  if (key.length !== end) return false;
  for (let i = 0; i < end; i++) {
    const c = key.charCodeAt(i);
    // A character ≥ 0x80 is never compared with a byte: Latin-1 characters would match UTF-8 bytes.
    if (c !== path[i] || c >= 0x80) return false;
  }
  return true;
}

/** A redacted pointer, with whether it is all ASCII (then compared character for byte). */
interface StandIn {
  pointer: string;
  ascii: boolean;
  digest: Uint8Array;
}

interface StandIns {
  /** Bit (n mod 32) set for every UTF-8 length n of a redacted pointer (PathSource.standInLengths). */
  lengths: number;
  byLength: Map<number, StandIn[]>;
}

/** The redacted pointers grouped by their UTF-8 length; undefined when there are none. */
function standInsByLength(redacted: ReadonlyMap<string, Uint8Array>): StandIns | undefined {
  if (redacted.size === 0) return undefined;
  const byLength = new Map<number, StandIn[]>();
  let lengths = 0;
  for (const [pointer, digest] of redacted) {
    // The UTF-8 length as the walk writes the path (TextEncoder's); all ASCII when it is the text's length.
    const bytes = utf8(pointer).length;
    const ascii = bytes === pointer.length;
    lengths |= 1 << (bytes & 31);
    const list = byLength.get(bytes);
    if (list === undefined) byLength.set(bytes, [{ pointer, ascii, digest }]);
    else list.push({ pointer, ascii, digest });
  }
  return { lengths, byLength };
}

/** A salt being checked, decoded. */
const saltScratch = new Uint8Array(SALT_BYTES);

/**
 * Salt bytes and validity by key index, reused from record to record (one pair of arrays per
 * record was measurable); a record with more keys than that gets its own, not kept.
 */
const SALT_TABLE_KEYS = 1024;
const saltTableBytes = new Uint8Array(SALT_BYTES * SALT_TABLE_KEYS);
const saltTableValid = new Uint8Array(SALT_TABLE_KEYS);

function saltTable(keys: number): { bytes: Uint8Array; valid: Uint8Array } {
  if (keys > SALT_TABLE_KEYS) return { bytes: new Uint8Array(SALT_BYTES * keys), valid: new Uint8Array(keys) };
  return { bytes: saltTableBytes, valid: saltTableValid };
}

/** Decodes a salt (16 bytes of strict base64url) into `out`; false when it is not one. */
function decodeSalt(text: string, out: Uint8Array): boolean {
  return b64uDecodeInto(text, out);
}

/** The pointers of the leaves the digest walk takes a salt for: every scalar not at a redacted pointer. */
function disclosedLeaves(event: JsonObject, redacted: ReadonlyMap<string, unknown>): Set<string> {
  const out = new Set<string>();
  const walk = (v: JsonValue, p: JsonPointer): void => {
    if (redacted.has(p)) return;
    if (v === null || typeof v !== "object") out.add(p);
    else if (Array.isArray(v)) v.forEach((c, i) => walk(c, appendPointer(p, i)));
    else for (const k of Object.keys(v)) walk(v[k]!, appendPointer(p, k));
  };
  walk(event, ROOT_POINTER);
  return out;
}

/**
 * Every pair of redacted pointers where `inner` lies inside `outer`, in the order of `pointers`
 * (outer first, then inner), found through each pointer's ancestors in a Set: linear in the
 * pointers' total length, not quadratic in their number.
 */
function nestedPointers(pointers: readonly JsonPointer[]): [JsonPointer, JsonPointer][] {
  const index = new Map<string, number>(pointers.map((p, i) => [p, i]));
  const pairs: [number, number][] = [];
  pointers.forEach((inner, i) => {
    for (let slash = inner.indexOf("/", 1); slash > 0; slash = inner.indexOf("/", slash + 1)) {
      const outer = index.get(inner.slice(0, slash));
      if (outer !== undefined) pairs.push([outer, i]);
    }
  });
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return pairs.map(([o, i]) => [pointers[o]!, pointers[i]!]);
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

function resolve(v: JsonValue, tokens: string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!ARRAY_INDEX.test(t)) return undefined;
      cur = cur[Number(t)];
    } else if (isJsonObject(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, t) ? cur[t] : undefined;
    } else return undefined;
  }
  return cur;
}
