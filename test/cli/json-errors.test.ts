/**
 * Issue 11, bug 2: with --json every outcome is exactly one JSON document on stdout, errors too
 * ({"error":{"code","exit","message"}}), whatever the command and wherever --json is given.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri, tempDir } from "../support/cli.js";

let dir: string;
let key: ReturnType<typeof demoKey>;
let bundle: string;
let keyring: string;
let revokedKid: string;

/** Parses stdout as exactly one JSON document (JSON.parse refuses anything after it). */
function oneDocument(stdout: string): any {
  expect(stdout.trim(), "stdout").not.toBe("");
  return JSON.parse(stdout);
}

beforeAll(() => {
  dir = tempDir();
  key = demoKey(dir);
  bundle = path.join(dir, "proof.json");
  expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", bundle]).code).toBe(0);
  keyring = path.join(dir, "keyring.json");
  expect(imladri(["keys", "init", "--keyring", keyring, "--out-key", path.join(dir, "k1.jwk")]).code).toBe(0);
  const list = JSON.parse(imladri(["--json", "keys", "list", "--keyring", keyring]).stdout);
  revokedKid = list.keys[0].kid;
  expect(imladri(["keys", "rotate", "--keyring", keyring, "--key-file", path.join(dir, "k1.jwk"), "--out-key", path.join(dir, "k2.jwk"), "--revoke-old", "--reason", "test"]).code).toBe(0);
  fs.writeFileSync(path.join(dir, "garbage.json"), "{");
  fs.writeFileSync(path.join(dir, "bad.jsonl"), "not json\n");
});

describe("--json errors are one JSON document on stdout", () => {
  const cases: [string, number, string, () => string[]][] = [
    ["verify a missing file", 66, "input.missing", () => ["proof", "verify", path.join(dir, "nope.json")]],
    ["verify without its argument", 64, "usage.missing-argument", () => ["proof", "verify"]],
    ["verify with an unknown option", 64, "usage.unknown-option", () => ["proof", "verify", bundle, "--bogus"]],
    ["verify with a bad --threads", 64, "usage", () => ["proof", "verify", bundle, "--threads", "zero"]],
    ["verify with a non-bundle", 65, "data.invalid", () => ["proof", "verify", path.join(dir, "garbage.json")]],
    ["verify with --root and no --keyring", 64, "usage", () => ["proof", "verify", bundle, "--root", revokedKid]],
    ["export over an existing --out", 73, "output.exists", () => ["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", bundle]],
    ["export into a missing folder", 73, "output.cannot-create", () => ["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", path.join(dir, "no/such/dir.json")]],
    ["export a bad log", 65, "data.invalid", () => ["proof", "export", "--log", path.join(dir, "bad.jsonl"), "--key-file", key.priv, "--out", path.join(dir, "o1.json")]],
    ["export with no key", 64, "usage", () => ["proof", "export", "--log", DEMO_EVENTS, "--out", path.join(dir, "o2.json")]],
    ["export with a bad --format", 64, "usage.invalid-value", () => ["proof", "export", "--log", DEMO_EVENTS, "--unsigned", "--format", "xml", "--out", path.join(dir, "o3.json")]],
    ["export with a missing required option", 64, "usage.missing-option", () => ["proof", "export", "--log", DEMO_EVENTS]],
    ["inspect a non-bundle", 65, "data.invalid", () => ["proof", "inspect", path.join(dir, "garbage.json")]],
    ["redact with an unknown policy", 64, "usage.invalid-value", () => ["proof", "redact", bundle, "--policy", "audtor", "--dry-run"]],
    ["redact without --out", 64, "usage", () => ["proof", "redact", bundle]],
    ["redact with a bad --accept", 64, "usage.invalid-value", () => ["proof", "redact", bundle, "--accept", "XYZ", "--dry-run"]],
    ["keys revoke of a revoked key", 65, "data.invalid", () => ["keys", "revoke", revokedKid, "--keyring", keyring, "--key-file", path.join(dir, "k2.jwk"), "--reason", "again"]],
    ["keys init over an existing keyring", 73, "output.exists", () => ["keys", "init", "--keyring", keyring, "--out-key", path.join(dir, "k9.jwk")]],
    ["keys list of a missing keyring", 66, "input.missing", () => ["keys", "list", "--keyring", path.join(dir, "none.json")]],
    ["keys init with --out-key -", 64, "usage.invalid-value", () => ["keys", "init", "--keyring", path.join(dir, "kr2.json"), "--out-key", "-"]],
    ["cleanup with a typo in --only", 64, "usage.invalid-value", () => ["cleanup", "--log", DEMO_EVENTS, "--config", path.join(FIXTURES, "cleanup/imladri.config.json"), "--check", "--only", "db.brnach"]],
    ["cleanup of a missing log", 66, "input.missing", () => ["cleanup", "--log", path.join(dir, "none.jsonl")]],
    ["verifier-page over an existing file", 73, "output.exists", () => ["verifier-page", "--out", bundle]],
    ["no command", 64, "usage.missing-command", () => []],
    ["proof with no command", 64, "usage.missing-command", () => ["proof"]],
    ["keys with no command", 64, "usage.missing-command", () => ["keys"]],
    ["an unknown command", 64, "usage.unknown-command", () => ["proof", "verfy", bundle]],
  ];

  it.each(cases)("%s → exit %i, one JSON error document (%s)", (_label, exit, code, args) => {
    for (const argv of [["--json", ...args()], [...args(), "--json"]]) {
      const r = imladri(argv);
      expect(r.code, r.stderr).toBe(exit);
      const doc = oneDocument(r.stdout);
      expect(doc).toEqual({ error: expect.objectContaining({ code, exit, message: expect.any(String) }) });
      expect(doc.error.message).not.toMatch(/^error: /);
      // The human line stays on stderr.
      expect(r.stderr).not.toBe("");
    }
  });

  it("--json --version prints {\"version\"}", () => {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    for (const argv of [["--json", "--version"], ["-V", "--json"]]) {
      const r = imladri(argv);
      expect(r.code).toBe(0);
      expect(oneDocument(r.stdout)).toEqual({ version: pkg.version });
    }
  });

  it("a command that printed its own JSON document prints no second one", () => {
    // Blocking findings: redact prints its summary document and exits 1.
    const log = path.join(dir, "secret.jsonl");
    const first = JSON.parse(fs.readFileSync(DEMO_EVENTS, "utf8").split("\n")[0]!);
    first.decision.reason = "mail ops@example.com";
    fs.writeFileSync(log, JSON.stringify(first) + "\n");
    const b = path.join(dir, "mail.json");
    expect(imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--out", b]).code).toBe(0);
    const r = imladri(["--json", "proof", "redact", b, "--policy", "auditor", "--out", path.join(dir, "mail-share.json")]);
    expect(r.code).toBe(1);
    const doc = oneDocument(r.stdout);
    expect(doc.written).toBe(false);
    expect(doc.error).toBeUndefined();
    // A verdict is a report, not an error.
    const v = imladri(["--json", "proof", "verify", bundle]);
    expect(v.code).toBe(2);
    expect(oneDocument(v.stdout).verdict).toBe("insufficient_evidence");
  });
});
