/**
 * The tamper suite (issue 2): each change to a signed bundle must make `proof verify` exit 1 with
 * the finding that names it. Every tamper starts from a bundle that verifies, so a tamper that is
 * not caught fails the test.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, demoKey, imladri, tempDir } from "../support/cli.js";
import { b64uDecode, b64uEncode } from "../../src/core/encoding/base64url.js";

type Doc = Record<string, any>;
let dir: string;
let pub: string;
let original: Doc;

function verifyDoc(doc: Doc | string, extra: string[] = []) {
  const file = path.join(dir, `t-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  const r = imladri(["proof", "verify", file, "--key", pub, "--json", ...extra]);
  const report = r.stdout ? JSON.parse(r.stdout) : undefined;
  return { ...r, report, codes: (report?.findings ?? []).filter((f: any) => f.effect === "invalid").map((f: any) => f.code) as string[] };
}

function clone(): Doc {
  return structuredClone(original);
}

function header(sigIndex: number, doc: Doc): Doc {
  const bytes = b64uDecode(doc.signatures[sigIndex].protected)!;
  return JSON.parse(new TextDecoder().decode(bytes));
}

function setHeader(doc: Doc, h: Doc): void {
  doc.signatures[0].protected = b64uEncode(new TextEncoder().encode(JSON.stringify(h)));
}

beforeAll(() => {
  dir = tempDir();
  const key = demoKey(dir);
  pub = key.pub;
  const out = path.join(dir, "proof.json");
  const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", out]);
  expect(r.code, r.stderr).toBe(0);
  original = JSON.parse(fs.readFileSync(out, "utf8"));
});

describe("proof verify catches tampering", () => {
  it("accepts the untouched bundle (the baseline every tamper starts from)", () => {
    const r = verifyDoc(clone());
    expect(r.code).toBe(0);
    expect(r.report.verdict).toBe("verified");
  });

  const cases: [string, (d: Doc) => void, string][] = [
    ["a changed leaf value", (d) => (d.events[2].event.decision.outcome = "allowed"), "chain.head-mismatch"],
    ["a changed key name", (d) => {
      const e = d.events[0].event;
      e.argz = e.args;
      delete e.args;
    }, "chain.head-mismatch"],
    ["a swapped pair of events (seq left in place)", (d) => {
      [d.events[3], d.events[4]] = [d.events[4], d.events[3]];
    }, "record.seq"],
    ["a swapped pair of events with seq renumbered", (d) => {
      [d.events[3], d.events[4]] = [d.events[4], d.events[3]];
      d.events[3].seq = 3;
      d.events[4].seq = 4;
    }, "chain.head-mismatch"],
    ["a removed event", (d) => {
      d.events.pop();
    }, "statement.length-mismatch"],
    ["a removed event in the middle", (d) => {
      d.events.splice(5, 1);
      d.events.forEach((r: Doc, i: number) => (r.seq = i));
    }, "chain.head-mismatch"],
    ["an appended event", (d) => {
      d.events.push({ ...structuredClone(d.events[0]), seq: d.events.length });
    }, "statement.length-mismatch"],
    ["a changed seq", (d) => (d.events[1].seq = 7), "record.seq"],
    ["a changed seed", (d) => {
      const s = b64uDecode(d.events[1].seed)!;
      s[0]! ^= 1;
      d.events[1].seed = b64uEncode(s);
    }, "chain.head-mismatch"],
    ["a changed statement length", (d) => (d.statement.length += 1), "statement.length-mismatch"],
    ["a changed statement head", (d) => (d.statement.head = "0".repeat(64)), "chain.head-mismatch"],
    ["a changed statement chain", (d) => (d.statement.chain = "another-chain"), "chain.head-mismatch"],
    ["a changed statement issuedAt", (d) => (d.statement.issuedAt = "2030-01-01T00:00:00.000Z"), "signature.bad"],
    ["a bit flip in the signature", (d) => {
      const s = b64uDecode(d.signatures[0].signature)!;
      s[10]! ^= 0x04;
      d.signatures[0].signature = b64uEncode(s);
    }, "signature.bad"],
    ["protected header alg none", (d) => setHeader(d, { ...header(0, d), alg: "none" }), "signature.alg"],
    ["protected header alg HS256", (d) => setHeader(d, { ...header(0, d), alg: "HS256" }), "signature.alg"],
    ["protected header with crit", (d) => setHeader(d, { ...header(0, d), crit: ["b64"] }), "signature.header-member"],
    ["protected header with an embedded jwk", (d) => setHeader(d, { ...header(0, d), jwk: { kty: "OKP", crv: "Ed25519", x: "AAAA" } }), "signature.header-member"],
    ["a payload member beside the signature", (d) => (d.signatures[0].payload = "e30"), "signature.malformed-entry"],
    ["a full bundle holding a redaction block", (d) => (d.redaction = {}), "bundle.member"],
  ];

  for (const [name, tamper, code] of cases) {
    it(`refuses ${name} (${code})`, () => {
      const d = clone();
      tamper(d);
      const r = verifyDoc(d);
      expect(r.code, r.stderr).toBe(1);
      expect(r.report.verdict).toBe("invalid");
      expect(r.codes).toContain(code);
    });
  }

  it("refuses a duplicate member name anywhere, naming its pointer", () => {
    const text = JSON.stringify(clone()).replace('"outcome":"blocked"', '"outcome":"blocked","outcome":"allowed"');
    const r = verifyDoc(text);
    expect(r.code).toBe(1);
    const f = r.report.findings.find((x: any) => x.code === "bundle.parse");
    expect(f.message).toMatch(/duplicate/);
    expect(f.pointer).toMatch(/\/events\/2\/event\/decision\/outcome$/);
  });

  it("refuses a __proto__ member", () => {
    const text = JSON.stringify(clone()).replace('"args":{', '"args":{"__proto__":{"x":1},');
    const r = verifyDoc(text);
    expect(r.code).toBe(1);
    expect(r.codes).toContain("bundle.parse");
  });

  it("refuses a duplicate member name on a JSON Lines record line, naming the line", () => {
    const d = clone();
    const { events, ...head } = d;
    const lines = [JSON.stringify(head), ...events.map((e: Doc) => JSON.stringify(e))];
    lines[3] = lines[3]!.replace('"seq":2', '"seq":2,"seq":2');
    const r = verifyDoc(lines.join("\n") + "\n");
    expect(r.code).toBe(1);
    const f = r.report.findings.find((x: any) => x.code === "bundle.parse");
    expect(f.line).toBe(4);
    expect(f.seq).toBe(2);
  });
});

describe("proof verify without enough evidence", () => {
  it("exits 2 when no key is given", () => {
    const file = path.join(dir, "plain.json");
    fs.writeFileSync(file, JSON.stringify(original));
    const r = imladri(["proof", "verify", file, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).verdict).toBe("insufficient_evidence");
  });

  it("exits 2 with a key that signed nothing here", () => {
    const other = path.join(dir, "other.pub.jwk");
    // RFC 8037 A.2's public key: a valid key that did not sign this bundle.
    fs.writeFileSync(other, JSON.stringify({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }));
    const file = path.join(dir, "plain2.json");
    fs.writeFileSync(file, JSON.stringify(original));
    const r = imladri(["proof", "verify", file, "--key", other, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.code)).toContain("signature.unknown-key");
  });

  it("exits 2 for an unsigned bundle", () => {
    const out = path.join(dir, "unsigned.json");
    expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--unsigned", "--out", out]).code).toBe(0);
    const r = imladri(["proof", "verify", out, "--key", pub, "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.code)).toContain("signature.insufficient");
  });

  it("refuses --min-signatures 0: lacking evidence never yields verified", () => {
    const file = path.join(dir, "plain3.json");
    fs.writeFileSync(file, JSON.stringify(original));
    expect(imladri(["proof", "verify", file, "--min-signatures", "0"]).code).toBe(64);
  });

  it("exits 2 when --min-signatures asks for more distinct keys than signed", () => {
    const r = verifyDoc(clone(), ["--min-signatures", "2"]);
    expect(r.code).toBe(2);
  });

  it("counts two signatures by the same key once", () => {
    const d = clone();
    d.signatures.push({ ...d.signatures[0] });
    const r = verifyDoc(d, ["--min-signatures", "2"]);
    expect(r.report.validSignatures).toBe(1);
    expect(r.code).toBe(2);
  });
});
