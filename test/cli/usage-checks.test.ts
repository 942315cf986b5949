/**
 * Issue 11, bugs 3, 6 and 7, through the built command: flag values that name something are
 * checked (a typo is a usage error with a "did you mean"), `--out -` writes data to stdout, and
 * the smaller usage fixes (a missing command, `help <command>`, --key-file messages, a continued
 * export with nothing new, one exit code for a file that is not a bundle).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri, tempDir } from "../support/cli.js";

const CONFIG = path.join(FIXTURES, "cleanup/imladri.config.json");
const UNFINISHED = path.join(FIXTURES, "events/unfinished-workflow.jsonl");

let dir: string;
let key: ReturnType<typeof demoKey>;
let bundle: string;

beforeAll(() => {
  dir = tempDir();
  key = demoKey(dir);
  bundle = path.join(dir, "proof.json");
  expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", bundle]).code).toBe(0);
});

describe("flag values that name something are checked (bug 3)", () => {
  it("cleanup --check --only db.brnach is a usage error, not a passed check", () => {
    const r = imladri(["cleanup", "--log", UNFINISHED, "--config", CONFIG, "--check", "--only", "db.brnach"]);
    expect(r.code, r.stdout).toBe(64);
    expect(r.stderr).toContain("did you mean db.branch?");
    expect(r.stdout).not.toMatch(/check passed/);
    // The right kind still gates: exit 3 while the branch is left.
    expect(imladri(["cleanup", "--log", UNFINISHED, "--config", CONFIG, "--check", "--only", "db.branch"]).code).toBe(3);
    // A kind the config has a provider for, of which the log has nothing left, is a real filter.
    expect(imladri(["cleanup", "--log", DEMO_EVENTS, "--config", CONFIG, "--check", "--only", "authority.token"]).code).toBe(0);
  });

  it("verify --require, redact --policy and --accept, and --threads", () => {
    const cases: [string[], RegExp][] = [
      [["proof", "verify", bundle, "--key", key.pub, "--require", "decisons"], /did you mean decisions\?/],
      [["proof", "redact", bundle, "--policy", "audtor", "--dry-run"], /did you mean auditor\?/],
      [["proof", "redact", bundle, "--policy", "constructor", "--dry-run"], /unknown policy.*\(known: auditor, strict\)/],
      [["proof", "redact", bundle, "--policy", "toString", "--dry-run"], /unknown policy/],
      [["proof", "redact", bundle, "--accept", "0123456789ABCDEF", "--dry-run"], /16 lowercase hex/],
      [["proof", "redact", bundle, "--accept", "0123456789abcde", "--dry-run"], /16 lowercase hex/],
      [["proof", "verify", bundle, "--threads", "0"], /--threads/],
      [["proof", "export", "--log", DEMO_EVENTS, "--unsigned", "--format", "jsonlines", "--out", path.join(dir, "f.json")], /Allowed choices are json, jsonl/],
    ];
    for (const [args, message] of cases) {
      const r = imladri(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(64);
      expect(r.stderr).toMatch(message);
    }
    // A well-formed id that names no finding is still the existing refusal (exit 64).
    expect(imladri(["proof", "redact", bundle, "--accept", "0123456789abcdef", "--dry-run"]).code).toBe(64);
  });
});

describe("--out - (bug 6)", () => {
  it("export and redact write the bundle to stdout and their report to stderr; it verifies", () => {
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", "-"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, "-"))).toBe(false);
    expect(r.stderr).toMatch(/exported 14 events to stdout/);
    const piped = path.join(dir, "piped.json");
    fs.writeFileSync(piped, r.stdout);
    expect(imladri(["proof", "verify", piped, "--key", key.pub]).code).toBe(0);
    // No spool is left in the folder.
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(".imladri-tmp"))).toEqual([]);

    const s = imladri(["proof", "redact", "-", "--out", "-", "--format", "jsonl"], { cwd: dir, input: r.stdout });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/wrote share to stdout/);
    const share = path.join(dir, "piped-share.jsonl");
    fs.writeFileSync(share, s.stdout);
    const v = imladri(["--json", "proof", "verify", share, "--key", key.pub]);
    expect(v.code, v.stdout).toBe(0);
    expect(JSON.parse(v.stdout).kind).toBe("share");
  });

  it("with --json the summary goes to stderr, so stdout stays the bundle alone", () => {
    const r = imladri(["--json", "proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", "-", "--format", "jsonl"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stderr).length).toBe(14);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBe(15);
    expect(JSON.parse(lines[0]!).format).toBe("imladri.proof/v2");
  });

  it("excerpt and checkpoint --out - write to stdout, the report to stderr; both verify", () => {
    const full = path.join(dir, "for-excerpt.json");
    expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", full, "--force"]).code).toBe(0);
    const e = imladri(["proof", "excerpt", full, "--seq", "2", "--seq", "5", "--out", "-"], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/wrote excerpt to stdout/);
    expect(fs.existsSync(path.join(dir, "-"))).toBe(false);
    const excerpt = path.join(dir, "piped-excerpt.json");
    fs.writeFileSync(excerpt, e.stdout);
    const ve = imladri(["--json", "proof", "verify", excerpt, "--key", key.pub]);
    expect(ve.code, ve.stdout).toBe(0);
    expect(JSON.parse(ve.stdout)).toMatchObject({ kind: "excerpt", excerptSeqs: [2, 5] });

    const c = imladri(["--json", "proof", "checkpoint", full, "--out", "-"], { cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stderr).out).toBe("-");
    const checkpoint = path.join(dir, "piped-checkpoint.json");
    fs.writeFileSync(checkpoint, c.stdout);
    const vc = imladri(["--json", "proof", "verify", checkpoint, "--key", key.pub]);
    expect(vc.code, vc.stdout).toBe(0);
    expect(JSON.parse(vc.stdout).kind).toBe("checkpoint");
  });

  it("verifier-page --out - writes the page to stdout", () => {
    const r = imladri(["verifier-page", "--out", "-"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/i);
    expect(r.stderr).toMatch(/wrote the verifier page to stdout/);
    expect(fs.existsSync(path.join(dir, "-"))).toBe(false);
  });

  it("a refused export writes nothing to stdout", () => {
    const bad = path.join(dir, "bad.jsonl");
    fs.writeFileSync(bad, "not json\n");
    const r = imladri(["proof", "export", "--log", bad, "--key-file", key.priv, "--out", "-"], { cwd: dir });
    expect(r.code).toBe(65);
    expect(r.stdout).toBe("");
  });

  it("--out-key - is a usage error: a private key never goes to stdout", () => {
    const init = imladri(["keys", "init", "--keyring", path.join(dir, "kr.json"), "--out-key", "-"]);
    expect(init.code).toBe(64);
    expect(init.stdout).toBe("");
    expect(init.stderr).toMatch(/never written to standard output/);
    expect(fs.existsSync(path.join(dir, "kr.json"))).toBe(false);
    expect(imladri(["keys", "init", "--keyring", path.join(dir, "kr.json"), "--out-key", path.join(dir, "k1.jwk")]).code).toBe(0);
    const rotate = imladri(["keys", "rotate", "--keyring", path.join(dir, "kr.json"), "--key-file", path.join(dir, "k1.jwk"), "--out-key", "-"]);
    expect(rotate.code).toBe(64);
    expect(rotate.stdout).toBe("");
  });
});

describe("smaller usage fixes (bug 7)", () => {
  it("bare imladri, imladri proof and imladri keys print help to stderr and exit 64; --help stays 0", () => {
    for (const args of [[], ["proof"], ["keys"]]) {
      const r = imladri(args);
      expect(r.code, args.join(" ")).toBe(64);
      expect(r.stderr).toMatch(/Usage: imladri/);
      expect(r.stdout).toBe("");
      expect(imladri([...args, "--help"]).code).toBe(0);
    }
  });

  it("imladri help proof verify shows proof verify's help", () => {
    const r = imladri(["help", "proof", "verify"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: imladri proof verify \[options\] <bundle>/);
    expect(imladri(["help", "keys", "list"]).stdout).toMatch(/^Usage: imladri keys list/);
    expect(imladri(["help"]).stdout).toMatch(/^Usage: imladri \[options\] \[command\]/);
  });

  it("--key-file on a public JWK or a folder says what is wrong, with no chmod advice", () => {
    const pub = path.join(dir, "signer.pub.jwk");
    fs.copyFileSync(key.pub, pub);
    fs.chmodSync(pub, 0o644);
    const out = path.join(dir, "k.json");
    const p = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", pub, "--out", out]);
    expect(p.code).toBe(65);
    expect(p.stderr).toMatch(/holds a public key/);
    expect(p.stderr).not.toMatch(/chmod/);
    const d = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", dir, "--out", out]);
    expect(d.code).toBe(66);
    expect(d.stderr).toMatch(/is a folder, not a key file/);
    expect(d.stderr).not.toMatch(/chmod/);
    // A private key readable by others is still refused, with the advice.
    const loose = path.join(dir, "loose.jwk");
    fs.copyFileSync(key.priv, loose);
    fs.chmodSync(loose, 0o644);
    expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", loose, "--out", out]).stderr).toMatch(/chmod 600/);
  });

  it("export --continue with no new events says so", () => {
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--continue", bundle, "--out", path.join(dir, "same.json")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no new events: exported 0 new events, 14 in total/);
    expect(r.stdout).not.toMatch(/exported 14 events/);
    const j = imladri(["--json", "proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--continue", bundle, "--out", path.join(dir, "same2.json")]);
    expect(JSON.parse(j.stdout)).toMatchObject({ length: 14, continued: 14, newEvents: 0 });
  });

  it("a file that is not a bundle gives 65 from verify, inspect and redact; a malformed bundle is invalid", () => {
    const files: [string, string][] = [
      ["not JSON", "hello\n"],
      ["JSON that is no object", "[1,2]\n"],
      ["an object with no format member", '{"events":[]}\n'],
      ["an event log", fs.readFileSync(DEMO_EVENTS, "utf8")],
    ];
    for (const [label, text] of files) {
      const f = path.join(dir, "x.json");
      fs.writeFileSync(f, text);
      for (const args of [["proof", "verify", f], ["proof", "inspect", f], ["proof", "redact", f, "--dry-run"]]) {
        const r = imladri(args);
        expect(r.code, `${label}: ${args[1]}: ${r.stderr}`).toBe(65);
        expect(r.stderr).toMatch(/not a bundle/);
      }
    }
    // A bundle (it has a format member) that is malformed: invalid (DESIGN §8).
    const doc = JSON.parse(fs.readFileSync(bundle, "utf8"));
    delete doc.statement;
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, JSON.stringify(doc));
    expect(imladri(["proof", "verify", broken, "--key", key.pub]).code).toBe(1);
    // A tampered bundle that strict reading refuses (a duplicate member) is still a bundle: invalid.
    const tampered = path.join(dir, "tampered.json");
    fs.writeFileSync(tampered, fs.readFileSync(bundle, "utf8").replace('"outcome":"blocked"', '"outcome":"blocked","outcome":"allowed"'));
    const t = imladri(["proof", "verify", tampered, "--key", key.pub]);
    expect(t.code, t.stderr).toBe(1);
    expect(t.stdout).toMatch(/bundle\.parse/);
  });
});

describe("stdin read once, and --quiet errors with --json", () => {
  it("refuses --since - with the bundle - as well (exit 64): stdin can be read once", () => {
    for (const cmd of [["proof", "verify", "-", "--key", key.pub], ["proof", "checkpoint", "-", "--out", path.join(dir, "never.json")]]) {
      const r = imladri([...cmd, "--since", "-"], { cwd: dir, input: "{}" });
      expect(r.code, r.stderr).toBe(64);
      expect(r.stderr).toContain("cannot both be stdin");
    }
  });

  it("prints the --json error document under --quiet too (nothing but errors)", () => {
    const r = imladri(["--json", "-q", "proof", "verify", path.join(dir, "nope.json"), "--key", key.pub]);
    expect(r.code).toBe(66);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "input.missing", exit: 66 });
  });
});
