/**
 * Two key changes on one keyring at the same time (issue 12, item 2), through the built CLI. The
 * first is held (TEST-ONLY pause hook, src/io/test-hooks.ts) right after it read the keyring
 * under the keyring's lock; the second is started and seen waiting for that lock; then the first
 * goes on. Afterwards both changes are in the keyring, or the second was refused with a clear
 * error: never two exit 0 with one change lost.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../cleanup/built-cli.js";
import { BIN, imladri, tempDir } from "../support/cli.js";

beforeAll(() => ensureBuilt(), 300_000);

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], pause: string): { pid: number; done: Promise<Done> } {
  const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1", IMLADRI_TEST_PAUSE_DIR: `test-only:${pause}` }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  c.stdout!.on("data", (d) => (stdout += d));
  c.stderr!.on("data", (d) => (stderr += d));
  return { pid: c.pid!, done: new Promise((resolve) => c.on("exit", (code) => resolve({ code, stdout, stderr }))) };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

/** Runs `first` held after its read, then `second` until it waits for the lock, then lets both finish. */
async function race(first: string[], second: string[]): Promise<[Done, Done]> {
  const pause = tempDir("imladri-pause-");
  // Only noted, never held there.
  for (const point of ["lock-wait", "temp-written"]) fs.writeFileSync(path.join(pause, `go-${point}`), "");
  const a = start(first, pause);
  await until(() => fs.existsSync(path.join(pause, `keyring-read.${a.pid}`)));
  const b = start(second, pause);
  await until(() => fs.existsSync(path.join(pause, `lock-wait.${b.pid}`)));
  fs.writeFileSync(path.join(pause, "go-keyring-read"), "");
  return [await a.done, await b.done];
}

function statuses(keyring: string): Map<string, string> {
  const r = imladri(["--json", "keys", "list", "--keyring", keyring]);
  expect(r.code, r.stderr).toBe(0);
  return new Map((JSON.parse(r.stdout).keys as { kid: string; status: string }[]).map((k) => [k.kid, k.status]));
}

const kidOf = (file: string): string => JSON.parse(fs.readFileSync(file, "utf8")).kid;

/** A keyring where k1 was rotated to k2: k1 retired, k2 active. */
function twoKeys(): { dir: string; keyring: string; k1: string; k2: string } {
  const dir = tempDir("imladri-keys-race-");
  const keyring = path.join(dir, "keyring.json");
  expect(imladri(["keys", "init", "--keyring", keyring, "--out-key", path.join(dir, "k1.jwk")]).code).toBe(0);
  expect(imladri(["keys", "rotate", "--keyring", keyring, "--key-file", path.join(dir, "k1.jwk"), "--out-key", path.join(dir, "k2.jwk")]).code).toBe(0);
  return { dir, keyring, k1: kidOf(path.join(dir, "k1.jwk")), k2: kidOf(path.join(dir, "k2.jwk")) };
}

describe("concurrent key changes on one keyring", () => {
  it("revoke (held after its read) and rotate: the rotation waits and applies to the revoked keyring; both changes present", async () => {
    const { dir, keyring, k1, k2 } = twoKeys();
    const [revoke, rotate] = await race(
      ["keys", "revoke", k1, "--keyring", keyring, "--key-file", path.join(dir, "k2.jwk"), "--reason", "leaked"],
      ["keys", "rotate", "--keyring", keyring, "--key-file", path.join(dir, "k2.jwk"), "--out-key", path.join(dir, "k3.jwk")],
    );
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(rotate.code, rotate.stderr).toBe(0);
    const s = statuses(keyring);
    expect(s.get(k1)).toBe("revoked");
    expect(s.get(k2)).toBe("retired");
    expect(s.get(kidOf(path.join(dir, "k3.jwk")))).toBe("active");
    expect(fs.existsSync(`${keyring}.lock`)).toBe(false);
  });

  it("rotate (held after its read) and revoke signed by the key it retires: the revocation is refused, clearly, not lost", async () => {
    const { dir, keyring, k1, k2 } = twoKeys();
    const [rotate, revoke] = await race(
      ["keys", "rotate", "--keyring", keyring, "--key-file", path.join(dir, "k2.jwk"), "--out-key", path.join(dir, "k3.jwk")],
      ["keys", "revoke", k1, "--keyring", keyring, "--key-file", path.join(dir, "k2.jwk"), "--reason", "leaked"],
    );
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(revoke.code).toBe(65);
    expect(revoke.stdout).not.toContain("revoked");
    expect(revoke.stderr).toContain(`key ${k2} is retired`);
    const s = statuses(keyring);
    expect(s.get(k1)).toBe("retired"); // not revoked: and the person was told so
    expect(s.get(k2)).toBe("retired");
  });

  it("two revocations of one key: the second is refused as already revoked", async () => {
    const { dir, keyring, k1 } = twoKeys();
    const args = ["keys", "revoke", k1, "--keyring", keyring, "--key-file", path.join(dir, "k2.jwk"), "--reason", "leaked"];
    const [a, b] = await race(args, args);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code).toBe(65);
    expect(b.stderr).toContain("already revoked");
    expect(statuses(keyring).get(k1)).toBe("revoked");
  });

  it("two rotations with one signing key: one rotates, the other is refused (its signer is retired), no key lost", async () => {
    const { dir, keyring, k2 } = twoKeys();
    const rot = (out: string) => ["keys", "rotate", "--keyring", keyring, "--key-file", path.join(dir, "k2.jwk"), "--out-key", path.join(dir, out)];
    const [a, b] = await race(rot("k3.jwk"), rot("k4.jwk"));
    expect(a.code, a.stderr).toBe(0);
    expect(b.code).toBe(65);
    expect(b.stderr).toContain(`key ${k2} is retired`);
    expect(fs.existsSync(path.join(dir, "k4.jwk"))).toBe(false);
    expect(statuses(keyring).get(kidOf(path.join(dir, "k3.jwk")))).toBe("active");
  });
});
