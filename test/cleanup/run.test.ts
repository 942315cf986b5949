import * as fs from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { acquireLock, lockPathFor } from "../../src/cleanup/lock.js";
import { reportJson } from "../../src/cleanup/render.js";
import { REPO } from "../support/cli.js";
import { appended, cleanup, create, destroy, failure, grant, note, readLog, results, snapshot, tempDir, writeConfig, writeLog } from "./helpers.js";

const FAKE = path.join(REPO, "fixtures/cleanup/fake-destroyer.mjs");

let dir: string;
let state: string;
const log = () => path.join(dir, "events.jsonl");

function destroyed(): string[] {
  try {
    return fs.readFileSync(path.join(state, "destroyed.txt"), "utf8").split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

beforeEach(() => {
  dir = tempDir();
  state = path.join(dir, "state");
  fs.mkdirSync(path.join(state, "res"), { recursive: true });
  for (const id of ["pod-a", "pod-b", "pod-c"]) fs.writeFileSync(path.join(state, "res", id), "");
  fs.mkdirSync(path.join(dir, "work", "job1"), { recursive: true });
  writeConfig(path.join(dir, "imladri.config.json"), {
    "compute.pod": { type: "command", argv: [process.execPath, FAKE, state, "{id}"], idPattern: "^[a-z0-9-]{1,63}$", absentExitCodes: [3] },
    file: { type: "file", root: path.join(dir, "work") },
  });
  writeLog(log(), [note(), create("compute.pod", "pod-a"), create("compute.pod", "pod-b"), create("file", "job1"), grant("tok-1")]);
});

describe("dry run and --check", () => {
  it("changes nothing without --apply: log bytes and resources identical", async () => {
    const before = snapshot(dir);
    const out = await cleanup(dir);
    expect(out.exitCode).toBe(0);
    expect(out.prepared.plan.map((r) => `${r.kind}:${r.id}:${r.action}`)).toEqual([
      "authority.token:tok-1:skip",
      "file:job1:destroy",
      "compute.pod:pod-b:destroy",
      "compute.pod:pod-a:destroy",
    ]);
    expect(snapshot(dir)).toEqual(before);
    expect(fs.existsSync(lockPathFor(log()))).toBe(false);
  });

  it("--check exits 3 while anything is left and 0 when nothing is", async () => {
    const before = snapshot(dir);
    expect((await cleanup(dir, { check: true })).exitCode).toBe(3);
    expect(snapshot(dir)).toEqual(before);
    // Issue 11: a kind neither the config nor the log knows is a typo, never a passed check.
    expect((await failure(cleanup(dir, { check: true, only: ["db.branch"] }))).exitCode).toBe(64);
    writeLog(log(), [create("file", "job1"), destroy("file", "job1")]);
    expect((await cleanup(dir, { check: true })).exitCode).toBe(0);
  });

  it("--check counts a kind without a provider as left", async () => {
    writeLog(log(), [grant("tok-1")]);
    expect((await cleanup(dir, { check: true })).exitCode).toBe(3);
  });
});

describe("--apply", () => {
  it("refuses without a terminal and without --yes (exit 64), changing nothing", async () => {
    const before = snapshot(dir);
    const f = await failure(cleanup(dir, { apply: true }));
    expect(f.exitCode).toBe(64);
    expect(f.message).toContain("--yes");
    expect(snapshot(dir)).toEqual(before);
  });

  it("asks on a terminal, naming the count, and changes nothing when the answer is no", async () => {
    const before = snapshot(dir);
    const asked: number[] = [];
    const out = await cleanup(dir, { apply: true, interactive: true }, { confirm: async (n) => (asked.push(n), false) });
    expect(asked).toEqual([3]);
    expect(out.exitCode).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it("goes ahead on a terminal when confirmed", async () => {
    const out = await cleanup(dir, { apply: true, interactive: true, only: ["compute.pod"] }, { confirm: async () => true });
    expect(out.exitCode).toBe(0);
    expect(destroyed().sort()).toEqual(["pod-a", "pod-b"]);
  });

  it("destroys, records started and outcome for each, and exits 1 for a kind with no provider", async () => {
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    expect(out.remaining).toBe(1);
    expect(results(log())).toEqual([
      "job1:started",
      "job1:ok",
      "pod-b:started",
      "pod-b:ok",
      "pod-a:started",
      "pod-a:ok",
    ]);
    const events = appended(log());
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const e of events) {
      expect(e.actor).toEqual({ tenant: "acme", agent: "imladri-cleanup" });
      expect((e.cleanup as { run: string }).run).toBe(out.run);
    }
    expect(fs.existsSync(lockPathFor(log()))).toBe(false);
    const json = reportJson(out);
    expect(json.summary).toMatchObject({ ok: 3, skipped: 1, remaining: 1 });
    // A second run finds only the token (no provider) and appends nothing.
    const again = await cleanup(dir, { apply: true, yes: true });
    expect(again.exitCode).toBe(1);
    expect(results(log())).toHaveLength(6);
  });

  it("exits 0 when everything selected is gone", async () => {
    const out = await cleanup(dir, { apply: true, yes: true, only: ["compute.pod", "file"] });
    expect(out.exitCode).toBe(0);
    expect((await cleanup(dir, { check: true, only: ["compute.pod", "file"] })).exitCode).toBe(0);
  });

  it("resumes an interrupted destroy: re-runs it and records ok or absent", async () => {
    // pod-a's destroy had completed before the crash; pod-b's had not started.
    fs.rmSync(path.join(state, "res", "pod-a"));
    const events = readLog(log());
    events.push(destroy("compute.pod", "pod-a", { run: "deadbeef0000", result: "started", attempt: 1 }));
    events.push(destroy("compute.pod", "pod-b", { run: "deadbeef0000", result: "started", attempt: 1 }));
    writeLog(log(), events);
    const plan = await cleanup(dir, { only: ["compute.pod"] });
    expect(plan.prepared.plan.map((r) => r.action)).toEqual(["resume", "resume"]);
    const out = await cleanup(dir, { apply: true, yes: true, only: ["compute.pod"] });
    expect(out.exitCode).toBe(0);
    expect(results(log())).toEqual(["pod-b:started", "pod-b:ok", "pod-a:started", "pod-a:absent"]);
    expect(destroyed()).toEqual(["pod-b"]);
  });

  it("never destroys a branch that a still-live branch was made from", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), {
      "db.branch": { type: "command", argv: [process.execPath, FAKE, state, "{id}"], idPattern: "^[a-z0-9-]{1,63}$", absentExitCodes: [3] },
    });
    fs.writeFileSync(path.join(state, "res", "b1"), "");
    fs.writeFileSync(path.join(state, "res", "b2"), "");
    fs.writeFileSync(path.join(state, "fail-times-b2"), "1"); // b2's destroy fails once (not retried: no retryExitCodes)
    writeLog(log(), [create("db.branch", "b1", { source: "main" }), create("db.branch", "b2", { source: "b1" })]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    expect(destroyed()).toEqual([]);
    const b1 = appended(log()).filter((e) => (e.resource as { id: string }).id === "b1");
    expect(b1).toHaveLength(1);
    expect(String((b1[0]!.cleanup as { error: string }).error)).toBe("refused: b1 is the source of b2, which is still there");
    // Once b2 is gone, b1 goes too (newest first).
    const next = await cleanup(dir, { apply: true, yes: true });
    expect(next.exitCode).toBe(0);
    expect(destroyed()).toEqual(["b2", "b1"]);
  });

  it("refuses to run while another run holds the log's lock (exit 73), and takes over a dead run's lock", async () => {
    const release = acquireLock(log(), "otherrun0001");
    try {
      const f = await failure(cleanup(dir, { apply: true, yes: true }));
      expect(f.exitCode).toBe(73);
      expect(f.message).toContain("otherrun0001");
      expect(results(log())).toEqual([]);
    } finally {
      release();
    }
    fs.writeFileSync(lockPathFor(log()), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import("node:os")).hostname(), run: "dead", since: "x" }));
    const out = await cleanup(dir, { apply: true, yes: true, only: ["file"] });
    expect(out.exitCode).toBe(0);
    expect(fs.existsSync(lockPathFor(log()))).toBe(false);
  });

  it("stops between rows when asked (Ctrl-C), recording nothing for the rows not attempted", async () => {
    let rows = 0;
    const out = await cleanup(
      dir,
      { apply: true, yes: true, only: ["compute.pod"], shouldStop: () => rows > 0 },
      { onRow: () => void rows++ },
    );
    expect(out.exitCode).toBe(1);
    expect(destroyed()).toEqual(["pod-b"]);
    expect(results(log())).toEqual(["pod-b:started", "pod-b:ok"]);
    expect(out.results[1]).toMatchObject({ result: "skipped", error: "not attempted: the run was stopped" });
  });

  it("acts only on what was planned: a resource created after the plan is left for the next run", async () => {
    let added = false;
    const out = await cleanup(
      dir,
      { apply: true, yes: true, only: ["compute.pod"] },
      {
        onPlan: () => {
          const events = readLog(log());
          events.push(create("compute.pod", "pod-c"));
          writeLog(log(), events);
          added = true;
        },
      },
    );
    expect(added).toBe(true);
    expect(destroyed().sort()).toEqual(["pod-a", "pod-b"]);
    expect(out.remaining).toBe(1);
    expect(out.exitCode).toBe(1);
  });
});

