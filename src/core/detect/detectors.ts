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
import { ibanValid, luhnValid } from "./checks.js";

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
  /** Refines a candidate (a checksum, a decodable header); default: every match counts. */
  readonly accept?: (match: RegExpExecArray) => boolean;
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
    pattern: /"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/g,
    // Only when the same string also looks like a JWK.
    accept: (m) => /"kty"\s*:/.test(m.input),
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
    pattern: new RegExp(`${B}((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})${E}`, "g"),
    marker: (m) => (m[1]!.startsWith("github_pat_") ? "github_pat_" : m[1]!.slice(0, 4)),
  },
  {
    id: "slack-token",
    severity: "high",
    title: "Slack token or webhook",
    pattern: new RegExp(`${B}(xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{8,}|https://hooks\\.slack\\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]{16,})`, "g"),
    marker: (m) => (m[1]!.startsWith("https://") ? "https://hooks.slack.com/services/" : m[1]!.slice(0, 5)),
  },
  {
    id: "stripe-key",
    severity: "high",
    title: "Stripe secret or restricted key",
    pattern: new RegExp(`${B}((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,})${E}`, "g"),
    marker: (m) => m[1]!.slice(0, m[1]!.indexOf("_", 3) + 1),
  },
  {
    // Before openai-key: `sk-ant-` would also match the OpenAI shape.
    id: "anthropic-key",
    severity: "high",
    title: "Anthropic API key",
    pattern: new RegExp(`${B}(sk-ant-[a-z]{3,8}[0-9]{0,2}-[A-Za-z0-9_-]{32,})${E}`, "g"),
    marker: fixed("sk-ant-"),
  },
  {
    id: "openai-key",
    severity: "high",
    title: "OpenAI API key",
    // A long run of key characters that mixes letters and digits: `sk-` in prose never does.
    pattern: new RegExp(`${B}sk-(?:proj-|svcacct-|admin-)?((?!ant-)[A-Za-z0-9_-]{32,})${E}`, "g"),
    accept: mixedKeyBody,
    marker: fixed("sk-"),
  },
  {
    id: "jwt",
    severity: "high",
    title: "JSON Web Token",
    pattern: new RegExp(`${B}(eyJ[A-Za-z0-9_-]{8,})\\.(eyJ[A-Za-z0-9_-]{8,})\\.([A-Za-z0-9_-]{16,})${E}`, "g"),
    accept: jwtHeaderOk,
    marker: fixed("eyJ"),
  },
  {
    id: "bearer-token",
    severity: "high",
    title: "Authorization: Bearer credential",
    pattern: /(?<![A-Za-z])Bearer\s+([A-Za-z0-9._~+/-]{16,}=*)/g,
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
    accept: (m) => {
      const digits = m[1]!.replace(/[ -]/g, "");
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) && consistentSeparators(m[1]!);
    },
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

function consistentSeparators(text: string): boolean {
  const seps = new Set(text.replace(/[0-9]/g, ""));
  if (seps.size === 0) return true;
  if (seps.size > 1) return false;
  return CARD_GROUPINGS.has(text.split(/[ -]/).map((g) => g.length).join(","));
}

/** Every detector id, text and object-level, for `--json` and docs. */
export const DETECTOR_IDS: readonly string[] = [...new Set([...TEXT_DETECTORS.map((d) => d.id), JWK_PRIVATE_KEY.id])];

export interface TextMatch {
  detector: TextDetector;
  start: number;
  end: number;
  preview: string;
}

/** Every match in one string, overlaps resolved in favour of the earlier detector. */
export function findInText(text: string): TextMatch[] {
  const out: TextMatch[] = [];
  for (const d of TEXT_DETECTORS) {
    d.pattern.lastIndex = 0;
    for (let m = d.pattern.exec(text); m !== null; m = d.pattern.exec(text)) {
      if (m[0].length === 0) {
        d.pattern.lastIndex++;
        continue;
      }
      const start = m.index;
      const end = start + m[0].length;
      if (d.accept && !d.accept(m)) continue;
      if (out.some((o) => start < o.end && o.start < end)) continue;
      out.push({ detector: d, start, end, preview: maskedPreview(d.marker(m), end - start) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** `marker…[n chars]`: the shape's public marker and the length, nothing of the value. */
export function maskedPreview(marker: string, length: number): string {
  return `${marker}${marker.endsWith("…") ? "" : "…"}[${length} chars]`;
}
