/**
 * `imladri proof redact` and the export leak check, end to end through the real CLI (issue 3):
 * shares verify with the issuer key, findings block (masked, with how to fix each), --accept and
 * --redact unblock, --dry-run writes nothing, and no output ever carries the secret.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri, tempDir } from "../support/cli.js";

let dir: string;
let key: { priv: string; pub: string };
let full: string;

// A fake credential, assembled at run time so no scanner mistakes this file for a leak.
const SECRET = ["AKIA", "Q3EXAMPLE7", "SECRET"].join("");
const SECRET_TAIL = "Q3EXAMPLE7SECRET";
const EMAIL = ["ops.lead", "@", "example.com"].join("");

function file(name: string): string {
  return path.join(dir, name);
}

function noSecret(r: { stdout: string; stderr: string }): void {
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stdout + r.stderr).not.toContain(SECRET_TAIL);
}

/** The demo log with a secret in a kept field (the decision reason) of seq 2. */
function secretLog(): string {
  const lines = fs.readFileSync(DEMO_EVENTS, "utf8").split("\n").filter(Boolean);
  const e = JSON.parse(lines[2]!);
  e.decision.reason = `blocked: the prompt carried ${SECRET} from a pasted config`;
  lines[2] = JSON.stringify(e);
  const log = file("secret.jsonl");
  fs.writeFileSync(log, lines.join("\n") + "\n");
  return log;
}

beforeAll(() => {
  dir = tempDir("imladri-redact-");
  key = demoKey(dir);
  full = file("proof.json");
  const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--chain", "demo", "--out", full]);
  expect(r.code).toBe(0);
});

