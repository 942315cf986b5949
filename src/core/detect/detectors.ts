/**
 * The leak detectors (DESIGN §9): shapes of private keys, cloud and model-provider API keys,
 * tokens, JWTs, passwords in URLs, e-mail addresses, card numbers (Luhn) and IBANs (mod 97).
 *
 * A detector finds ranges in one string. Its preview is built only from the public marker of the
 * shape (`AKIA`, `ghp_`, `-----BEGIN ... PRIVATE KEY-----`) and the match's length: never a
 * character of the secret part, so printing a finding cannot leak what it found.
 *
 * Severity: `high` for credentials (anything that grants access), `medium` for financial personal
 * data (card numbers, IBANs), `low` for other personal data (e-mail). `proof export` refuses
 * `high` findings; `proof redact` refuses every unaccepted finding (docs/redaction.md).
 */
import { b64uDecode } from "../encoding/base64url.js";
import { decodeUtf8Strict } from "../encoding/utf8.js";
import { ibanValid } from "./checks.js";

export type Severity = "high" | "medium" | "low";

export const SEVERITIES: readonly Severity[] = ["high", "medium", "low"];

export interface TextDetector {
  /** Stable id, e.g. `aws-access-key`; findings, docs and tests name detectors by it. */
  readonly id: string;
  readonly severity: Severity;
  /** What it finds, for help and docs. */
  readonly title: string;
  /** A global regex; each match is a candidate. */
  readonly pattern: RegExp;
  /**
   * Refines a candidate (a checksum, a decodable header); default: every match counts. Work on
   * the whole text goes through `text`, which does it once per text, not once per match.
   */
  readonly accept?: (match: RegExpExecArray, text: TextFacts) => boolean;
  /** The public marker of the shape shown in previews (never part of the secret). */
  readonly marker: (match: RegExpExecArray) => string;
}

/** The object-level detector for private JWKs: an object with `kty` and a string `d`. */
export const JWK_PRIVATE_KEY = { id: "jwk-private-key", severity: "high" as Severity, title: "JWK private key (member d)" };

const fixed = (text: string) => () => text;

