/**
 * The lock of io/lock.ts (issue 12, item 6) through the built CLI's cleanup lock, and stale temp
 * files (item 7): a zombie holder or a reused pid is taken over; a live holder is not; N runs
 * racing to take over one stale lock: exactly one wins (held at the same step by the TEST-ONLY
 * pause hook); a dead run's temp file is removed by the next run, a live one's is kept.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../cleanup/built-cli.js";
import { create, note, writeConfig, writeLog } from "../cleanup/helpers.js";
import { BIN, DEMO_EVENTS, demoKey, imladri, REPO, tempDir } from "../support/cli.js";

beforeAll(() => ensureBuilt(), 300_000);

const FAKE = path.join(REPO, "fixtures/cleanup/fake-destroyer.mjs");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

function stat(pid: number): { state: string; start: string } {
  const text = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: f[0]!, start: f[19]! };
}

/** A zombie: `sh` forks a short `sleep`, then becomes a long `sleep`, which never reaps it. */
async function zombie(): Promise<number> {
  // The child outlives the shell's exec, so the shell cannot reap it first.
  const c = spawn("sh", ["-c", "sleep 0.3 & echo $!; exec sleep 60"], { stdio: ["ignore", "pipe", "ignore"] });
  children.push(c);
  const pid = await new Promise<number>((resolve) => c.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
  for (let i = 0; i < 1000 && stat(pid).state !== "Z"; i++) await new Promise((r) => setTimeout(r, 10));
  return pid;
}

/** A process that is gone (exited and reaped), with the start time it had. */
function deadProcess(): { pid: number; start: string } {
  const r = spawnSync("sh", ["-c", "cut -d' ' -f22 /proc/self/stat; echo $$"], { encoding: "utf8" });
  const [start, pid] = r.stdout.trim().split("\n");
  return { pid: Number(pid), start: start! };
}

function setup(): { dir: string; log: string; args: string[]; state: string } {
  const dir = tempDir();
  const state = path.join(dir, "state");
  fs.mkdirSync(path.join(state, "res"), { recursive: true });
  fs.writeFileSync(path.join(state, "res", "pod-a"), "");
  const log = path.join(dir, "events.jsonl");
  const config = path.join(dir, "imladri.config.json");
  writeConfig(config, { "compute.pod": { type: "command", argv: [process.execPath, FAKE, state, "{id}"], idPattern: "^[a-z0-9-]{1,63}$", absentExitCodes: [3] } });
  writeLog(log, [note(), create("compute.pod", "pod-a")]);
  return { dir, log, state, args: ["cleanup", "--log", log, "--config", config, "--apply", "--yes"] };
}

function writeLock(log: string, pid: number, start: string): void {
  fs.writeFileSync(`${log}.cleanup-lock`, JSON.stringify({ pid, start, host: os.hostname(), owner: "cleanup run held", since: "2026-01-01T00:00:00Z", nonce: "n" }) + "\n");
}

const linux = process.platform === "linux";
const tag = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);
/** The start of a temp file name made on this host and boot (src/io/files.ts tempPathIn). */
const tempPrefix = () => `.imladri-tmp-${tag(os.hostname())}-${tag(fs.readFileSync("/proc/sys/kernel/random/boot_id", "latin1").trim())}-`;

describe.skipIf(!linux)("lock holders (Linux /proc)", () => {
  it("takes over a lock whose holder is a zombie (kill(pid, 0) would call it alive)", async () => {
    const { log, args, state } = setup();
    const pid = await zombie();
    expect(stat(pid).state).toBe("Z");
    writeLock(log, pid, stat(pid).start);
    const r = imladri(args);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(state, "destroyed.txt"), "utf8")).toBe("pod-a\n");
    expect(fs.existsSync(`${log}.cleanup-lock`)).toBe(false);
  });

  it("takes over a lock whose pid now belongs to another process (start time differs); refuses a live holder", () => {
    const { log, args } = setup();
    writeLock(log, process.pid, "1"); // this test runner's pid, but not its start time
    expect(imladri(args).code).toBe(0);

    const s2 = setup();
    writeLock(s2.log, process.pid, stat(process.pid).start);
    const r = imladri(s2.args);
    expect(r.code).toBe(73);
    expect(r.stderr).toContain("cleanup run held");
    expect(r.stderr).toContain("holds the cleanup lock");
    expect(fs.existsSync(path.join(s2.state, "res", "pod-a"))).toBe(true);
  });

  it("N runs taking over one stale lock at the same moment: exactly one wins, the resource is destroyed once", async () => {
    const { log, args, state, dir } = setup();
    const dead = deadProcess();
    writeLock(log, dead.pid, dead.start);
    const pause = path.join(dir, "pause");
    fs.mkdirSync(pause);
    const N = 4;
    const env = { ...process.env, NO_COLOR: "1", IMLADRI_TEST_PAUSE_DIR: `test-only:${pause}` };
    const runs = Array.from({ length: N }, () => {
      const c = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
      children.push(c);
      let stderr = "";
      c.stderr!.on("data", (d) => (stderr += d));
      return new Promise<{ code: number | null; stderr: string }>((resolve) => c.on("exit", (code) => resolve({ code, stderr })));
    });
    // Every run has proven the lock stale and waits at the same step; then all go at once.
    for (let i = 0; i < 3000 && fs.readdirSync(pause).filter((n) => n.startsWith("lock-stale.")).length < N; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fs.readdirSync(pause).filter((n) => n.startsWith("lock-stale.")).length).toBe(N);
    fs.writeFileSync(path.join(pause, "go-lock-stale"), "");
    const results = await Promise.all(runs);
    const codes = results.map((r) => r.code).sort();
    expect(codes, results.map((r) => r.stderr).join("\n")).toEqual([0, ...Array(N - 1).fill(73)]);
    expect(fs.readFileSync(path.join(state, "destroyed.txt"), "utf8")).toBe("pod-a\n");
    for (const r of results.filter((x) => x.code === 73)) expect(r.stderr).toContain("holds the cleanup lock");
    expect(fs.readdirSync(dir).filter((n) => n.includes(".takeover-") || n.startsWith(".imladri-tmp-"))).toEqual([]);
  });

  it("a taker that died during a takeover leaves a takeover file: it is a stale lock too, taken over, and cleared", () => {
    const { log, args, dir } = setup();
    const dead = deadProcess();
    writeLock(log, dead.pid, dead.start);
    const guard = `${log}.cleanup-lock.takeover-${createHash("sha256").update(fs.readFileSync(`${log}.cleanup-lock`)).digest("hex").slice(0, 24)}`;
    fs.writeFileSync(guard, JSON.stringify({ pid: dead.pid, start: dead.start, host: os.hostname(), owner: "cleanup run taker", since: "x", nonce: "g" }));
    const r = imladri(args);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(dir).filter((n) => n.includes(".cleanup-lock"))).toEqual([]);
  });
});

