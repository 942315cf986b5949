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
import { appendPointer, escapeToken, ROOT_POINTER, type JsonPointer } from "../json/pointer.js";
import { hasMember, type JsonObject, type JsonValue } from "../json/value.js";
import { nodeDigest, seedSource, type DigestSource, type LeafScanner } from "../digest/tree.js";
import type { EventRecord } from "../bundle/types.js";
import { JWK_PRIVATE_KEY, maskedPreview, scanText, type Severity } from "./detectors.js";

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
  /**
   * Matches in the same value past the cap (MAX_MATCHES_PER_VALUE), counted and not listed: set
   * on the value's last listed finding only (issue 12 item 4: "and N more").
   */
  more?: number;
}

const ID_TAG = "imladri.finding/v1";
const ID_HEX_CHARS = 16;

function findingId(crypto: CryptoProvider, detector: string, seq: number, pointer: JsonPointer, key: string, occurrence: number): string {
  const h = crypto.sha256(utf8(canonicalize([ID_TAG, detector, seq, pointer, key, occurrence])));
  return toHex(h).slice(0, ID_HEX_CHARS);
}

/**
 * One scan in front of all detectors (issue 14): a string this does not match holds no finding
 * of any detector, so the common string costs one pass, not fifteen. Each alternative is a
 * literal or a bounded prefix every match of one detector starts with or contains (in
 * TEXT_DETECTORS order: PEM, JWK in a string, AWS key id, AWS secret (case-insensitive name),
 * GitHub, Slack (its webhook has `://`), Stripe, Anthropic and OpenAI (`sk-`), JWT, Bearer, URL
 * password, card number (13 digits), IBAN (country, check digits and two groups), e-mail).
 * test/core/detect/equivalence.test.ts checks it passes every string with a finding.
 */
export const PREFILTER =
  /-----BEGIN |"d"|A(?:KI|SI|BI|CC)A|[Aa][Ww][Ss]|gh[pousr]_|github_pat_|xox[abposr]-|[sr]k_(?:live|test)_|sk-|eyJ|Bearer\s|:\/\/|[2-6](?:[ -]?[0-9]){12}|[A-Z]{2}[0-9]{2} ?[A-Z0-9]{4} ?[A-Z0-9]{4}|[A-Za-z0-9._%+-]@[A-Za-z0-9]/;

/**
 * The text the detectors see for a string or number leaf, or undefined when the prefilter shows
 * it holds nothing. Integers are scanned as their digits (card numbers); only card-number can
 * match digits alone, and it needs 13 of them, so smaller integers are not even turned into text.
 */
export function leafText(v: string | number): string | undefined {
  if (typeof v === "string") return PREFILTER.test(v) ? v : undefined;
  if (!Number.isSafeInteger(v) || (v < 1e12 && v > -1e12)) return undefined;
  const text = String(v);
  return PREFILTER.test(text) ? text : undefined;
}

/**
 * Turns what a walk hands over into findings, in the order the event is walked: at an object its
 * JWK finding, then its member names in JCS order, then its children. Used by the digest walk
 * (export: the leaf digests are already there) and by {@link scanEvent} (a share's records).
 */
export class LeakCollector implements LeafScanner {
  readonly findings: LeakFinding[] = [];

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly seq: number,
  ) {}

  leafText(v: string | number): string | undefined {
    return leafText(v);
  }

  privateJwk(v: JsonObject): boolean {
    return isPrivateJwk(v);
  }

  /** A leaf whose text passed the prefilter; `digest` is its node digest N(v, p). */
  leaf(text: string, p: JsonPointer, digest: Uint8Array): void {
    const scan = scanText(text);
    if (scan.total === 0) return;
    const key = toHex(digest);
    const seen = new Map<string, number>();
    for (const m of scan.matches) {
      const k = seen.get(m.detector.id) ?? 0;
      seen.set(m.detector.id, k + 1);
      this.findings.push({ id: findingId(this.crypto, m.detector.id, this.seq, p, key, k), detector: m.detector.id, severity: m.detector.severity, seq: this.seq, pointer: p, preview: m.preview });
    }
    this.noteMore(scan.total - scan.matches.length);
  }

  /** An object with `kty` and a string `d` (a private JWK); `p` is the pointer of `d`, `digest` its node digest. */
  jwk(p: JsonPointer, d: string, digest: Uint8Array): void {
    this.findings.push({
      id: findingId(this.crypto, JWK_PRIVATE_KEY.id, this.seq, p, toHex(digest), 0),
      detector: JWK_PRIVATE_KEY.id,
      severity: JWK_PRIVATE_KEY.severity,
      seq: this.seq,
      pointer: p,
      preview: maskedPreview('JWK "d"', d.length),
    });
  }

  /**
   * The member name at `index` (in JCS order) of the object at `p`, which passed the prefilter.
   * A member name is disclosed whenever its parent is (DESIGN §6), so names are scanned too. The
   * finding points at the parent: the name itself must not be printed. Names carry no salt, so
   * the id is keyed by position only, which says nothing about the name.
   */
  name(name: string, index: number, p: JsonPointer): void {
    const scan = scanText(name);
    const seen = new Map<string, number>();
    for (const m of scan.matches) {
      const k = seen.get(m.detector.id) ?? 0;
      seen.set(m.detector.id, k + 1);
      this.findings.push({
        id: findingId(this.crypto, m.detector.id, this.seq, p, `name:${index}`, k),
        detector: m.detector.id,
        severity: m.detector.severity,
        seq: this.seq,
        pointer: p,
        preview: `member name ${m.preview}`,
      });
    }
    this.noteMore(scan.total - scan.matches.length);
  }

  private noteMore(more: number): void {
    if (more > 0) this.findings[this.findings.length - 1]!.more = more;
  }
}

