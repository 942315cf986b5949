/**
 * A partial record's digest walk without a pointer string per node (issue 14): checkRecord now
 * asks for salts and stand-ins by the pointer's UTF-8 bytes, takes salts with a cursor over the
 * record's `salts` keys and falls back to a lookup when the cursor does not match. It must be
 * exactly as strict as before: for every record here the digest, the findings (codes, messages,
 * pointers, order) and the rest of the result are deep-equal to those of the old checkRecord,
 * kept as a reference in test/support/share-verify-reference/.
 */
import { describe, expect, it } from "vitest";
import { generateEvents, makeRng } from "../../../fixtures/generate-events.mjs";
import { checkRecord } from "../../../src/core/verify/steps/record.js";
import { checkRecord as referenceCheckRecord } from "../../support/share-verify-reference/record.js";
import { eventDigest, seedSalt } from "../../../src/core/digest/tree.js";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { b64uEncode } from "../../../src/core/encoding/base64url.js";
import { toHex } from "../../../src/core/encoding/hex.js";
import { canonicalize } from "../../../src/core/json/canonical.js";
import { parseJson } from "../../../src/core/json/parse.js";
import { appendPointer, ROOT_POINTER, type JsonPointer } from "../../../src/core/json/pointer.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { AUDITOR_POLICY, STRICT_POLICY } from "../../../src/core/redact/policies.js";
import { redactRecord, type ShareRecord } from "../../../src/core/redact/record.js";
import { applyPolicy } from "../../../src/core/redact/share.js";
import type { CryptoProvider } from "../../../src/core/crypto/provider.js";
import type { DisclosedRecord } from "../../../src/core/bundle/types.js";

type Rng = ReturnType<typeof makeRng>;

function seedOf(rng: Rng): string {
  return b64uEncode(Uint8Array.from({ length: 32 }, () => rng.int(256)));
}

/**
 * As a bundle holds it: JCS text read back (salts keys in JCS order). JSON.parse, not the strict
 * parser, so that a hand-built `__proto__` member (which the strict parser refuses) stays an own member.
 */
function asRead(v: ShareRecord | JsonObject): JsonObject {
  return JSON.parse(canonicalize(v as unknown as JsonValue)) as JsonObject;
}

/** The same checks by the new and the old checkRecord; returns the new result. */
function expectSame(crypto: CryptoProvider, record: ShareRecord | JsonObject, index: number) {
  return expectSameValue(crypto, record as unknown as JsonValue, index);
}

function expectSameValue(crypto: CryptoProvider, record: JsonValue, index: number) {
  const now = checkRecord(crypto, record, index, "share", index + 2);
  const before = referenceCheckRecord(crypto, record, index, "share", index + 2);
  expect(now).toEqual(before);
  expect(now.digest === undefined ? undefined : toHex(now.digest)).toBe(before.digest === undefined ? undefined : toHex(before.digest));
  return now;
}

/** Every pointer of v (its nodes), the root first. */
function pointersOf(v: JsonValue, p: JsonPointer = ROOT_POINTER, out: JsonPointer[] = []): JsonPointer[] {
  out.push(p);
  if (Array.isArray(v)) v.forEach((c, i) => pointersOf(c, appendPointer(p, i), out));
  else if (v !== null && typeof v === "object") for (const k of Object.keys(v)) pointersOf(v[k]!, appendPointer(p, k), out);
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);