describe.skipIf(!linux)("temp files left by a killed run", () => {
  it("the next run removes a dead run's temp file (or an earlier boot's) and keeps a running process's and another host's", () => {
    const dir = tempDir();
    const key = demoKey(dir);
    const dead = deadProcess();
    const p = tempPrefix();
    const deadTemp = path.join(dir, `${p}${dead.pid}-${dead.start}-0123456789ab`);
    const liveTemp = path.join(dir, `${p}${process.pid}-${stat(process.pid).start}-0123456789ab`);
    const reused = path.join(dir, `${p}${process.pid}-1-0123456789ab`);
    const earlierBoot = path.join(dir, `.imladri-tmp-${tag(os.hostname())}-00000000-${process.pid}-${stat(process.pid).start}-0123456789ab`);
    const otherHost = path.join(dir, `.imladri-tmp-${tag("another-host")}-00000000-${dead.pid}-${dead.start}-0123456789ab`);
    const notOurs = path.join(dir, `.imladri-tmp-${dead.pid}-other`);
    for (const f of [deadTemp, liveTemp, reused, earlierBoot, otherHost, notOurs]) fs.writeFileSync(f, "secret", { mode: 0o600 });
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", path.join(dir, "p.json")]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(deadTemp)).toBe(false);
    expect(fs.existsSync(reused)).toBe(false);
    expect(fs.existsSync(earlierBoot)).toBe(false);
    expect(fs.existsSync(liveTemp)).toBe(true);
    expect(fs.existsSync(otherHost)).toBe(true);
    expect(fs.existsSync(notOurs)).toBe(true);
  });

  it("keys rotate killed with its new private key in a temp file: the temp is 0600, and the next run removes it", async () => {
    const dir = tempDir();
    const keyring = path.join(dir, "keyring.json");
    expect(imladri(["keys", "init", "--keyring", keyring, "--out-key", path.join(dir, "k1.jwk")]).code).toBe(0);
    const before = fs.readFileSync(keyring);
    const pause = path.join(dir, "pause");
    fs.mkdirSync(pause);
    fs.writeFileSync(path.join(pause, "go-keyring-read"), ""); // not held there
    const rotate = (out: string) => [BIN, "keys", "rotate", "--keyring", keyring, "--key-file", path.join(dir, "k1.jwk"), "--out-key", path.join(dir, out)];
    // Held just after the new key's temp file is written and synced (the first atomic write).
    const c = spawn(process.execPath, rotate("k2.jwk"), { env: { ...process.env, IMLADRI_TEST_PAUSE_DIR: `test-only:${pause}` }, stdio: "ignore" });
    children.push(c);
    const exited = new Promise((resolve) => c.on("exit", resolve));
    for (let i = 0; i < 3000 && !fs.readdirSync(pause).some((n) => n.startsWith("temp-written.")); i++) await new Promise((r) => setTimeout(r, 10));
    const temps = fs.readdirSync(dir).filter((n) => n.startsWith(".imladri-tmp-"));
    expect(temps).toHaveLength(1);
    expect(temps[0]!.startsWith(`${tempPrefix()}${c.pid}-${stat(c.pid!).start}-`)).toBe(true);
    expect(fs.statSync(path.join(dir, temps[0]!)).mode & 0o777).toBe(0o600);
    c.kill("SIGKILL");
    await exited;

    const r = imladri(rotate("k2b.jwk").slice(1));
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, temps[0]!))).toBe(false);
    expect(fs.existsSync(path.join(dir, "k2.jwk"))).toBe(false);
    expect(fs.readFileSync(keyring).equals(before)).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith(".imladri-tmp-"))).toEqual([]);
  });
});
