/**
 * The leak detectors (DESIGN §9): each finds its true positives and ignores near misses, previews
 * never contain the value, and ids are stable without being a way to confirm a guessed value.
 */
import { describe, expect, it } from "vitest";
import { findInText, DETECTOR_IDS } from "../../../src/core/detect/detectors.js";
import { ibanValid, luhnValid } from "../../../src/core/detect/checks.js";
import { describeLeak, scanEvent, scanRecord } from "../../../src/core/detect/scan.js";
import { seedSource } from "../../../src/core/digest/tree.js";
import { b64uEncode } from "../../../src/core/encoding/base64url.js";
import { nodeCrypto as crypto } from "../../../src/platform/node-crypto.js";

// Fake credentials, assembled at run time so no scanner mistakes this file for a leak.
const j = (...parts: string[]) => parts.join("");
const b64u = (s: string) => Buffer.from(s).toString("base64url");
const JWT = j(b64u('{"alg":"HS256","typ":"JWT"}'), ".", b64u('{"sub":"1234567890","name":"Jane"}'), ".", "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");

/** [detector, secret, text containing it] */
const POSITIVES: [string, string, string][] = [
  ["pem-private-key", j("-----BEGIN ", "PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIB\n-----END PRIVATE KEY-----"), ""],
  ["pem-private-key", j("-----BEGIN ", "RSA PRIVATE KEY-----\nMIIEow"), ""],
  ["jwk-private-key", j('{"kty":"OKP","crv":"Ed25519","d":"', "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", '"}'), ""],
  ["aws-access-key", j("AKIA", "IOSFODNN7EXAMPLE"), "key id "],
  ["aws-secret-key", j("aws_secret_access_key=", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ""],
  ["github-token", j("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"), ""],
  ["github-token", j("github_pat_", "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), ""],
  ["slack-token", j("xoxb-", "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"), ""],
  ["slack-token", j("https://hooks.slack.com/services/", "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"), ""],
  ["stripe-key", j("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"), ""],
  ["stripe-key", j("rk_test_", "51H8xYz2eZvKYlo2C0123456789"), ""],
  ["openai-key", j("sk-", "proj-", "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0f"), ""],
  ["openai-key", j("sk-", "T3BlbkFJ0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9"), ""],
  ["anthropic-key", j("sk-ant-", "api03-", "Xy9_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefghijklmnopqrstuvwx-AA"), ""],
  ["jwt", JWT, ""],
  ["bearer-token", j("Bearer ", "d9f8e7c6b5a4d3c2b1a0f9e8"), "Authorization: "],
  ["url-password", j("postgres://app:", "s3cr3t-Pa55", "@db.internal:5432/orders"), "connect to "],
  ["email", j("jane.doe", "@example.com"), "write to "],
  ["card-number", j("4111 1111 ", "1111 1111"), "card "],
  ["card-number", j("5555555555", "554444"), ""],
  ["iban", j("DE89 3704 0044 ", "0532 0130 00"), "pay to "],
  ["iban", j("GB82WEST", "12345698765432"), ""],
];

/** Near misses that must not be reported at all. */
const NEGATIVES: [string, string][] = [
  ["Luhn-invalid 16 digits", "order 4111 1111 1111 1112 shipped"],
  ["Luhn-invalid 16 digits, no spaces", "ref 5555555555554445"],
  ["sk- in ordinary prose", "we use sk-learn for the churn model; the sk- prefix is just a name"],
  ["a long hyphenated phrase after sk-", "sk-this-is-not-a-key-but-a-long-phrase-of-words"],
  ["mod-97-invalid IBAN", "pay to DE89 3704 0044 0532 0130 01"],
  ["bearer in prose", "the Bearer of this letter is welcome"],
  ["URL with a user but no password", "https://deploy@localhost/path"],
  ["URL with a masked password", "postgres://app:****@db.internal/orders"],
  ["JWT-like text whose header is not JSON", "eyJhbGciOiJIUzI1NiJ9zzz.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV"],
  ["AKIA inside a longer token", "xAKIAIOSFODNN7EXAMPLEx"],
  ["a 64-hex digest", "5f1c7f0b6d0e8a4b2c9d3e7a1f60b8c4d2e9a7b3c1d5e8f0a2b4c6d8e0f1a3b5"],
  ["a version string", "python:3.12-slim"],
  ["PEM public key", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"],
];

describe("detectors", () => {
  it.each(POSITIVES)("%s finds %#", (detector, secret, prefix) => {
    const found = findInText(`${prefix}${secret} and more`);
    expect(found.map((f) => f.detector.id)).toContain(detector);
    const f = found.find((x) => x.detector.id === detector)!;
    // The preview is the shape's marker and a length, never the value.
    expect(f.preview).not.toContain(secret);
    expect(f.preview).toMatch(/\[\d+ chars\]$/);
  });

  it.each(NEGATIVES)("ignores %s", (_what, text) => {
    expect(findInText(text)).toEqual([]);
  });

  it("has a true positive for every detector", () => {
    expect(new Set(POSITIVES.map(([d]) => d))).toEqual(new Set(DETECTOR_IDS));
  });

  it("reports one finding where two shapes overlap (the earlier detector wins)", () => {
    const text = j("https://user:", "hunter2hunter2", "@example.com/x");
    expect(findInText(text).map((f) => f.detector.id)).toEqual(["url-password"]);
  });

  it("checks Luhn and mod 97", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("79927398713")).toBe(true);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(ibanValid("NL91ABNA0417164300")).toBe(true);
  });
});

describe("scanning an event", () => {
  const seed = new Uint8Array(32).fill(7);
  const secret = j("AKIA", "IOSFODNN7EXAMPLE");
  const event = {
    id: "e1",
    note: `use ${secret} please`,
    amount: 4111111111111111,
    jwk: { kty: "OKP", crv: "Ed25519", x: "abc", d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A" },
    byUser: { [j("jane", "@example.com")]: { visits: 3 } },
  };
  const findings = scanEvent(crypto, event, 4, seedSource(crypto, seed));

  it("finds strings, integers, JWK objects and member names", () => {
    expect(findings.map((f) => `${f.detector}@${f.pointer}`).sort()).toEqual(
      ["aws-access-key@/note", "card-number@/amount", "email@/byUser", "jwk-private-key@/jwk/d"].sort(),
    );
  });

  it("never puts the value in a finding or its description", () => {
    const out = JSON.stringify(findings) + findings.map(describeLeak).join("\n");
    expect(out).not.toContain(secret);
    expect(out).not.toContain("IOSFODNN7EXAMPLE");
    expect(out).not.toContain("4111111111111111");
    expect(out).not.toContain("jane@");
    expect(out).not.toContain("nWGxne");
  });

  it("gives stable ids: same input, same id", () => {
    const again = scanEvent(crypto, event, 4, seedSource(crypto, seed));
    expect(again.map((f) => f.id)).toEqual(findings.map((f) => f.id));
    for (const f of findings) expect(f.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it("gives the same id in a full record and in a partial record of it", () => {
    const full = scanRecord(crypto, { seq: 4, seed: b64uEncode(seed), event });
    expect(full.map((f) => f.id)).toEqual(findings.map((f) => f.id));
  });

  it("keys the id with the salt, so it cannot confirm a guessed value", () => {
    // Same event, another seed: the ids change, so an id says nothing without the salt.
    const other = scanEvent(crypto, event, 4, seedSource(crypto, new Uint8Array(32).fill(8)));
    const byPointer = (fs: typeof findings) => fs.filter((f) => f.pointer !== "/byUser").map((f) => f.id);
    for (const id of byPointer(other)) expect(byPointer(findings)).not.toContain(id);
  });

  it("skips redacted values", () => {
    const none = scanEvent(crypto, { id: "e1", note: null }, 0, { salt: () => new Uint8Array(16), redacted: (p) => (p === "/note" ? new Uint8Array(32) : undefined) });
    expect(none).toEqual([]);
  });
});
