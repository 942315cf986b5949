/**
 * The bundles the page and the CLI must agree on: made here with the real CLI from the demo events
 * and the demo key (a full bundle in both forms, auditor shares with elided events, one signed by
 * a redactor), then tampered copies, each made from one that verifies. Every bundle, share and
 * tampered fixture committed under fixtures/bundles/ joins them.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri } from "../support/cli.js";
import type { VerifyOptions } from "./support.js";

export interface Case {
  name: string;
  bundle: string;
  keys: string[];
  options?: VerifyOptions;
  /** The verdict this case must give (both the page and the CLI); undefined: agreement only. */
  expect?: "verified" | "invalid" | "insufficient_evidence";
}

type Doc = Record<string, any>;

function run(args: string[], cwd: string): void {
  const r = imladri(args, { cwd });
  expect(r.code, `imladri ${args.join(" ")}: ${r.stderr}`).toBe(0);
}

export interface DemoFiles {
  dir: string;
  pub: string;
  /** The demo private key (0600): the page must use only its public part. */
  priv: string;
  keyring: string;
  otherPub: string;
  bundle: string;
  bundleJsonl: string;
  share: string;
  shareJsonl: string;
  signedShare: string;
}

/** The verifying fixtures, made with the CLI in `dir`; keys are copied beside them. */
export function makeDemoFiles(dir: string): DemoFiles {
  const key = demoKey(dir);
  const pub = path.join(dir, "demo-signer.pub.jwk");
  fs.copyFileSync(key.pub, pub);
  const keyring = path.join(dir, "demo-keyring.json");
  fs.copyFileSync(path.join(FIXTURES, "keys/demo-keyring.json"), keyring);
  // A valid Ed25519 key that signed nothing here.
  const otherPub = path.join(dir, "other.pub.jwk");
  const other = crypto.generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
  fs.writeFileSync(otherPub, JSON.stringify({ kty: other.kty, crv: other.crv, x: other.x }));

  const f = (name: string) => path.join(dir, name);
  run(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", "demo.json"], dir);
  run(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", "demo.jsonl"], dir);
  // The auditor policy redacts; the detector finding (seq 9) and the unknown-type note are elided.
  const elide = ["--elide", "9", "--elide", "agent.*"];
  run(["proof", "redact", "demo.json", "--policy", "auditor", ...elide, "--out", "share.json"], dir);
  run(["proof", "redact", "demo.jsonl", "--policy", "auditor", ...elide, "--out", "share.jsonl"], dir);
  run(["proof", "redact", "demo.json", "--policy", "auditor", "--key-file", key.priv, "--out", "share-signed.json"], dir);
  return { dir, pub, priv: key.priv, keyring, otherPub, bundle: f("demo.json"), bundleJsonl: f("demo.jsonl"), share: f("share.json"), shareJsonl: f("share.jsonl"), signedShare: f("share-signed.json") };
}

function writeDoc(dir: string, name: string, doc: Doc | string | Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof doc === "string" || doc instanceof Uint8Array ? doc : JSON.stringify(doc));
  return file;
}

/** Every case: the verifying fixtures, their tampered copies, key and option variants. */
export function makeCases(d: DemoFiles): Case[] {
  const read = (file: string): Doc => JSON.parse(fs.readFileSync(file, "utf8"));
  const text = fs.readFileSync(d.bundle, "utf8");
  const mutate = (source: string, name: string, change: (doc: Doc) => void): string => {
    const doc = read(source);
    change(doc);
    return writeDoc(d.dir, name, doc);
  };
  const swap = (doc: Doc, i: number, j: number) => {
    [doc.events[i], doc.events[j]] = [doc.events[j], doc.events[i]];
    doc.events[i].seq = i;
    doc.events[j].seq = j;
  };
  const firstPartial = (doc: Doc) => doc.events.find((r: Doc) => "redacted" in r);
  const jsonlLines = fs.readFileSync(d.bundleJsonl, "utf8").split("\n");
  const badUtf8 = Buffer.from(text, "utf8");
  badUtf8[badUtf8.indexOf("support-bot")] = 0xff;
  const pub = [d.pub];

  const cases: Case[] = [
    { name: "full bundle (JSON)", bundle: d.bundle, keys: pub, expect: "verified" },
    { name: "full bundle (JSON Lines)", bundle: d.bundleJsonl, keys: pub, expect: "verified" },
    { name: "auditor share with elided events (JSON)", bundle: d.share, keys: pub, expect: "verified" },
    { name: "auditor share with elided events (JSON Lines)", bundle: d.shareJsonl, keys: pub, expect: "verified" },
    { name: "share signed by a redactor", bundle: d.signedShare, keys: pub, expect: "verified" },
    { name: "full bundle, trusted through the keyring", bundle: d.bundle, keys: [d.keyring], expect: "verified" },
    { name: "share, keyring pinned to its root", bundle: d.share, keys: [d.keyring], options: { root: "MnaSXunLpXEgYdM6AB8Rs7EW1LOtxiA5YXqtvd-W3S4" }, expect: "verified" },
    { name: "keyring pinned to another root", bundle: d.bundle, keys: [d.keyring], options: { root: "A".repeat(43) }, expect: "invalid" },
    { name: "no trusted key", bundle: d.bundle, keys: [], expect: "insufficient_evidence" },
    { name: "a key that did not sign it", bundle: d.share, keys: [d.otherPub], expect: "insufficient_evidence" },
    { name: "the signer's key and another", bundle: d.bundle, keys: [d.otherPub, d.pub], expect: "verified" },
    { name: "two signatures required, one given", bundle: d.bundle, keys: pub, options: { minSignatures: 2 }, expect: "insufficient_evidence" },
    { name: "--require no-elided on a share that elides", bundle: d.share, keys: pub, options: { require: ["no-elided"] }, expect: "insufficient_evidence" },
    { name: "--require cleanup and decisions on the full bundle", bundle: d.bundle, keys: pub, options: { require: ["cleanup", "decisions"] }, expect: "verified" },

    { name: "tampered: a changed value", bundle: mutate(d.bundle, "tampered-value.json", (x) => (x.events[2].event.decision.outcome = "allowed")), keys: pub, expect: "invalid" },
    { name: "tampered: an event removed", bundle: mutate(d.bundle, "tampered-removed.json", (x) => {
      x.events.splice(5, 1);
      x.events.forEach((r: Doc, i: number) => (r.seq = i));
    }), keys: pub, expect: "invalid" },
    { name: "tampered: two events swapped", bundle: mutate(d.bundle, "tampered-swapped.json", (x) => swap(x, 3, 4)), keys: pub, expect: "invalid" },
    { name: "tampered: a record's seq", bundle: mutate(d.bundle, "tampered-seq.json", (x) => (x.events[3].seq = 7)), keys: pub, expect: "invalid" },
    { name: "tampered: a signature byte", bundle: mutate(d.bundle, "tampered-signature.json", (x) => {
      const s: string = x.signatures[0].signature;
      x.signatures[0].signature = (s[0] === "A" ? "B" : "A") + s.slice(1);
    }), keys: pub, expect: "invalid" },
    { name: "tampered: the statement's length", bundle: mutate(d.bundle, "tampered-length.json", (x) => (x.statement.length = 13)), keys: pub, expect: "invalid" },
    { name: "signatures stripped", bundle: mutate(d.bundle, "unsigned.json", (x) => (x.signatures = [])), keys: pub, expect: "insufficient_evidence" },
    { name: "a byte-order mark", bundle: writeDoc(d.dir, "bom.json", "\uFEFF" + text), keys: pub, expect: "invalid" },
    { name: "invalid UTF-8", bundle: writeDoc(d.dir, "bad-utf8.json", badUtf8), keys: pub, expect: "invalid" },
    { name: "a duplicate member name", bundle: writeDoc(d.dir, "duplicate.json", text.replace(/"kind"\s*:\s*"full"/, '"kind":"full","kind":"share"')), keys: pub, expect: "invalid" },
    { name: "JSON Lines with a blank line", bundle: writeDoc(d.dir, "blank-line.jsonl", [...jsonlLines.slice(0, 3), "", ...jsonlLines.slice(3)].join("\n")), keys: pub, expect: "invalid" },
    { name: "JSON Lines cut short", bundle: writeDoc(d.dir, "truncated.jsonl", jsonlLines.slice(0, -3).join("\n") + "\n"), keys: pub, expect: "invalid" },
    { name: "share tampered: a redacted digest", bundle: mutate(d.share, "share-tampered-digest.json", (x) => {
      const r = firstPartial(x);
      const p = Object.keys(r.redacted)[0]!;
      r.redacted[p] = (r.redacted[p][0] === "0" ? "1" : "0") + r.redacted[p].slice(1);
    }), keys: pub, expect: "invalid" },
    { name: "share tampered: a disclosed value", bundle: mutate(d.share, "share-tampered-value.json", (x) => (firstPartial(x).event.ts = "2027-01-01T00:00:00.000Z")), keys: pub, expect: "invalid" },
    { name: "share tampered: an elided event's digest", bundle: mutate(d.share, "share-tampered-elided.json", (x) => {
      const r = x.events.find((e: Doc) => "digest" in e);
      r.digest = (r.digest[0] === "0" ? "1" : "0") + r.digest.slice(1);
    }), keys: pub, expect: "invalid" },
    { name: "share tampered: the policy digest", bundle: mutate(d.share, "share-tampered-policy.json", (x) => (x.redaction.policyDigest = "0".repeat(64))), keys: pub, expect: "invalid" },
  ];

  // The committed fixtures (the redaction work's demo bundle, share and tampered share), verified
  // with the demo key; their own verdicts are pinned where their names say what they are.
  const committed = path.join(FIXTURES, "bundles");
  if (fs.existsSync(committed)) {
    for (const name of fs.readdirSync(committed).sort()) {
      if (!/\.jsonl?$/.test(name)) continue;
      const copy = path.join(d.dir, `fixture-${name}`);
      fs.copyFileSync(path.join(committed, name), copy);
      // Format v2 (DESIGN §12): the excerpt and checkpoint fixtures and their sources verify too.
      const verdict = /tamper/.test(name) ? "invalid" : /^demo(-share|-v2(-excerpt|-checkpoint|-growth|-prefix)?)?\.jsonl?$/.test(name) ? "verified" : undefined;
      cases.push({ name: `fixtures/bundles/${name}`, bundle: copy, keys: pub, ...(verdict ? { expect: verdict } : {}) });
    }
  }
  return cases;
}
