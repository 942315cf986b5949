/**
 * Scanning what a bundle or share discloses (DESIGN §9): every disclosed leaf (strings, and
 * integers for card numbers), every member name on a disclosed path, and every object that looks
 * like a private JWK. Redacted values hold `null` and elided events hold nothing, so what is hidden
 * is never scanned.
 *
 * A finding's stable id must not become a way to confirm a guessed value: an id over H(value)
 * would let anyone who sees a dry-run or a CI log test "is the card 4111…?" offline. So the id is
 * keyed with the leaf's salted node digest N(v, p) (DESIGN §4), which needs the leaf's 128-bit
 * salt to recompute: the same finding has the same id in a bundle and in every share of it (the
 * salts are the same), across runs, and the id tells nothing to whoever lacks the salt.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { b64uDecode } from "../encoding/base64url.js";
import { toHex } from "../encoding/hex.js";
import { utf8 } from "../encoding/utf8.js";
import { canonicalize } from "../json/canonical.js";
import { appendPointer, ROOT_POINTER, type JsonPointer } from "../json/pointer.js";
import { hasMember, type JsonObject, type JsonValue } from "../json/value.js";
import { nodeDigest, seedSource, type DigestSource } from "../digest/tree.js";
import type { EventRecord } from "../bundle/types.js";
import { findInText, JWK_PRIVATE_KEY, maskedPreview, type Severity } from "./detectors.js";

export interface LeakFinding {
  /** Stable id: 16 hex characters, the handle for `--accept`. */
  id: string;
  detector: string;
  severity: Severity;
  seq: number;
  /** Where in the event: the leaf holding the match, or for a member name its parent object. */
  pointer: JsonPointer;
  /** The shape's public marker and the length: never the value. */
  preview: string;
}

const ID_TAG = "imladri.finding/v1";
const ID_HEX_CHARS = 16;

function findingId(crypto: CryptoProvider, detector: string, seq: number, pointer: JsonPointer, key: string, occurrence: number): string {
  const h = crypto.sha256(utf8(canonicalize([ID_TAG, detector, seq, pointer, key, occurrence])));
  return toHex(h).slice(0, ID_HEX_CHARS);
}

/**
 * Scans one event. `source` gives the salts of the disclosed leaves (from the seed, or from a
 * partial record's `salts`); its `redacted` says which `null`s stand for hidden values.
 */
export function scanEvent(crypto: CryptoProvider, event: JsonObject, seq: number, source: DigestSource): LeakFinding[] {
  const out: LeakFinding[] = [];
  const leafKey = (v: JsonValue, p: JsonPointer) => toHex(nodeDigest(crypto, v, p, { salt: source.salt, redacted: () => undefined }));

  const walk = (v: JsonValue, p: JsonPointer): void => {
    if (source.redacted(p) !== undefined) return;
    if (typeof v === "string" || typeof v === "number") {
      const text = typeof v === "string" ? v : Number.isSafeInteger(v) ? String(v) : "";
      if (text === "") return;
      const matches = findInText(text);
      if (matches.length === 0) return;
      const key = leafKey(v, p);
      const seen = new Map<string, number>();
      for (const m of matches) {
        const k = seen.get(m.detector.id) ?? 0;
        seen.set(m.detector.id, k + 1);
        out.push({ id: findingId(crypto, m.detector.id, seq, p, key, k), detector: m.detector.id, severity: m.detector.severity, seq, pointer: p, preview: m.preview });
      }
      return;
    }
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, appendPointer(p, i)));
      return;
    }
    // An object with a string `d` beside `kty` is a private JWK, whatever else it holds.
    if (hasMember(v, "kty") && typeof v.d === "string" && source.redacted(appendPointer(p, "d")) === undefined) {
      const dp = appendPointer(p, "d");
      out.push({
        id: findingId(crypto, JWK_PRIVATE_KEY.id, seq, dp, leafKey(v.d, dp), 0),
        detector: JWK_PRIVATE_KEY.id,
        severity: JWK_PRIVATE_KEY.severity,
        seq,
        pointer: dp,
        preview: maskedPreview('JWK "d"', v.d.length),
      });
    }
    const names = Object.keys(v).sort();
    names.forEach((name, index) => {
      // A member name is disclosed whenever its parent is (DESIGN §6), so names are scanned too.
      // The finding points at the parent: the name itself must not be printed. Names carry no
      // salt, so the id is keyed by position only, which says nothing about the name.
      const seen = new Map<string, number>();
      for (const m of findInText(name)) {
        const k = seen.get(m.detector.id) ?? 0;
        seen.set(m.detector.id, k + 1);
        out.push({
          id: findingId(crypto, m.detector.id, seq, p, `name:${index}`, k),
          detector: m.detector.id,
          severity: m.detector.severity,
          seq,
          pointer: p,
          preview: `member name ${m.preview}`,
        });
      }
    });
    for (const name of names) walk(v[name]!, appendPointer(p, name));
  };
  walk(event, ROOT_POINTER);
  return out;
}

/**
 * Scans one record of a bundle or share: disclosed records through their seed, partial records
 * through their salts (redacted pointers skipped), elided records not at all. The record must
 * already have been checked (the verifier, or the redactor that built it).
 */
export function scanRecord(crypto: CryptoProvider, record: EventRecord): LeakFinding[] {
  if ("digest" in record) return [];
  if ("seed" in record) {
    const seed = b64uDecode(record.seed);
    if (seed === undefined) return [];
    return scanEvent(crypto, record.event, record.seq, seedSource(crypto, seed));
  }
  const salts = record.salts;
  const redacted = record.redacted;
  return scanEvent(crypto, record.event, record.seq, {
    salt: (p) => (hasMember(salts, p) ? b64uDecode(salts[p]!) : undefined),
    redacted: (p) => (hasMember(redacted, p) ? ZERO : undefined),
  });
}

const ZERO = new Uint8Array(32);

/** Severity order for sorting and thresholds. */
export function severityRank(s: Severity): number {
  return s === "high" ? 0 : s === "medium" ? 1 : 2;
}

/** One line for a person: where, what, the masked preview and the id (never the value). */
export function describeLeak(f: LeakFinding): string {
  return `seq ${f.seq} ${f.pointer === "" ? "(event)" : f.pointer}: ${f.detector} (${f.severity}) ${f.preview}  id ${f.id}`;
}
