/**
 * REFERENCE ONLY (issue 14): the partial-record part of src/core/verify/steps/record.ts
 * (checkRecord) as it was before a partial record's digest walk stopped building a pointer string
 * per node (commit ef8c613), so test/core/verify/partial-walk.test.ts can compare the new walk's
 * digests and findings with the old ones. Kept unchanged but for its imports and for the branches
 * that test never takes (excerpts, elided and disclosed records: it gives share records only), which
 * throw here. Not shipped; do not use outside that test.
 */
import type { CryptoProvider } from "../../../src/core/crypto/provider.js";
import { b64uDecodeInto } from "../../../src/core/encoding/base64url.js";
import { fromHex, isHexDigest } from "../../../src/core/encoding/hex.js";
import { hasMember, isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/json/value.js";
import { appendPointer, asPointer, parsePointer, ROOT_POINTER, type JsonPointer } from "../../../src/core/json/pointer.js";
import { nodeDigest, SALT_BYTES, MAX_EVENT_DEPTH, nestingDepth } from "../../../src/core/digest/tree.js";
import { recordFormOf, type BundleKind } from "../../../src/core/bundle/types.js";
import type { Finding } from "../../../src/core/verify/finding.js";
import type { RecordResult } from "../../../src/core/verify/steps/record.js";

export function checkRecord(crypto: CryptoProvider, input: JsonValue, index: number, kind: BundleKind | undefined, line?: number): RecordResult {
  if (kind !== "share") throw new Error("reference: share records only");
  const base = "/events/" + index;
  const findings: Finding[] = [];
  const at = { seq: index, ...(line !== undefined ? { line } : {}) };
  const bad = (code: string, message: string, pointer = "") => findings.push({ code, effect: "invalid", message, pointer: base + pointer, ...at });
  const result: RecordResult = { redactedCount: 0, findings };

  if (!isJsonObject(input)) {
    bad("record.malformed", "an event record must be an object");
    return result;
  }
  if (hasMember(input, "proof")) {
    bad("record.proof", 'a "proof" member exists only on the records of an excerpt (DESIGN §12)', "/proof");
    return result;
  }
  const record: JsonObject = input;
  const form = recordFormOf(record);
  if (form === undefined) {
    bad(
      "record.members",
      `unrecognised member set {${Object.keys(record).sort().join(", ")}}: expected {seq, seed, event} (disclosed), {seq, event, salts, redacted} (partial) or {seq, digest} (elided)`,
    );
    return result;
  }
  if (form !== "partial") throw new Error("reference: partial records only");
  result.form = form;
  if (record.seq !== index) bad("record.seq", `seq must equal the record's position ${index}, found ${JSON.stringify(record.seq)}`, "/seq");

  const event = record.event;
  if (!isJsonObject(event)) {
    bad("record.event", "the event must be an object", "/event");
    return result;
  }
  result.event = event;
  const tooDeep = () => bad("record.depth", `the event nests deeper than ${MAX_EVENT_DEPTH} levels`, "/event");

  // Partial record.
  if (nestingDepth(event) > MAX_EVENT_DEPTH) tooDeep();
  const digest = partialDigest(crypto, record, event, bad);
  result.redactedCount = isJsonObject(record.redacted) ? Object.keys(record.redacted).length : 0;
  if (digest !== undefined) result.digest = digest;
  return result;
}

type Bad = (code: string, message: string, pointer?: string) => void;

function partialDigest(crypto: CryptoProvider, record: JsonObject, event: JsonObject, bad: Bad): Uint8Array | undefined {
  const saltsIn = record.salts;
  const redactedIn = record.redacted;
  if (!isJsonObject(saltsIn)) {
    bad("record.salts", '"salts" must be an object mapping pointers to salts', "/salts");
    return undefined;
  }
  if (!isJsonObject(redactedIn)) {
    bad("record.redacted", '"redacted" must be an object mapping pointers to node digests', "/redacted");
    return undefined;
  }
  let ok = true;
  /*
   * Issue 14: the walk asks for a salt per disclosed leaf and a stand-in per node, so the
   * bookkeeping is kept off the heap where it can be: salts are checked here without keeping
   * them, looked up in the record's own `salts` object and decoded into one reused array when the
   * walk takes them, and counted rather than deleted from a Map (each leaf is visited once, so
   * every salt taken is a different one; extras are then found only when the counts differ).
   */
  const saltKeys = Object.keys(saltsIn);
  const saltScratch = new Uint8Array(SALT_BYTES);
  let saltsValid = 0;
  for (const p of saltKeys) {
    const s = saltsIn[p];
    if (asPointer(p) === undefined) {
      bad("record.salt-pointer", `salt key ${JSON.stringify(p)} is not a JSON Pointer in canonical spelling`, "/salts");
      ok = false;
    } else if (typeof s !== "string" || !decodeSalt(s, saltScratch)) {
      bad("record.salt", `the salt for ${JSON.stringify(p)} must be ${SALT_BYTES} bytes of strict base64url`, "/salts");
      ok = false;
    } else saltsValid++;
  }
  /** Whether `p`, a key of saltsIn, is a valid salt (then decoded into saltScratch). */
  const validSalt = (p: string): boolean => {
    const s = saltsIn[p];
    return typeof s === "string" && asPointer(p) !== undefined && decodeSalt(s, saltScratch);
  };
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
  // Most nodes are at no redacted pointer, and most have a length none of them has: checking the
  // length first spares hashing the pointer for a Map lookup.
  const redactedLengths = new Set<number>();
  for (const p of redacted.keys()) redactedLengths.add(p.length);
  for (const [outer, inner] of nestedPointers([...redacted.keys()] as JsonPointer[])) {
    bad("record.redacted-nested", `redacted pointers nest: ${JSON.stringify(inner)} lies inside ${JSON.stringify(outer)} (writers keep the outermost)`, "/redacted");
    ok = false;
  }
  const missing: string[] = [];
  let taken = 0;
  const digest = nodeDigest(crypto, event, ROOT_POINTER, {
    salt: (p) => {
      // The walk asks only for pointers it made, which are canonical: the string is what to check.
      const s = hasMember(saltsIn, p) ? saltsIn[p] : undefined;
      if (typeof s !== "string" || !decodeSalt(s, saltScratch)) return undefined;
      taken++;
      return saltScratch;
    },
    redacted: redacted.size === 0 ? () => undefined : (p) => (redactedLengths.has(p.length) ? redacted.get(p) : undefined),
    missingSalt: (p) => missing.push(p),
  });
  for (const p of missing) {
    bad("record.salt-missing", `no salt for the disclosed value at ${JSON.stringify(p)}`, "/event" + p);
    ok = false;
  }
  if (taken < saltsValid) {
    // Some valid salt was not taken: name each (the walk's leaves again, only on this error path).
    const leaves = disclosedLeaves(event, redacted);
    for (const p of saltKeys) {
      if (validSalt(p) && !leaves.has(p)) {
        bad("record.salt-extra", `salt for ${JSON.stringify(p)}, which is not a disclosed value of the event`, "/salts");
        ok = false;
      }
    }
  }
  return ok ? digest : undefined;
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
