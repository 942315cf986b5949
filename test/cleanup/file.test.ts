import * as fs from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { relativeInRoot } from "../../src/cleanup/providers/file.js";
import { appended, cleanup, create, results, snapshot, tempDir, writeConfig, writeLog } from "./helpers.js";

let dir: string;
let root: string;
let outside: string;

beforeEach(() => {
  dir = tempDir();
  root = path.join(dir, "work");
  outside = path.join(dir, "outside");
  fs.mkdirSync(path.join(root, "job1", "deep"), { recursive: true });
  fs.writeFileSync(path.join(root, "job1", "a.txt"), "a");
  fs.writeFileSync(path.join(root, "job1", "deep", "b.txt"), "b");
  fs.writeFileSync(path.join(root, "report.txt"), "r");
  fs.mkdirSync(path.join(outside, "sub"), { recursive: true });
  fs.writeFileSync(path.join(outside, "precious.txt"), "keep me");
  fs.writeFileSync(path.join(outside, "sub", "also.txt"), "keep me too");
  writeConfig(path.join(dir, "imladri.config.json"), { file: { type: "file", root } });
});

const log = () => path.join(dir, "events.jsonl");

describe("relativeInRoot (pure)", () => {
  it("accepts relative and absolute paths inside the root", () => {
    expect(relativeInRoot("/srv/work", undefined, "job1/out.txt")).toEqual({ segments: ["job1", "out.txt"] });
    expect(relativeInRoot("/srv/work", undefined, "/srv/work/job1")).toEqual({ segments: ["job1"] });
    expect(relativeInRoot("/srv/work", "/data/work", "/data/work/job1")).toEqual({ segments: ["job1"] });
  });

  it("refuses .., the root itself, paths outside and NUL", () => {
    for (const id of ["../etc/passwd", "job1/../../x", "/srv/work", ".", "/srv/workshop/x", "/etc/passwd", "a\0b", ""]) {
      expect(relativeInRoot("/srv/work", undefined, id), id).toHaveProperty("refusal");
    }
  });
});

describe("file provider", () => {
  it("deletes a folder and a file inside the root", async () => {
    writeLog(log(), [create("file", "job1"), create("file", path.join(root, "report.txt"))]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(0);
    expect(fs.readdirSync(root)).toEqual([]);
    expect(results(log())).toEqual([`${path.join(root, "report.txt")}:started`, `${path.join(root, "report.txt")}:ok`, "job1:started", "job1:ok"]);
  });

  it("refuses a path through a symlink that escapes the root, deleting nothing outside", async () => {
    fs.symlinkSync(outside, path.join(root, "escape"));
    const before = snapshot(outside);
    writeLog(log(), [create("file", "escape/precious.txt"), create("file", "escape/sub"), create("file", "escape")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    expect(snapshot(outside)).toEqual(before);
    expect(fs.lstatSync(path.join(root, "escape")).isSymbolicLink()).toBe(true);
    const errors = appended(log())
      .filter((e) => (e.cleanup as { result: string }).result === "failed")
      .map((e) => String((e.cleanup as { error: string }).error));
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toMatch(/^refused: escape is a symbolic link/);
  });

  it("refuses a symlink even when it points inside the root", async () => {
    fs.symlinkSync(path.join(root, "job1"), path.join(root, "alias"));
    writeLog(log(), [create("file", "alias/a.txt")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    expect(fs.existsSync(path.join(root, "job1", "a.txt"))).toBe(true);
  });

  it("refuses .. and absolute paths outside the root before anything runs", async () => {
    writeLog(log(), [create("file", "../outside/precious.txt"), create("file", path.join(outside, "precious.txt")), create("file", root)]);
    const before = snapshot(dir);
    const plan = await cleanup(dir);
    expect(plan.prepared.plan.map((r) => r.action)).toEqual(["refuse", "refuse", "refuse"]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    // Only the log changed (three refusals recorded).
    const after = snapshot(dir);
    delete after["events.jsonl"];
    const was = { ...before };
    delete was["events.jsonl"];
    expect(after).toEqual(was);
    expect(results(log())).toHaveLength(3);
  });

  it("removes a symlink inside a folder being deleted as a link, never following it", async () => {
    fs.symlinkSync(outside, path.join(root, "job1", "deep", "to-outside"));
    const before = snapshot(outside);
    writeLog(log(), [create("file", "job1")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(0);
    expect(fs.existsSync(path.join(root, "job1"))).toBe(false);
    expect(snapshot(outside)).toEqual(before);
  });

  it("reports absent for what is already gone", async () => {
    writeLog(log(), [create("file", "job2/never.txt"), create("file", "report.txt/x")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(0);
    expect(results(log())).toEqual(["report.txt/x:started", "report.txt/x:absent", "job2/never.txt:started", "job2/never.txt:absent"]);
  });

  it("skips every file leftover when the root does not exist", async () => {
    fs.rmSync(root, { recursive: true });
    writeLog(log(), [create("file", "job1")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.prepared.plan[0]).toMatchObject({ action: "skip" });
    expect(out.prepared.plan[0]?.reason).toContain("does not exist");
    expect(out.exitCode).toBe(1);
  });
});