describe("proof redact", () => {
  it("makes an auditor share of the demo bundle that verifies with the issuer key", () => {
    const share = file("share.json");
    const r = imladri(["proof", "redact", full, "--out", share]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote share");
    const v = imladri(["proof", "verify", share, "--key", key.pub]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^verified .*\(share: 0 of 14 events elided, 14 fields redacted\)/);
    const j = JSON.parse(imladri(["proof", "verify", share, "--key", key.pub, "--json"]).stdout);
    expect(j.kind).toBe("share");
    expect(j.identity).toBe(JSON.parse(imladri(["proof", "verify", full, "--key", key.pub, "--json"]).stdout).identity);
  });

  it("writes the JSON Lines form for a .jsonl output, which verifies too", () => {
    const share = file("share.jsonl");
    expect(imladri(["proof", "redact", full, "--out", share, "--policy", "strict"]).code).toBe(0);
    expect(fs.readFileSync(share, "utf8").split("\n").length).toBe(16);
    expect(imladri(["proof", "verify", share, "--key", key.pub]).code).toBe(0);
  });

  it("a share's salts are checked: a changed, a moved and a missing salt are each caught", () => {
    const share = file("salts.jsonl");
    expect(imladri(["proof", "redact", full, "--out", share, "--policy", "auditor"]).code).toBe(0);
    expect(imladri(["proof", "verify", share, "--key", key.pub]).code).toBe(0);
    const lines = fs.readFileSync(share, "utf8").split("\n");
    const at = lines.findIndex((l, i) => i > 0 && l.includes('"salts"') && Object.keys(JSON.parse(l).salts).length >= 2);
    const tampered = (name: string, change: (salts: Record<string, string>) => void): string => {
      const record = JSON.parse(lines[at]!);
      change(record.salts);
      const copy = [...lines];
      // Written back in JCS key order, as a writer would (the verifier must not rely on it anyway).
      const keys = Object.keys(record.salts).sort();
      copy[at] = JSON.stringify({ ...record, salts: Object.fromEntries(keys.map((k) => [k, record.salts[k]])) });
      const out = file(name);
      fs.writeFileSync(out, copy.join("\n"));
      return out;
    };
    const codes = (f: string) => {
      const r = imladri(["proof", "verify", f, "--key", key.pub, "--json"]);
      expect(r.code).toBe(1);
      return JSON.parse(r.stdout).findings.map((x: { code: string }) => x.code) as string[];
    };
    const seq = at - 1;
    // Another valid salt: the record's digest changes, so the chain breaks at it.
    const changed = tampered("salt-changed.jsonl", (s) => {
      const [a, b] = Object.keys(s);
      [s[a!], s[b!]] = [s[b!]!, s[a!]!];
    });
    expect(codes(changed)).toContain("chain.head-mismatch");
    // A salt moved to a pointer with no disclosed value: missing where it was, extra where it is.
    const moved = tampered("salt-moved.jsonl", (s) => {
      const k = Object.keys(s)[0]!;
      s[k + "x"] = s[k]!;
      delete s[k];
    });
    expect(codes(moved)).toEqual(expect.arrayContaining(["record.salt-missing", "record.salt-extra"]));
    const r = JSON.parse(imladri(["proof", "verify", moved, "--key", key.pub, "--json"]).stdout);
    expect(r.findings.find((f: { code: string }) => f.code === "record.salt-missing").pointer).toMatch(new RegExp(`^/events/${seq}/event/`));
    const missing = tampered("salt-missing.jsonl", (s) => delete s[Object.keys(s).at(-1)!]);
    expect(codes(missing)).toContain("record.salt-missing");
  });

  it("--dry-run prints the plan and writes nothing", () => {
    const out = file("dry.json");
    const before = fs.readdirSync(dir).sort();
    const r = imladri(["proof", "redact", full, "--out", out, "--dry-run", "--elide", "agent.*"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dry run");
    expect(r.stdout).toMatch(/seq 13 +agent\.note +elide/);
    expect(r.stdout).toMatch(/seq 3 +tool\.call +redact \/actor\/user, \/args, \/result\/output/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it("refuses to overwrite an existing share without --force (exit 73)", () => {
    const out = file("exists.json");
    fs.writeFileSync(out, "keep me");
    expect(imladri(["proof", "redact", full, "--out", out]).code).toBe(73);
    expect(fs.readFileSync(out, "utf8")).toBe("keep me");
  });

  it("redacts a share further; the result verifies", () => {
    const first = file("first.json");
    const second = file("second.json");
    expect(imladri(["proof", "redact", full, "--out", first]).code).toBe(0);
    const r = imladri(["proof", "redact", first, "--out", second, "--redact", "/resource/id", "--elide", "0"]);
    expect(r.code).toBe(0);
    const v = JSON.parse(imladri(["proof", "verify", second, "--key", key.pub, "--json"]).stdout);
    expect(v.verdict).toBe("verified");
    expect(v.events.elided).toBe(1);
  });

  it("signs the redaction with --key-file; verify reports the redactor and counts only the issuer", () => {
    const share = file("signed.json");
    expect(imladri(["proof", "redact", full, "--out", share, "--key-file", key.priv]).code).toBe(0);
    const v = imladri(["proof", "verify", share, "--key", key.pub, "--json"]);
    const j = JSON.parse(v.stdout);
    expect(j.verdict).toBe("verified");
    expect(j.redactorSignatures.map((s: { status: string }) => s.status)).toEqual(["valid"]);
    expect(j.validSignatures).toBe(1);
  });

  it("inspect shows [redacted] where a share hides a value", () => {
    const share = file("reason.json");
    expect(imladri(["proof", "redact", full, "--out", share, "--redact", "2:/decision/reason"]).code).toBe(0);
    const r = imladri(["proof", "inspect", share]);
    expect(r.stdout).toMatch(/seq 2 +crm\.export: \[redacted\]/);
    expect(r.stdout).toContain("user [redacted] in 5 event(s)");
    expect(r.stdout).not.toContain("user-1042");
  });

  it("refuses a policy file that is not a policy, naming the pointer (exit 65)", () => {
    const p = file("bad-policy.json");
    fs.writeFileSync(p, JSON.stringify({ format: "imladri.redaction-policy/v1", name: "x", rules: [{ redact: ["args"] }] }));
    const r = imladri(["proof", "redact", full, "--out", file("never.json"), "--policy", p]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("/rules/0/redact/0");
  });

  it("reads the bundle from stdin (-) in its one pass: the share verifies, and errors name <stdin>", () => {
    const share = file("from-stdin.json");
    const r = imladri(["proof", "redact", "-", "--out", share], { input: fs.readFileSync(full, "utf8") });
    expect(r.code).toBe(0);
    expect(imladri(["proof", "verify", share, "--key", key.pub]).code).toBe(0);
    const bad = imladri(["proof", "redact", "-", "--out", file("never.json")], { input: "not a bundle\n" });
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain("<stdin>: not a bundle: ");
    expect(bad.stderr).not.toContain(".imladri-stdin-");
    expect(fs.existsSync(file("never.json"))).toBe(false);
  });

  it("refuses a bad --redact value (exit 64)", () => {
    expect(imladri(["proof", "redact", full, "--out", file("never.json"), "--redact", "args"]).code).toBe(64);
  });
});

describe("detector findings", () => {
  let secretBundle: string;
  beforeAll(() => {
    secretBundle = file("secret-proof.json");
    const r = imladri(["proof", "export", "--log", secretLog(), "--key-file", key.priv, "--out", secretBundle, "--allow-secrets"]);
    expect(r.code).toBe(0);
    noSecret(r);
    expect(r.stderr).toContain("aws-access-key");
  });

  it("export refuses a log with a secret: exit 1, nothing written, each finding masked", () => {
    const out = file("refused.json");
    const r = imladri(["proof", "export", "--log", secretLog(), "--key-file", key.priv, "--out", out]);
    expect(r.code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
    expect(r.stderr).toMatch(/seq 2 \/decision\/reason: aws-access-key \(high\) AKIA…\[20 chars\]/);
    expect(r.stderr).toContain("--allow-secrets");
    noSecret(r);
    const j = imladri(["proof", "export", "--log", secretLog(), "--key-file", key.priv, "--out", out, "--json"]);
    expect(j.code).toBe(1);
    noSecret(j);
  });

  it("export reports an e-mail address as a warning and still writes the bundle", () => {
    const lines = fs.readFileSync(DEMO_EVENTS, "utf8").split("\n").filter(Boolean);
    const e = JSON.parse(lines[9]!);
    e.summary = `reported by ${EMAIL}`;
    lines[9] = JSON.stringify(e);
    const log = file("email.jsonl");
    fs.writeFileSync(log, lines.join("\n") + "\n");
    const out = file("email-proof.json");
    const r = imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--out", out]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(out)).toBe(true);
    expect(r.stderr).toMatch(/personal data: seq 9 \/summary: email \(low\)/);
    expect(r.stdout + r.stderr).not.toContain(EMAIL);
  });

  it("redact blocks a share with an unaccepted finding: exit 1, nothing written, how to fix each", () => {
    const out = file("blocked.json");
    const r = imladri(["proof", "redact", secretBundle, "--out", out]);
    expect(r.code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
    expect(r.stderr).toMatch(/aws-access-key \(high\) AKIA…\[20 chars\]  id [0-9a-f]{16}  → --redact 2:\/decision\/reason or --accept [0-9a-f]{16}/);
    noSecret(r);
  });

  it("--json and --dry-run outputs hold no secret either", () => {
    const j = imladri(["proof", "redact", secretBundle, "--out", file("blocked.json"), "--json"]);
    expect(j.code).toBe(1);
    noSecret(j);
    const doc = JSON.parse(j.stdout);
    expect(doc.written).toBe(false);
    expect(doc.blockingCount).toBe(doc.blocking.length);
    expect(doc.blocking[0]).toMatchObject({ detector: "aws-access-key", seq: 2, pointer: "/decision/reason" });
    const d = imladri(["proof", "redact", secretBundle, "--dry-run"]);
    expect(d.code).toBe(1);
    noSecret(d);
    const dj = imladri(["proof", "redact", secretBundle, "--dry-run", "--json"]);
    noSecret(dj);
  });

  it("gives the same finding id across runs, and --accept records it in a share that verifies", () => {
    const id1 = JSON.parse(imladri(["proof", "redact", secretBundle, "--dry-run", "--json"]).stdout).blocking[0].id;
    const id2 = JSON.parse(imladri(["proof", "redact", secretBundle, "--dry-run", "--json"]).stdout).blocking[0].id;
    expect(id1).toBe(id2);
    const out = file("accepted.json");
    const r = imladri(["proof", "redact", secretBundle, "--out", out, "--accept", id1]);
    expect(r.code).toBe(0);
    noSecret(r);
    const share = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(share.redaction.accepted.map((a: { id: string }) => a.id)).toEqual([id1]);
    expect(imladri(["proof", "verify", out, "--key", key.pub]).code).toBe(0);
    // Redacting it further keeps the acceptance while the value stays disclosed.
    const again = file("accepted-again.json");
    expect(imladri(["proof", "redact", out, "--out", again, "--redact", "/resource"]).code).toBe(0);
  });

  it("--redact SEQ:POINTER hides the finding instead", () => {
    const out = file("redacted.json");
    const r = imladri(["proof", "redact", secretBundle, "--out", out, "--redact", "2:/decision/reason"]);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out, "utf8")).not.toContain(SECRET);
    expect(imladri(["proof", "verify", out, "--key", key.pub]).code).toBe(0);
  });

  it("refuses an --accept id that names no finding (exit 64)", () => {
    const r = imladri(["proof", "redact", secretBundle, "--out", file("never.json"), "--accept", "0123456789abcdef"]);
    expect(r.code).toBe(64);
  });
});

describe("committed share fixtures", () => {
  const pub = path.join(FIXTURES, "keys/demo-signer.pub.jwk");
  it("demo.json and demo-share.json verify with the demo key, with one identity", () => {
    const a = JSON.parse(imladri(["proof", "verify", path.join(FIXTURES, "bundles/demo.json"), "--key", pub, "--json"]).stdout);
    const b = JSON.parse(imladri(["proof", "verify", path.join(FIXTURES, "bundles/demo-share.json"), "--key", pub, "--json"]).stdout);
    expect([a.verdict, b.verdict]).toEqual(["verified", "verified"]);
    expect(b.kind).toBe("share");
    expect(b.identity).toBe(a.identity);
  });

  it("demo-share-tampered.json is invalid: its chain breaks", () => {
    const r = imladri(["proof", "verify", path.join(FIXTURES, "bundles/demo-share-tampered.json"), "--key", pub, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { code: string }) => f.code)).toContain("chain.head-mismatch");
  });
});
