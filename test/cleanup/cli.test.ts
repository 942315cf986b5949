/** The command as a user runs it: option wiring, output, --json, exit codes. */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { imladri } from "../support/cli.js";
import { ensureBuilt } from "./built-cli.js";
import { create, destroy, snapshot, tempDir, writeConfig, writeLog } from "./helpers.js";

let dir: string;

beforeAll(() => ensureBuilt(), 300_000);

beforeEach(() => {
  dir = tempDir();
  fs.mkdirSync(path.join(dir, "work", "job1"), { recursive: true });
  writeConfig(path.join(dir, "imladri.config.json"), { file: { type: "file", root: path.join(dir, "work") } });
  writeLog(path.join(dir, "events.jsonl"), [create("file", "job1"), create("file", "job2"), destroy("file", "job2")]);
});

describe("imladri cleanup", () => {
  it("prints the plan and changes nothing by default (config from the current folder)", () => {
    const before = snapshot(dir);
    const r = imladri(["cleanup", "--log", "events.jsonl"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("1 leftover");
    expect(r.stdout).toMatch(/file\s+job1\s+file .*destroy/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("--check exits 3 with leftovers, 0 after --apply --yes", () => {
    expect(imladri(["cleanup", "--log", "events.jsonl", "--check"], { cwd: dir }).code).toBe(3);
    const a = imladri(["cleanup", "--log", "events.jsonl", "--apply", "--yes"], { cwd: dir });
    expect(a.code, a.stderr + a.stdout).toBe(0);
    expect(a.stdout).toContain("destroyed file job1");
    expect(fs.existsSync(path.join(dir, "work", "job1"))).toBe(false);
    expect(imladri(["cleanup", "--log", "events.jsonl", "--check"], { cwd: dir }).code).toBe(0);
  });

  it("refuses --apply without a terminal and without --yes: exit 64, one line, nothing changed", () => {
    const before = snapshot(dir);
    const r = imladri(["cleanup", "--log", "events.jsonl", "--apply"], { cwd: dir });
    expect(r.code).toBe(64);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it("--json prints one document with the plan and the results", () => {
    const r = imladri(["cleanup", "--log", "events.jsonl", "--apply", "--yes", "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format: "imladri.cleanup-report/v1", mode: "apply", exitCode: 0, summary: { ok: 1, remaining: 0 } });
    expect(doc.leftovers[0]).toMatchObject({ kind: "file", id: "job1", action: "destroy", result: "ok" });
    expect(doc.leftovers[0].attempts[0].events).toHaveLength(2);
  });

  it("never prints a control character from the log to the terminal", () => {
    writeLog(path.join(dir, "events.jsonl"), [create("file", "evil\u001b[2J\u202eid")]);
    const r = imladri(["cleanup", "--log", "events.jsonl"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/[\u001b\u202e]/);
    expect(r.stdout).toContain("evil\\u001b[2J\\u202eid");
  });

  it("exits 66 for a missing config and 65 for an unknown provider type", () => {
    fs.rmSync(path.join(dir, "imladri.config.json"));
    const missing = imladri(["cleanup", "--log", "events.jsonl"], { cwd: dir });
    expect(missing.code).toBe(66);
    expect(missing.stderr).toContain("imladri.config.json: configuration not found");
    fs.writeFileSync(path.join(dir, "other.json"), '{"cleanup":{"providers":{"file":{"type":"rm"}}}}');
    const bad = imladri(["cleanup", "--log", "events.jsonl", "--config", "other.json"], { cwd: dir });
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('unknown provider type "rm"');
  });
});