/** Whether an object is a private JWK for the detectors: `kty` beside a string `d`, whatever else it holds. */
export function isPrivateJwk(v: JsonObject): boolean {
  return hasMember(v, "kty") && typeof v.d === "string";
}

/**
 * Scans one event. `source` gives the salts of the disclosed leaves (from the seed, or from a
 * partial record's `salts`); its `redacted` says which `null`s stand for hidden values.
 * `redactedLengths`, when given, holds the length of every pointer `source.redacted` knows: a
 * node whose pointer has another length is not asked about, so pointers are built only for a hit
 * or a node that may be redacted (issue 14), never for every node. Without it every node is asked.
 */
export function scanEvent(crypto: CryptoProvider, event: JsonObject, seq: number, source: DigestSource, redactedLengths?: ReadonlySet<number>): LeakFinding[] {
  const out = new LeakCollector(crypto, seq);
  const digestSource: DigestSource = { salt: source.salt, redacted: () => undefined };
  const leafKey = (v: JsonValue, p: JsonPointer) => nodeDigest(crypto, v, p, digestSource);
  /** The escaped tokens from the root to the node being walked; a pointer is made from them when needed. */
  const path: string[] = [];
  const pointer = (): JsonPointer => (path.length === 0 ? ROOT_POINTER : (("/" + path.join("/")) as JsonPointer));
  const mayBeRedacted = (length: number): boolean => redactedLengths === undefined || redactedLengths.has(length);
  /** Whether the node being walked, whose pointer has this length, is redacted. */
  const isRedacted = (length: number): boolean => mayBeRedacted(length) && source.redacted(pointer()) !== undefined;

  /** `length` is the length of the node's pointer. */
  const walk = (v: JsonValue, length: number): void => {
    if (isRedacted(length)) return;
    if (typeof v === "string" || typeof v === "number") {
      const text = leafText(v);
      if (text === undefined) return;
      const p = pointer();
      out.leaf(text, p, leafKey(v, p));
      return;
    }
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const token = String(i);
        path.push(token);
        walk(v[i]!, length + 1 + token.length);
        path.pop();
      }
      return;
    }
    const names = Object.keys(v).sort();
    let p: JsonPointer | undefined;
    if (isPrivateJwk(v)) {
      p = pointer();
      const dp = appendPointer(p, "d");
      if (!mayBeRedacted(dp.length) || source.redacted(dp) === undefined) out.jwk(dp, v.d as string, leafKey(v.d!, dp));
    }
    for (let i = 0; i < names.length; i++) {
      if (leafText(names[i]!) !== undefined) out.name(names[i]!, i, (p ??= pointer()));
    }
    for (const name of names) {
      const token = escapeToken(name);
      path.push(token);
      walk(v[name]!, length + 1 + token.length);
      path.pop();
    }
  };
  walk(event, 0);
  return out.findings;
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
    return scanEvent(crypto, record.event, record.seq, seedSource(crypto, seed), NOTHING_REDACTED);
  }
  const salts = record.salts;
  const redacted = record.redacted;
  return scanEvent(
    crypto,
    record.event,
    record.seq,
    {
      salt: (p) => (hasMember(salts, p) ? b64uDecode(salts[p]!) : undefined),
      redacted: (p) => (hasMember(redacted, p) ? ZERO : undefined),
    },
    new Set(Object.keys(redacted).map((p) => p.length)),
  );
}

const NOTHING_REDACTED: ReadonlySet<number> = new Set();
const ZERO = new Uint8Array(32);

/** Severity order for sorting and thresholds. */
export function severityRank(s: Severity): number {
  return s === "high" ? 0 : s === "medium" ? 1 : 2;
}

/** One line for a person: where, what, the masked preview and the id (never the value). */
export function describeLeak(f: LeakFinding): string {
  const more = f.more === undefined ? "" : ` (and ${f.more} more in this value, not listed)`;
  return `seq ${f.seq} ${f.pointer === "" ? "(event)" : f.pointer}: ${f.detector} (${f.severity}) ${f.preview}  id ${f.id}${more}`;
}