/** A variant of a partial record: one of the ways a share can be broken (or reordered). */
function mutate(rng: Rng, r: { seq: number; event: JsonObject; salts: Record<string, JsonValue>; redacted: Record<string, JsonValue> }): JsonObject {
  const out = clone(r);
  const keys = Object.keys(out.salts);
  const rkeys = Object.keys(out.redacted);
  const nodes = pointersOf(out.event).slice(1);
  const anySalt = keys.length > 0 ? out.salts[keys[rng.int(keys.length)]!]! : "AAAAAAAAAAAAAAAAAAAAAA";
  const reorder = (o: Record<string, JsonValue>, order: string[]) => Object.fromEntries(order.map((k) => [k, o[k]!]));
  switch (rng.int(17)) {
    case 0: // keys reversed
      out.salts = reorder(out.salts, [...keys].reverse());
      break;
    case 1: // keys shuffled
      out.salts = reorder(out.salts, [...keys].sort(() => rng.int(3) - 1));
      break;
    case 2: // a salt missing
      if (keys.length) delete out.salts[keys[rng.int(keys.length)]!];
      break;
    case 3: // an extra salt at a pointer that is no disclosed leaf (a container, a redacted one or none)
      out.salts[rng.chance(0.5) && nodes.length ? nodes[rng.int(nodes.length)]! : "/no/such/leaf"] = anySalt;
      break;
    case 4: { // a malformed salt
      if (!keys.length) break;
      const bads: JsonValue[] = ["", "AAAA", anySalt + "A", (anySalt as string).slice(0, 21) + "B", "AAAAAAAAAAAAAAAAAAAAAA==", 7, null, ["x"], { a: 1 }];
      out.salts[keys[rng.int(keys.length)]!] = bads[rng.int(bads.length)]!;
      break;
    }
    case 5: { // a key that is not a canonical pointer
      const bad = ["a/b", "/~2", "~0", "/x~", "actor"][rng.int(5)]!;
      out.salts[bad] = anySalt;
      break;
    }
    case 6: { // two salts swapped: the digest cannot match
      if (keys.length < 2) break;
      const [a, b] = [keys[0]!, keys[keys.length - 1]!];
      [out.salts[a], out.salts[b]] = [out.salts[b]!, out.salts[a]!];
      break;
    }
    case 7: { // a salt moved to another pointer (a salt used only at its own pointer)
      if (!keys.length) break;
      const k = keys[rng.int(keys.length)]!;
      const s = out.salts[k]!;
      delete out.salts[k];
      out.salts[nodes[rng.int(nodes.length)] ?? "/x"] = s;
      break;
    }
    case 8: // a redacted pointer at a value that is not null
      if (nodes.length) out.redacted[nodes[rng.int(nodes.length)]!] = "ab".repeat(32);
      break;
    case 9: // nested redacted pointers
      if (rkeys.length) out.redacted[rkeys[0] + "/inner"] = "cd".repeat(32);
      if (rkeys.length && nodes.length) out.redacted[nodes[0]!] = "ef".repeat(32);
      break;
    case 10: // the root redacted
      out.redacted[""] = "00".repeat(32);
      break;
    case 11: { // a malformed stand-in or key
      const bad: [string, JsonValue][] = [["/x", "AB".repeat(32)], ["/y", "ab"], ["z", "ab".repeat(32)], ["/~3", "ab".repeat(32)], ["/w", 5]];
      const [k, d] = bad[rng.int(bad.length)]!;
      out.redacted[k] = d;
      break;
    }
    case 12: // a redacted pointer that does not exist
      out.redacted["/no/such/value"] = "12".repeat(32);
      break;
    case 13: // a stand-in removed: its null becomes a leaf without a salt
      if (rkeys.length) delete out.redacted[rkeys[0]!];
      break;
    case 14: // a stand-in changed: the digest cannot match
      if (rkeys.length) out.redacted[rkeys[0]!] = "34".repeat(32);
      break;
    case 15: // salts or redacted not an object
      if (rng.chance(0.5)) (out as JsonObject).salts = [];
      else (out as JsonObject).redacted = "x";
      break;
    default: // unchanged
  }
  return out as unknown as JsonObject;
}

