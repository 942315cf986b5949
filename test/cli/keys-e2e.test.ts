/**
 * The key lifecycle through the real CLI (bin/imladri.js over dist/), as an operator and a CI job
 * run it (DESIGN §7, issue 4): init → export → rotate → export → verify both with the final
 * keyring; revoke the first key; forged keyrings; key file permissions; and no command's output
 * ever holds a private key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, imladri, tempDir, type RunResult } from "../support/cli.js";

const outputs: string[] = [];
const secrets: string[] = [];

function cli(args: string[], env: Record<string, string | undefined> = {}): RunResult {
  const r = imladri(args, { env });
  outputs.push(r.stdout, r.stderr);
  return r;
}

let dir: string;
const at = (name: string) => path.join(dir, name);
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const codes = (r: RunResult): string[] => JSON.parse(r.stdout).findings.map((f: { code: string }) => f.code);

let keyring: string;
let k1: { kid: string };
let k2: { kid: string };

function keyOf(file: string): { kid: string } {
  const k = readJson(file);
  secrets.push(k.d);
  return { kid: k.kid };
}

function verify(bundle: string, ...extra: string[]): RunResult {
  return cli(["--json", "proof", "verify", bundle, "--keyring", keyring, "--root", k1.kid, ...extra]);
}

beforeAll(() => {
  dir = tempDir("imladri-keys-e2e-");
  keyring = at("keyring.json");
});

afterAll(() => {
  expect(secrets.length).toBe(3);
  expect(outputs.length).toBeGreaterThan(20);
  const all = outputs.join("\n");
  for (const d of secrets) expect(all.includes(d), "a private key's d appeared in a command's output").toBe(false);
});

describe("key lifecycle, end to end", () => {
  it("init → export → rotate → export → verify both bundles with the final keyring", () => {
    const init = cli(["keys", "init", "--keyring", keyring, "--out-key", at("k1.jwk")]);
    expect(init.code, init.stderr).toBe(0);
    k1 = keyOf(at("k1.jwk"));
    expect(cli(["proof", "export", "--log", DEMO_EVENTS, "--key-file", at("k1.jwk"), "--out", at("p1.json")]).code).toBe(0);

    const rotate = cli(["keys", "rotate", "--keyring", keyring, "--key-file", at("k1.jwk"), "--out-key", at("k2.jwk")]);
    expect(rotate.code, rotate.stderr).toBe(0);
    k2 = keyOf(at("k2.jwk"));
    expect(cli(["proof", "export", "--log", DEMO_EVENTS, "--key-file", at("k2.jwk"), "--out", at("p2.json")]).code).toBe(0);

    for (const file of ["k1.jwk", "k2.jwk"]) expect(fs.statSync(at(file)).mode & 0o777, file).toBe(0o600);
    for (const [bundle, kid] of [["p1.json", k1.kid], ["p2.json", k2.kid]] as const) {
      const v = verify(at(bundle));
      expect(v.code, v.stdout).toBe(0);
      const report = JSON.parse(v.stdout);
      expect(report.verdict).toBe("verified");
      expect(report.signatures).toMatchObject([{ kid, status: "valid" }]);
    }
    const list = cli(["keys", "list", "--keyring", keyring, "--root", k1.kid]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${k1.kid}\\s+retired`));
    expect(list.stdout).toMatch(new RegExp(`${k2.kid}\\s+active`));
  });

  it("revoking the first key makes the bundle it signed invalid; the other stays verified", () => {
    const r = cli(["keys", "revoke", k1.kid, "--keyring", keyring, "--key-file", at("k2.jwk"), "--reason", "laptop stolen"]);
    expect(r.code, r.stderr).toBe(0);
    const p1 = verify(at("p1.json"));
    expect(p1.code).toBe(1);
    expect(JSON.parse(p1.stdout).verdict).toBe("invalid");
    expect(codes(p1)).toContain("signature.revoked-key");
    const p2 = verify(at("p2.json"));
    expect(p2.code, p2.stdout).toBe(0);
    expect(JSON.parse(p2.stdout).verdict).toBe("verified");
  });

  it("refuses a keyring whose keys claim the revoked key is active", () => {
    const forged = readJson(keyring);
    const k = forged.keys.find((x: { kid: string }) => x.kid === k1.kid);
    k.status = "active";
    delete k.revoked;
    delete k.retired;
    fs.writeFileSync(at("forged.json"), JSON.stringify(forged, null, 2));
    const v = cli(["--json", "proof", "verify", at("p1.json"), "--keyring", at("forged.json"), "--root", k1.kid]);
    expect(v.code).toBe(1);
    expect(codes(v)).toContain("keyring.keys-mismatch");
    expect(JSON.parse(v.stdout).validSignatures).toBe(0);
  });

  it("refuses a replacement keyring when --root pins the original", () => {
    const other = cli(["keys", "init", "--keyring", at("other.json"), "--out-key", at("other.jwk")]);
    expect(other.code).toBe(0);
    keyOf(at("other.jwk"));
    const v = cli(["--json", "proof", "verify", at("p2.json"), "--keyring", at("other.json"), "--root", k1.kid]);
    expect(v.code).toBe(1);
    expect(codes(v)).toEqual(expect.arrayContaining(["keyring.root-mismatch"]));
  });

  it("refuses a key file readable by others, with the fix in the message", () => {
    fs.chmodSync(at("k2.jwk"), 0o644);
    const r = cli(["keys", "rotate", "--keyring", keyring, "--key-file", at("k2.jwk"), "--out-key", at("k3.jwk")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`chmod 600 ${at("k2.jwk")}`);
    expect(fs.existsSync(at("k3.jwk"))).toBe(false);
    fs.chmodSync(at("k2.jwk"), 0o600);
  });
});
