/**
 * The real command killed with SIGKILL in the middle of a run, then run again: every resource
 * ends destroyed exactly once, and the log holds a complete, schema-valid record.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseEventLog } from "../../src/cleanup/log.js";
import { findLeftovers } from "../../src/cleanup/plan.js";
import { BIN, REPO } from "../support/cli.js";
import { ensureBuilt } from "./built-cli.js";
import { appended, create, note, readLog, tempDir, writeConfig, writeLog } from "./helpers.js";

const FAKE = path.join(REPO, "fixtures/cleanup/fake-destroyer.mjs");
const PODS = ["pod-a", "pod-b", "pod-c"];

beforeAll(() => ensureBuilt(), 300_000);

function lines(file: string): string[] {
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("cleanup killed with SIGKILL between two destroys", () => {
  it("resumes on the next run: each resource destroyed exactly once, the log complete and valid", async () => {
    const dir = tempDir();
    const state = path.join(dir, "state");
    fs.mkdirSync(path.join(state, "res"), { recursive: true });
    for (const id of PODS) fs.writeFileSync(path.join(state, "res", id), "");
    // Each destroy takes a while, so the kill lands while the second one is running.
    fs.writeFileSync(path.join(state, "sleep-ms"), "700");
    const log = path.join(dir, "events.jsonl");
    const config = path.join(dir, "imladri.config.json");
    writeConfig(config, {
      "compute.pod": { type: "command", argv: [process.execPath, FAKE, state, "{id}"], idPattern: "^[a-z0-9-]{1,63}$", absentExitCodes: [3] },
    });
    writeLog(log, [note(), ...PODS.map((id) => create("compute.pod", id))]);
    const originalLines = lines(log);
    const args = [BIN, "cleanup", "--log", log, "--config", config, "--apply", "--yes"];

    // Its own process group, so the kill takes the running destroy with it (as a CI job cancel or a crash would).
    const child = spawn(process.execPath, args, { cwd: dir, detached: true, stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const results = (): string[] =>
      lines(log)
        .slice(originalLines.length)
        .map((l) => (JSON.parse(l) as { cleanup: { result: string } }).cleanup.result);
    // After the first outcome, wait for the next started: the second destroy is under way.
    await waitFor(() => {
      const r = results();
      const ok = r.indexOf("ok");
      return ok !== -1 && r.indexOf("started", ok) !== -1;
    }, 20_000);
    process.kill(-child.pid!, "SIGKILL");
    await exited;

    // The log says exactly where it stopped: one done, one interrupted, one untouched.
    const mid = parseEventLog(fs.readFileSync(log));
    expect(mid.errors.count).toBe(0);
    const left = findLeftovers(mid.events);
    expect(left).toHaveLength(2);
    expect(left.filter((l) => l.interrupted !== undefined)).toHaveLength(1);

    // The lock of the killed run is stale; the next run takes it over and finishes the job.
    const again = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
    expect(again.status, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toContain("resume destroy");

    // Every resource destroyed exactly once.
    const destroyed = fs.readFileSync(path.join(state, "destroyed.txt"), "utf8").split("\n").filter((l) => l !== "");
    expect([...destroyed].sort()).toEqual(PODS);
    expect(fs.readdirSync(path.join(state, "res"))).toEqual([]);

    // The log: the original lines untouched, every line strict JSON with a unique id, every
    // appended event schema-valid, and each resource's record ends in exactly one success.
    const final = parseEventLog(fs.readFileSync(log));
    expect(final.errors.count).toBe(0);
    expect(lines(log).slice(0, originalLines.length)).toEqual(originalLines);
    expect(findLeftovers(final.events)).toEqual([]);
    const events = appended(log);
    expect(events.length).toBe(readLog(log).length - originalLines.length);
    for (const id of PODS) {
      const mine = events.filter((e) => (e.resource as { id: string }).id === id).map((e) => (e.cleanup as { result: string }).result);
      const successes = mine.filter((r) => r === "ok" || r === "absent");
      expect(successes, `${id}: ${mine.join(",")}`).toHaveLength(1);
      expect(["ok", "absent"]).toContain(mine[mine.length - 1]);
      // Every attempt was announced before it ran.
      expect(mine.filter((r) => r === "started").length).toBeGreaterThanOrEqual(successes.length);
    }
    expect(fs.existsSync(`${log}.cleanup-lock`)).toBe(false);
  }, 60_000);
});