describe.each([nodeCrypto, nobleCrypto])("partial records: the byte-path walk against the old one ($name)", (crypto) => {
  it("shares made by applyPolicy from bench-generator events, as made and as read back, and broken in many ways", () => {
    const rng = makeRng(14);
    // Both walks hash with the same provider, so the pure-JS one runs on fewer events: it checks
    // that the walk is the provider's to choose, not the walk's logic again (node's 300 do that).
    const events = [...generateEvents(crypto === nobleCrypto ? 60 : 300, 5)] as JsonObject[];
    const full: DisclosedRecord[] = events.map((event, seq) => ({ seq, seed: seedOf(rng), event }));
    let partial = 0;
    for (const policy of [AUDITOR_POLICY, STRICT_POLICY]) {
      const { records } = applyPolicy(crypto, full, policy);
      records.forEach((record, i) => {
        if (!("salts" in record)) return;
        partial++;
        // As made (salts in the event's member order, not JCS) and as a bundle holds it.
        for (const r of [record as unknown as JsonObject, asRead(record)]) {
          const now = expectSame(crypto, r as unknown as JsonObject, i);
          expect(now.findings).toEqual([]);
          expect(toHex(now.digest!)).toBe(toHex(eventDigest(crypto, full[i]!.event, Uint8Array.from(Buffer.from(full[i]!.seed, "base64url")))));
        }
        // Not read back after mutate: two of its ways are key orders, which JCS would undo.
        for (let m = 0; m < 3; m++) expectSame(crypto, mutate(rng, asRead(record) as never), i);
      });
    }
    expect(partial).toBeGreaterThan(events.length * 4 / 3);
  });

  // Names that reorder JCS pointers against the walk ("a-b" sorts before "a/…", "~" and "/"
  // escaped, indexes 10 and up), names that are Object.prototype's, non-ASCII ones (and Latin-1
  // look-alikes of their UTF-8 bytes), keys that differ only in escaping.
  const hostileText = String.raw`{
    "a": {"b": 1, "x": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, {"k": [true, false, null, "s", 1.5, -2, 0, "t", "u", "v", "w", "x"]}]},
    "a-b": "dash", "a.b": "dot", "a/b": "slash", "a~b": "tilde", "~1": "escaped-looking", "~": [1, 2], "/": {"/": "s"},
    "constructor": {"prototype": 1, "constructor": 2}, "proto": {"toString": "t", "hasOwnProperty": "h", "valueOf": [1]},
    "é": "e-acute", "Ã©": "latin1-lookalike", "日本": ["語", {"😀": "emoji"}], "": {"": ""},
    "0": "zero", "10": "ten", "2": "two", " ": "space", "!": "bang",
    "deep": [[[[[[[[[[[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]]]]]]]]]]]
  }`;

  it("hostile names and arrays of 12+ elements: every single redaction, pairs of them, and broken variants", () => {
    const rng = makeRng(99);
    const event = parseJson(hostileText) as JsonObject;
    const full: DisclosedRecord = { seq: 3, seed: seedOf(rng), event };
    const nodes = pointersOf(event).slice(1);
    const shares: ShareRecord[] = [redactRecord(crypto, full, [])];
    for (const p of nodes) shares.push(redactRecord(crypto, full, [p]));
    for (let i = 0; i < 60; i++) shares.push(redactRecord(crypto, full, [nodes[rng.int(nodes.length)]!, nodes[rng.int(nodes.length)]!, nodes[rng.int(nodes.length)]!]));
    const seed = Uint8Array.from(Buffer.from(full.seed, "base64url"));
    for (const share of shares) {
      for (const r of [share as unknown as JsonObject, asRead(share)]) {
        const now = expectSame(crypto, r, 3);
        expect(now.findings).toEqual([]);
        expect(toHex(now.digest!)).toBe(toHex(eventDigest(crypto, event, seed)));
      }
      for (let m = 0; m < 6; m++) expectSame(crypto, mutate(rng, asRead(share) as never), 3);
    }
  });

  it("salt keys that differ only in escaping, or are Latin-1 spellings of UTF-8 bytes, are never used for the other leaf", () => {
    const rng = makeRng(7);
    const event = parseJson(String.raw`{"a/b": 1, "a": {"b": 2}, "é": 3, "~1": 4, "~": {"1": 5}}`) as JsonObject;
    const share = asRead(redactRecord(crypto, { seq: 0, seed: seedOf(rng), event }, []));
    const salts = share.salts as Record<string, string>;
    expect(Object.keys(salts).sort()).toEqual(["/a/b", "/a~1b", "/~0/1", "/~01", "/é"].sort());
    // Each salt moved to its look-alike key: the leaf at the other pointer must not take it.
    const swaps: [string, string][] = [["/a~1b", "/a/b"], ["/é", "/\u00c3\u00a9"], ["/~01", "/~0/1"], ["/~0/1", "/~01"], ["/a/b", "/a~1b"]];
    for (const [from, to] of swaps) {
      const r = clone(share);
      const s = r.salts as Record<string, JsonValue>;
      s[to] = s[from]!;
      delete s[from];
      const now = expectSame(crypto, asRead(r), 0);
      expect(now.digest).toBeUndefined();
      expect(now.findings.map((f) => f.code)).toContain("record.salt-missing");
    }
  });

  it("a member named __proto__ (which the strict parser refuses) and salt keys naming Object.prototype's members", () => {
    const rng = makeRng(5);
    const seed = Uint8Array.from({ length: 32 }, () => rng.int(256));
    const event = JSON.parse('{"__proto__": {"x": 1, "constructor": 2}, "a": [1, 2]}') as JsonObject;
    expect(Object.prototype.hasOwnProperty.call(event, "__proto__")).toBe(true);
    const salt = (p: string) => b64uEncode(seedSalt(crypto, seed, p as JsonPointer));
    const leaves = ["/__proto__/constructor", "/__proto__/x", "/a/0", "/a/1"];
    const make = (keys: string[], redacted: string) =>
      JSON.parse(`{"seq": 0, "event": ${JSON.stringify(event)}, "salts": {${keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(salt(k))}`).join(", ")}}, "redacted": ${redacted}}`) as JsonObject;
    const fine = make(leaves, "{}");
    expect(expectSame(crypto, fine, 0).findings).toEqual([]);
    expect(toHex(checkRecord(crypto, fine, 0, "share").digest!)).toBe(toHex(eventDigest(crypto, event, seed)));
    for (const r of [
      make([...leaves].reverse(), "{}"),
      make(leaves.slice(1), "{}"),
      make([...leaves, "/constructor", "/__proto__", "/toString", "/a/constructor"], "{}"),
      make(leaves, '{"/__proto__": ' + JSON.stringify("ab".repeat(32)) + "}"),
      make(["/__proto__/constructor", "/a/0", "/a/1"], '{"/__proto__/x": ' + JSON.stringify("ab".repeat(32)) + "}"),
    ]) {
      expectSame(crypto, r, 0);
    }
  });

  it("the depth finding keeps its place before the others, and counts what a misplaced stand-in hides", () => {
    const rng = makeRng(3);
    let deep: JsonValue = "leaf";
    for (let i = 0; i < 61; i++) deep = i % 2 ? { k: deep } : [deep];
    const event = { id: "e", deep } as JsonObject;
    const share = asRead(redactRecord(crypto, { seq: 0, seed: seedOf(rng), event }, []));
    const withBad = clone(share);
    (withBad.salts as JsonObject)["bad key"] = "x";
    delete (withBad.salts as JsonObject)["/id"];
    for (const r of [share, withBad]) expect(expectSame(crypto, r, 0).findings[0]!.code).toBe("record.depth");
    // A stand-in at a deep value that is not null: the old depth walk counted it.
    const hidden = clone(share);
    (hidden.redacted as JsonObject)["/deep"] = "ab".repeat(32);
    const now = expectSame(crypto, hidden, 0);
    expect(now.findings.map((f) => f.code)).toEqual(["record.depth", "record.redacted-value", "record.salt-extra"]);
    // Salts or redacted not an object: no walk, the depth still reported first.
    for (const member of ["salts", "redacted"]) {
      const r = clone(share);
      r[member] = 1;
      expect(expectSame(crypto, r, 0).findings.map((f) => f.code)).toEqual(["record.depth", member === "salts" ? "record.salts" : "record.redacted"]);
    }
  });

  it("a salt key or path too long for the default buffer", () => {
    const rng = makeRng(11);
    const long = "n".repeat(70_000);
    const event = { [long]: { [long + "é"]: [1, 2, { z: "x" }] }, short: 1 } as JsonObject;
    const full: DisclosedRecord = { seq: 0, seed: seedOf(rng), event };
    for (const ps of [[], ["/" + long + "/" + long + "é/2"], ["/short"]] as JsonPointer[][]) {
      const share = asRead(redactRecord(crypto, full, ps));
      expect(expectSame(crypto, share, 0).findings).toEqual([]);
      expectSame(crypto, mutate(rng, share as never), 0);
    }
    // Ordinary records after it still verify (the buffer went back to its size).
    const small = asRead(redactRecord(crypto, { seq: 1, seed: seedOf(rng), event: { a: [1, 2] } }, ["/a/1" as JsonPointer]));
    expect(expectSame(crypto, small, 1).findings).toEqual([]);
  });
});