function jwtHeaderOk(m: RegExpExecArray): boolean {
  const bytes = b64uDecode(m[1]!);
  const text = bytes === undefined ? undefined : decodeUtf8Strict(bytes);
  if (text === undefined) return false;
  try {
    const h: unknown = JSON.parse(text);
    return typeof h === "object" && h !== null && typeof (h as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}

/** Passwords that are already masks or template placeholders are not secrets. */
function realPassword(m: RegExpExecArray): boolean {
  const pw = m[2]!;
  return !/^(\*+|x+|X+|\.+|•+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[A-Za-z_]+%?|\$[A-Za-z_][A-Za-z0-9_]*)$/.test(pw);
}

function mixedKeyBody(m: RegExpExecArray): boolean {
  const body = m[1]!;
  return /[0-9]/.test(body) && /[A-Za-z]/.test(body);
}

/** Facts about the whole text a match was found in, each worked out at most once per text. */
export class TextFacts {
  private jwk: boolean | undefined;
  constructor(private readonly text: string) {}

  /** Whether the text holds a `"kty":` member, as a JWK written into a string does. */
  looksLikeJwk(): boolean {
    return (this.jwk ??= /"kty"\s*:/.test(this.text));
  }
}

/*
 * Linear time (issue 12 item 4, issue 14): every pattern does bounded work per starting position
 * or consumes a run once. A run with a minimum length is written `[c]{n}[c]*`, never `[c]{n,}`:
 * the two match the same text in the same order, but V8 compiles `{n,}` over a run of millions
 * of characters into a loop that overflows its backtracking stack (7 MB of `xoxb-123456-` ended
 * in exit 70). test/cli/export-hostile.test.ts runs such inputs through the CLI.
 */

// Word boundaries made explicit: a key shape glued to other key characters is a different string.
const B = "(?<![A-Za-z0-9_-])";
const E = "(?![A-Za-z0-9_-])";

/** In order: when two matches overlap in one string, the earlier detector's wins. */
export const TEXT_DETECTORS: readonly TextDetector[] = [
  {
    id: "pem-private-key",
    severity: "high",
    title: "PEM private key block",
    pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g,
    marker: (m) => `-----BEGIN ${m[1]}-----`,
  },
  {
    id: "jwk-private-key",
    severity: "high",
    title: "JWK private key written inside a string",
    pattern: /"d"\s*:\s*"[A-Za-z0-9_-]{20}[A-Za-z0-9_-]*"/g,
    // Only when the same string also looks like a JWK.
    accept: (_m, text) => text.looksLikeJwk(),
    marker: fixed('JWK "d"'),
  },
  {
    id: "aws-access-key",
    severity: "high",
    title: "AWS access key id",
    pattern: new RegExp(`${B}((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})${E}`, "g"),
    marker: (m) => m[1]!.slice(0, 4),
  },
  {
    id: "aws-secret-key",
    severity: "high",
    title: "AWS secret access key (named)",
    pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    marker: fixed("aws_secret_access_key="),
  },
  {
    id: "github-token",
    severity: "high",
    title: "GitHub token",
    pattern: new RegExp(`${B}((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60}[A-Za-z0-9_]*)${E}`, "g"),
    marker: (m) => (m[1]!.startsWith("github_pat_") ? "github_pat_" : m[1]!.slice(0, 4)),
  },
  {
    id: "slack-token",
    severity: "high",
    title: "Slack token or webhook",
    pattern: new RegExp(`${B}(xox[abposr]-[0-9]{6}[0-9]*-[A-Za-z0-9-]{8}[A-Za-z0-9-]*|https://hooks\\.slack\\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]{16}[A-Za-z0-9]*)`, "g"),
    marker: (m) => (m[1]!.startsWith("https://") ? "https://hooks.slack.com/services/" : m[1]!.slice(0, 5)),
  },
  {
    id: "stripe-key",
    severity: "high",
    title: "Stripe secret or restricted key",
    pattern: new RegExp(`${B}((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16}[A-Za-z0-9]*)${E}`, "g"),
    marker: (m) => m[1]!.slice(0, m[1]!.indexOf("_", 3) + 1),
  },
  {
    // Before openai-key: `sk-ant-` would also match the OpenAI shape.
    id: "anthropic-key",
    severity: "high",
    title: "Anthropic API key",
    pattern: new RegExp(`${B}(sk-ant-[a-z]{3,8}[0-9]{0,2}-[A-Za-z0-9_-]{32}[A-Za-z0-9_-]*)${E}`, "g"),
    marker: fixed("sk-ant-"),
  },
  {
    id: "openai-key",
    severity: "high",
    title: "OpenAI API key",
    // A long run of key characters that mixes letters and digits: `sk-` in prose never does.
    pattern: new RegExp(`${B}sk-(?:proj-|svcacct-|admin-)?((?!ant-)[A-Za-z0-9_-]{32}[A-Za-z0-9_-]*)${E}`, "g"),
    accept: mixedKeyBody,
    marker: fixed("sk-"),
  },
  {
    id: "jwt",
    severity: "high",
    title: "JSON Web Token",
    pattern: new RegExp(`${B}(eyJ[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*)\\.(eyJ[A-Za-z0-9_-]{8}[A-Za-z0-9_-]*)\\.([A-Za-z0-9_-]{16}[A-Za-z0-9_-]*)${E}`, "g"),
    accept: jwtHeaderOk,
    marker: fixed("eyJ"),
  },
  {
    id: "bearer-token",
    severity: "high",
    title: "Authorization: Bearer credential",
    pattern: /(?<![A-Za-z])Bearer\s+([A-Za-z0-9._~+/-]{16}[A-Za-z0-9._~+/-]*=*)/g,
    marker: fixed("Bearer "),
  },
  {
    id: "url-password",
    severity: "high",
    title: "password in a URL",
    pattern: /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):\/\/[^\s/:@?#]+:([^\s/@?#]+)@[^\s/?#]+/g,
    accept: realPassword,
    marker: (m) => `${m[1]}://…:…@`,
  },
  {
    id: "card-number",
    severity: "medium",
    title: "payment card number (Luhn-valid)",
    pattern: /(?<![0-9A-Za-z])([2-6](?:[ -]?[0-9]){12,18})(?![0-9A-Za-z])/g,
    accept: (m) => cardNumberOk(m[1]!),
    marker: fixed("card"),
  },
  {
    id: "iban",
    severity: "medium",
    title: "IBAN (mod-97-valid)",
    pattern: /(?<![0-9A-Za-z])([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?![0-9A-Za-z])/g,
    accept: (m) => ibanValid(m[1]!.replace(/ /g, "")),
    marker: fixed("IBAN "),
  },
  {
    id: "email",
    severity: "low",
    title: "e-mail address",
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    marker: fixed("…@…"),
  },
];

/** Card numbers are printed without separators or in the networks' groupings, with one separator kind. */
const CARD_GROUPINGS = new Set(["4,4,4,4", "4,4,4,4,3", "4,6,5", "4,6,4", "4,4,4,1", "4,4,4,2", "4,4,4,3"]);

/**
 * A card-number candidate (digits, at most one space or hyphen between two digits, as the
 * pattern matched it): 13 to 19 digits, Luhn-valid, and no separators or one kind of separator in
 * a network's grouping. One pass over the candidate, no strings built for the common case: a
 * value of half a million card numbers is checked in linear time with a small constant.
 */
function cardNumberOk(text: string): boolean {
  const digits: number[] = [];
  let sep = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits.push(c - 48);
    else if (sep === 0) sep = c;
    else if (sep !== c) return false;
  }
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits[i]!;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  if (sum % 10 !== 0) return false;
  return sep === 0 || CARD_GROUPINGS.has(text.split(String.fromCharCode(sep)).map((g) => g.length).join(","));
}

/** Every detector id, text and object-level, for `--json` and docs. */
export const DETECTOR_IDS: readonly string[] = [...new Set([...TEXT_DETECTORS.map((d) => d.id), JWK_PRIVATE_KEY.id])];

export interface TextMatch {
  detector: TextDetector;
  start: number;
  end: number;
  preview: string;
}

/**
 * Findings kept per value: a value made of a million e-mail addresses is one finding list of 20
 * and a count, not a million findings (issue 12 item 4); the rest are reported as "and N more".
 */
export const MAX_MATCHES_PER_VALUE = 20;

export interface TextScan {
  /** The first matches by position, at most the cap. */
  matches: TextMatch[];
  /** Every match, kept or not. */
  total: number;
}

/**
 * The matches in one string, overlaps resolved in favour of the earlier detector, the first
 * `cap` by position kept and all counted.
 *
 * In time linear in the text: each detector's matches come left to right and never overlap one
 * another, and the matches kept so far are disjoint and sorted, so one cursor walks them beside
 * a detector's matches (no match is compared with all earlier ones), and one merge adds the
 * detector's kept matches. Previews are built only for the matches returned.
 */
export function scanText(text: string, cap: number = MAX_MATCHES_PER_VALUE): TextScan {
  const facts = new TextFacts(text);
  // Kept matches, sorted by start and disjoint: parallel arrays, so a million matches are not a million objects.
  let starts: number[] = [];
  let ends: number[] = [];
  let owners: number[] = [];
  for (let di = 0; di < TEXT_DETECTORS.length; di++) {
    const d = TEXT_DETECTORS[di]!;
    const re = d.pattern;
    const newStarts: number[] = [];
    const newEnds: number[] = [];
    let cursor = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      while (cursor < starts.length && ends[cursor]! <= start) cursor++;
      if (cursor < starts.length && starts[cursor]! < end) continue;
      if (d.accept && !d.accept(m, facts)) continue;
      newStarts.push(start);
      newEnds.push(end);
    }
    if (newStarts.length === 0) continue;
    if (starts.length === 0) {
      starts = newStarts;
      ends = newEnds;
      owners = newStarts.map(() => di);
      continue;
    }
    const ms: number[] = [];
    const me: number[] = [];
    const mo: number[] = [];
    let a = 0;
    let b = 0;
    while (a < starts.length || b < newStarts.length) {
      if (b >= newStarts.length || (a < starts.length && starts[a]! < newStarts[b]!)) {
        ms.push(starts[a]!);
        me.push(ends[a]!);
        mo.push(owners[a]!);
        a++;
      } else {
        ms.push(newStarts[b]!);
        me.push(newEnds[b]!);
        mo.push(di);
        b++;
      }
    }
    starts = ms;
    ends = me;
    owners = mo;
  }
  const matches: TextMatch[] = [];
  for (let i = 0; i < starts.length && i < cap; i++) {
    const d = TEXT_DETECTORS[owners[i]!]!;
    const start = starts[i]!;
    const end = ends[i]!;
    matches.push({ detector: d, start, end, preview: maskedPreview(d.marker(matchAt(d, text, start)), end - start) });
  }
  return { matches, total: starts.length };
}

/** Every match in one string (no cap), overlaps resolved in favour of the earlier detector. */
export function findInText(text: string): TextMatch[] {
  return scanText(text, Infinity).matches;
}

const stickyPatterns = new Map<TextDetector, RegExp>();

/** The match of `d` that starts at `start` (found by its global pattern before): the same match, for its marker. */
function matchAt(d: TextDetector, text: string, start: number): RegExpExecArray {
  let re = stickyPatterns.get(d);
  if (re === undefined) {
    re = new RegExp(d.pattern.source, d.pattern.flags.replace("g", "") + "y");
    stickyPatterns.set(d, re);
  }
  re.lastIndex = start;
  const m = re.exec(text);
  if (m === null) throw new Error(`detector ${d.id}: a match found before is not found again`);
  return m;
}

/** `marker…[n chars]`: the shape's public marker and the length, nothing of the value. */
export function maskedPreview(marker: string, length: number): string {
  return `${marker}${marker.endsWith("…") ? "" : "…"}[${length} chars]`;
}