describe("bad input", () => {
  it("exits 66 for a missing log", async () => {
    fs.rmSync(log());
    expect((await failure(cleanup(dir))).exitCode).toBe(66);
  });

  it("exits 65 for a log line that is not strict JSON, naming file and line, changing nothing", async () => {
    fs.appendFileSync(log(), '{"id":"x","id":"y"}\n');
    const before = snapshot(dir);
    const f = await failure(cleanup(dir, { apply: true, yes: true }));
    expect(f.exitCode).toBe(65);
    expect(f.details[0]).toMatch(/events\.jsonl:6: \/id: column \d+: not strict JSON/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("exits 65 for a lifecycle event that breaks its schema, but only warns for other events", async () => {
    const bad = create("compute.pod", "pod-z");
    delete (bad.resource as Record<string, unknown>).kind;
    writeLog(log(), [bad]);
    const f = await failure(cleanup(dir));
    expect(f.exitCode).toBe(65);
    expect(f.details[0]).toContain("events.jsonl:1: /resource: missing required member \"kind\"");

    const oddNote = note();
    delete (oddNote.actor as Record<string, unknown>).tenant;
    writeLog(log(), [oddNote, create("file", "job1")]);
    const out = await cleanup(dir);
    expect(out.exitCode).toBe(0);
    expect(out.warnings).toHaveLength(1);
  });

  it("exits 65 for duplicate event ids and blank lines", async () => {
    const e = create("file", "job1");
    writeLog(log(), [e, e]);
    expect((await failure(cleanup(dir))).details[0]).toContain("duplicate event id");
    fs.writeFileSync(log(), JSON.stringify(create("file", "job1")) + "\n\n");
    expect((await failure(cleanup(dir))).details[0]).toContain("blank line");
  });

  it("refuses contradictory flags with exit 64", async () => {
    expect((await failure(cleanup(dir, { apply: true, check: true, yes: true }))).exitCode).toBe(64);
    expect((await failure(cleanup(dir, { yes: true }))).exitCode).toBe(64);
    expect((await failure(cleanup(dir, { only: ["Not A Kind"] }))).exitCode).toBe(64);
  });
});
