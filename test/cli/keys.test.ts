/**
 * `imladri keys ...` and `proof verify --keyring`, run in-process through main() (the end-to-end
 * runs of the built CLI are in keys-e2e.test.ts). Every command's stdout and stderr is kept, and
 * at the end none may hold any private key's `d`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../src/cli/main.js";
import { demoKey, DEMO_EVENTS, FIXTURES, tempDir } from "../support/cli.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { publicKeyFromRaw, type PrivateKey } from "../../src/core/jws/jwk.js";
import { privateJwkText } from "../../src/core/keyring/generate.js";
import { createKeyring, serializeKeyring } from "../../src/core/keyring/sign.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const outputs: string[] = [];
const secrets = new Set<string>();

async function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  const se = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  const saved = new Map<string, string | undefined>();
  const all = { IMLADRI_SIGNING_KEY: undefined, NO_COLOR: "1", ...env };
  for (const [k, v] of Object.entries(all)) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.exitCode = undefined;
  try {
    const code = await main(args);
    const r = { code, stdout: out.join(""), stderr: err.join("") };
    outputs.push(r.stdout, r.stderr);
    return r;
  } finally {
    so.mockRestore();
    se.mockRestore();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = undefined;
  }
}

let dir: string;
const at = (name: string) => path.join(dir, name);
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

function remember(keyFile: string): { kid: string; d: string } {
  const k = readJson(keyFile);
  secrets.add(k.d);
  return { kid: k.kid, d: k.d };
}

async function init(name: string): Promise<{ keyring: string; key: string; kid: string }> {
  const keyring = at(`${name}.keyring.json`);
  const key = at(`${name}-1.jwk`);
  const r = await run(["keys", "init", "--keyring", keyring, "--out-key", key]);
  expect(r.code, r.stderr).toBe(0);
  return { keyring, key, kid: remember(key).kid };
}

async function exportWith(keyFile: string, out: string): Promise<void> {
  const r = await run(["proof", "export", "--log", DEMO_EVENTS, "--key-file", keyFile, "--out", out]);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(() => {
  dir = tempDir("imladri-keys-");
});

afterAll(() => {
  // The rule: no private key ever reaches any output.
  expect(outputs.length).toBeGreaterThan(30);
  expect(secrets.size).toBeGreaterThan(5);
  const all = outputs.join("\n");
  for (const d of secrets) expect(all.includes(d), "a private key's d appeared in the output").toBe(false);
});

describe("keys init", () => {
  it("writes a 0600 private key and a keyring whose entry 0 adds it", async () => {
    const { keyring, key, kid } = await init("init");
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    const kr = readJson(keyring);
    expect(kr.log).toHaveLength(1);
    expect(kr.log[0].statement.add.map((k: { kid: string }) => k.kid)).toEqual([kid]);
    expect(JSON.stringify(kr)).not.toContain('"d"');
    const list = await run(["--json", "keys", "list", "--keyring", keyring, "--root", kid]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ verifies: true, entries: 1, root: [kid], pinned: true, keys: [{ kid, status: "active" }] });
  });

  it("never writes over an existing key or keyring, and leaves nothing behind when it refuses", async () => {
    const { keyring, key } = await init("exists");
    const before = fs.readFileSync(key, "utf8");
    const overKey = await run(["keys", "init", "--keyring", at("fresh.keyring.json"), "--out-key", key]);
    expect(overKey.code).toBe(73);
    expect(overKey.stderr).toContain("never overwritten");
    expect(fs.existsSync(at("fresh.keyring.json"))).toBe(false);
    expect(fs.readFileSync(key, "utf8")).toBe(before);
    const overKeyring = await run(["keys", "init", "--keyring", keyring, "--out-key", at("fresh.jwk")]);
    expect(overKeyring.code).toBe(73);
    expect(overKeyring.stderr).toContain("keys rotate");
    expect(fs.existsSync(at("fresh.jwk"))).toBe(false);
  });
});

describe("keys rotate", () => {
  it("adds a new key, retires the old one, and signs the entry with both", async () => {
    const { keyring, key, kid } = await init("rot");
    const r = await run(["--json", "keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("rot-2.jwk")]);
    expect(r.code, r.stderr).toBe(0);
    const next = remember(at("rot-2.jwk"));
    expect(fs.statSync(at("rot-2.jwk")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(r.stdout)).toMatchObject({ seq: 1, retired: [kid], added: [{ kid: next.kid }] });
    const kr = readJson(keyring);
    expect(kr.log[1].signatures).toHaveLength(2);
    expect(kr.keys.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [kid, "retired"],
      [next.kid, "active"],
    ]);
  });

  it("refuses a key file readable by others, saying how to fix it, and changes nothing", async () => {
    const { keyring, key } = await init("perm");
    const before = fs.readFileSync(keyring, "utf8");
    fs.chmodSync(key, 0o644);
    const r = await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("perm-2.jwk")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`chmod 600 ${key}`);
    expect(fs.readFileSync(keyring, "utf8")).toBe(before);
    expect(fs.existsSync(at("perm-2.jwk"))).toBe(false);
  });

  it("takes the signing key from IMLADRI_SIGNING_KEY", async () => {
    const { keyring, key } = await init("env");
    const r = await run(["keys", "rotate", "--keyring", keyring, "--out-key", at("env-2.jwk")], { IMLADRI_SIGNING_KEY: fs.readFileSync(key, "utf8") });
    expect(r.code, r.stderr).toBe(0);
    remember(at("env-2.jwk"));
    expect(readJson(keyring).log).toHaveLength(2);
  });

  it("never takes key material on the command line", async () => {
    const { keyring, key } = await init("inline");
    const r = await run(["keys", "rotate", "--keyring", keyring, "--key-file", fs.readFileSync(key, "utf8"), "--out-key", at("inline-2.jwk")]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("never passed on the command line");
  });

  it("needs --reason with --revoke-old, and only then", async () => {
    const { keyring, key } = await init("reason");
    expect((await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("reason-2.jwk"), "--revoke-old"])).code).toBe(64);
    expect((await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("reason-2.jwk"), "--reason", "x"])).code).toBe(64);
    const r = await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("reason-2.jwk"), "--revoke-old", "--reason", "leaked in a CI log"]);
    expect(r.code, r.stderr).toBe(0);
    remember(at("reason-2.jwk"));
    const old = readJson(keyring).keys[0];
    expect(old).toMatchObject({ status: "revoked", revoked: { reason: "leaked in a CI log" } });
    expect(old.retired).toBeUndefined();
  });

  it("refuses a signing key that is retired or not in the keyring", async () => {
    const { keyring, key } = await init("stale");
    expect((await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("stale-2.jwk")])).code).toBe(0);
    remember(at("stale-2.jwk"));
    const retired = await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("stale-3.jwk")]);
    expect(retired.code).toBe(65);
    expect(retired.stderr).toContain("is retired");
    const other = await init("stranger");
    const stranger = await run(["keys", "rotate", "--keyring", keyring, "--key-file", other.key, "--out-key", at("stale-3.jwk")]);
    expect(stranger.code).toBe(65);
    expect(stranger.stderr).toContain("is not in");
    expect(fs.existsSync(at("stale-3.jwk"))).toBe(false);
  });

  it("refuses to extend a keyring that does not verify, listing why", async () => {
    const { keyring, key } = await init("tampered");
    const kr = readJson(keyring);
    kr.log[0].statement.at = "2020-01-01T00:00:00.000Z";
    fs.writeFileSync(keyring, JSON.stringify(kr));
    const r = await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("tampered-2.jwk")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("does not verify");
    expect(r.stderr).toContain("keyring.signature.bad");
    expect(fs.existsSync(at("tampered-2.jwk"))).toBe(false);
  });

  it("refuses --root that is not the keyring's first key", async () => {
    const { keyring, key } = await init("pinrot");
    const other = await init("pinrot-other");
    const r = await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("pinrot-2.jwk"), "--root", other.kid]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("keyring.root-mismatch");
  });
});

describe("keys revoke", () => {
  it("revokes a key with a reason, signed by an active key", async () => {
    const { keyring, key, kid } = await init("rev");
    expect((await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("rev-2.jwk")])).code).toBe(0);
    remember(at("rev-2.jwk"));
    const r = await run(["keys", "revoke", kid, "--keyring", keyring, "--key-file", at("rev-2.jwk"), "--reason", "laptop stolen"]);
    expect(r.code, r.stderr).toBe(0);
    const list = await run(["keys", "list", "--keyring", keyring, "--root", kid]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${kid}\\s+revoked .*laptop stolen`));
    const again = await run(["keys", "revoke", kid, "--keyring", keyring, "--key-file", at("rev-2.jwk"), "--reason", "again"]);
    expect(again.code).toBe(65);
    expect(again.stderr).toContain("already revoked");
  });

  it("refuses a revoked or retired signer, an unknown kid and a malformed kid", async () => {
    const { keyring, key, kid } = await init("rev2");
    expect((await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("rev2-2.jwk")])).code).toBe(0);
    const next = remember(at("rev2-2.jwk"));
    const byRetired = await run(["keys", "revoke", next.kid, "--keyring", keyring, "--key-file", key, "--reason", "coup"]);
    expect(byRetired.code).toBe(65);
    expect(byRetired.stderr).toContain("only an active key");
    const unknown = await run(["keys", "revoke", "A".repeat(43), "--keyring", keyring, "--key-file", at("rev2-2.jwk"), "--reason", "x"]);
    expect(unknown.code).toBe(65);
    expect((await run(["keys", "revoke", "not-a-kid", "--keyring", keyring, "--key-file", at("rev2-2.jwk"), "--reason", "x"])).code).toBe(64);
    expect(readJson(keyring).log).toHaveLength(2);
    expect(readJson(keyring).keys.find((k: { kid: string }) => k.kid === kid).status).toBe("retired");
  });

  it("takes a kid that starts with a dash (one in 64 do)", async () => {
    let key: PrivateKey | undefined;
    for (let n = 0; key === undefined; n++) {
      const seed = new Uint8Array(32).fill(n % 256).map((b, i) => (i === 0 ? n >> 8 : b));
      const k = { ...publicKeyFromRaw(nodeCrypto, nodeCrypto.ed25519PublicKey(seed)), seed };
      if (k.kid.startsWith("-")) key = k;
    }
    const made = createKeyring(nodeCrypto, [key], "2026-11-01T00:00:00.000Z");
    if (!made.ok) throw new Error("refused");
    fs.writeFileSync(at("dash.keyring.json"), serializeKeyring(made.keyring));
    fs.writeFileSync(at("dash.jwk"), privateJwkText(key), { mode: 0o600 });
    remember(at("dash.jwk"));
    const r = await run(["keys", "revoke", key.kid, "--keyring", at("dash.keyring.json"), "--key-file", at("dash.jwk"), "--reason", "test"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(at("dash.keyring.json")).keys[0].status).toBe("revoked");
    // A mistyped option is still refused, not taken as the kid.
    const typo = await run(["keys", "revoke", "--keyring", at("dash.keyring.json"), "--key-file", at("dash.jwk"), "--reson", "x"]);
    expect(typo.code).toBe(64);
  });

  it("warns when no active key is left", async () => {
    const { keyring, key, kid } = await init("last");
    const r = await run(["keys", "revoke", kid, "--keyring", keyring, "--key-file", key, "--reason", "decommissioned"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("no active key left");
  });
});

describe("keys list", () => {
  it("reports a keys list that disagrees with the log, exit 1", async () => {
    const { keyring, kid } = await init("lie");
    const kr = readJson(keyring);
    kr.keys[0].status = "retired";
    kr.keys[0].retired = "2026-11-01T00:00:00.000Z";
    fs.writeFileSync(keyring, JSON.stringify(kr));
    const r = await run(["keys", "list", "--keyring", keyring, "--root", kid]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("log does NOT verify");
    expect(r.stdout).toContain("keyring.keys-mismatch");
  });

  it("refuses a keyring holding a private key without printing it", async () => {
    const { keyring, key } = await init("leaky");
    const kr = readJson(keyring);
    kr.keys[0].d = readJson(key).d;
    fs.writeFileSync(keyring, JSON.stringify(kr));
    const list = await run(["--json", "keys", "list", "--keyring", keyring]);
    expect(list.code).toBe(1);
    expect(JSON.parse(list.stdout).findings.map((f: { code: string }) => f.code)).toContain("keyring.private-member");
    const rotate = await run(["keys", "rotate", "--keyring", keyring, "--key-file", key, "--out-key", at("leaky-2.jwk")]);
    expect(rotate.code).toBe(65);
    expect(rotate.stderr).toContain("keyring.private-member");
  });

  it("says which file is missing (exit 66) and reports a keyring that is not JSON (exit 1)", async () => {
    expect((await run(["keys", "list", "--keyring", at("nope.json")])).code).toBe(66);
    fs.writeFileSync(at("broken.json"), '{"format":"imladri.keyring/v1","format":1}');
    const r = await run(["--json", "keys", "list", "--keyring", at("broken.json")]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ code: "keyring.json", line: 1 });
  });
});

describe("proof verify --keyring", () => {
  it("verifies a demo bundle with the committed demo keyring, pinned to the demo key", async () => {
    const demo = demoKey(dir);
    secrets.add(demo.d);
    await exportWith(demo.priv, at("demo.json"));
    const demoKid = readJson(demo.pub).kid;
    const r = await run(["--json", "proof", "verify", at("demo.json"), "--keyring", path.join(FIXTURES, "keys/demo-keyring.json"), "--root", demoKid]);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).signatures[0]).toMatchObject({ kid: demoKid, status: "valid" });
  });

  it("says the first key is trusted as given without --root", async () => {
    const { keyring, key } = await init("unpinned");
    await exportWith(key, at("unpinned.json"));
    const r = await run(["proof", "verify", at("unpinned.json"), "--keyring", keyring]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("keyring.root-unpinned");
    expect(r.stdout).toContain("trusted as given");
  });

  it("is invalid with a keyring whose log fails, even for a bundle its keys signed", async () => {
    const { keyring, key, kid } = await init("badlog");
    await exportWith(key, at("badlog.json"));
    const kr = readJson(keyring);
    kr.log[0].signatures = [];
    fs.writeFileSync(keyring, JSON.stringify(kr));
    const r = await run(["--json", "proof", "verify", at("badlog.json"), "--keyring", keyring, "--root", kid]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe("invalid");
    expect(report.findings.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(["keyring.add-unsigned", "keyring.untrusted"]));
    expect(report.validSignatures).toBe(0);
  });

  it("combines --key and --keyring, and a keyring revocation beats --key", async () => {
    const a = await init("combo-a");
    const b = await init("combo-b");
    await exportWith(a.key, at("combo-a.json"));
    fs.writeFileSync(at("combo-a.pub.jwk"), JSON.stringify(readJson(a.keyring).keys[0]).replace(/,"status".*$/, "}"));
    // Trusted through --key, with an unrelated keyring beside it.
    const both = await run(["proof", "verify", at("combo-a.json"), "--key", at("combo-a.pub.jwk"), "--keyring", b.keyring, "--root", b.kid]);
    expect(both.code, both.stdout).toBe(0);
    // Revoked in a's keyring: invalid although --key trusts it.
    expect((await run(["keys", "rotate", "--keyring", a.keyring, "--key-file", a.key, "--out-key", at("combo-a-2.jwk"), "--revoke-old", "--reason", "leaked"])).code).toBe(0);
    remember(at("combo-a-2.jwk"));
    const revoked = await run(["--json", "proof", "verify", at("combo-a.json"), "--key", at("combo-a.pub.jwk"), "--keyring", a.keyring, "--root", a.kid]);
    expect(revoked.code).toBe(1);
    expect(JSON.parse(revoked.stdout).findings.map((f: { code: string }) => f.code)).toContain("signature.revoked-key");
  });

  it("refuses --root without --keyring, and a --root that is not a kid (usage)", async () => {
    const { keyring, key, kid } = await init("rootusage");
    await exportWith(key, at("rootusage.json"));
    expect((await run(["proof", "verify", at("rootusage.json"), "--root", kid])).code).toBe(64);
    expect((await run(["proof", "verify", at("rootusage.json"), "--keyring", keyring, "--root", "abc"])).code).toBe(64);
  });
});
