import * as fs from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { substitute } from "../../src/cleanup/providers/command.js";
import { REPO } from "../support/cli.js";
import { appended, cleanup, create, readLog, results, tempDir, writeConfig, writeLog } from "./helpers.js";

const FAKE = path.join(REPO, "fixtures/cleanup/fake-destroyer.mjs");

let dir: string;
let state: string;

function calls(): string[] {
  try {
    return fs.readFileSync(path.join(state, "calls.txt"), "utf8").split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

function podProvider(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "command",
    argv: [process.execPath, FAKE, state, "{id}"],
    idPattern: "^[a-z0-9-]{1,63}$",
    absentExitCodes: [3],
    retryExitCodes: [75],
    retries: 2,
    retryDelayMs: 0,
    ...over,
  };
}

function resources(...ids: string[]): void {
  for (const id of ids) fs.writeFileSync(path.join(state, "res", id), "");
}

beforeEach(() => {
  dir = tempDir();
  state = path.join(dir, "state");
  fs.mkdirSync(path.join(state, "res"), { recursive: true });
});

describe("substitute (pure)", () => {
  const config = { argv: ["kubectl", "delete", "pod", "{id}", "-n", "{ns}"], idPattern: /^(?:[a-z0-9-]{1,63})$/u, patterns: new Map([["ns", /^(?:[a-z]+)$/u]]) };
  const leftover = (id: string, resource: Record<string, unknown> = {}) => ({ kind: "compute.pod", id, resource: { kind: "compute.pod", id, ...resource } as never });

  it("fills the template from the resource", () => {
    expect(substitute(config, leftover("pod-1", { ns: "agents" }))).toEqual({ argv: ["kubectl", "delete", "pod", "pod-1", "-n", "agents"] });
  });

  it("refuses an id that breaks idPattern, before anything else", () => {
    expect(substitute(config, leftover("x; rm -rf /", { ns: "agents" }))).toEqual({
      refusal: 'id "x; rm -rf /" does not match idPattern [a-z0-9-]{1,63}',
    });
  });

  it("refuses an id starting with - even when the pattern allows it", () => {
    const r = substitute(config, leftover("--all", { ns: "agents" }));
    expect("refusal" in r && r.refusal).toContain('starts with "-"');
  });

  it("checks other placeholders against their own pattern, and refuses a missing one", () => {
    expect("refusal" in substitute(config, leftover("pod-1", { ns: "Agents; x" }))).toBe(true);
    expect(substitute(config, leftover("pod-1"))).toEqual({ refusal: 'the resource has no string member "ns" for {ns}' });
    expect("refusal" in substitute(config, leftover("pod-1", { ns: "-n" }))).toBe(true);
  });
});

describe("command provider", () => {
  it("runs nothing for hostile ids: the refusal is recorded and the command never starts", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider() });
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "x; rm -rf /"), create("compute.pod", "--all"), create("compute.pod", "$(touch pwned)")]);
    const plan = await cleanup(dir);
    expect(plan.prepared.plan.map((r) => r.action)).toEqual(["refuse", "refuse", "refuse"]);

    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    expect(calls()).toEqual([]);
    expect(fs.existsSync(path.join(dir, "pwned"))).toBe(false);
    // One failed event per refusal, no started: nothing was attempted.
    expect(results(path.join(dir, "events.jsonl")).sort()).toEqual(["$(touch pwned):failed", "--all:failed", "x; rm -rf /:failed"]);
    for (const e of appended(path.join(dir, "events.jsonl"))) expect(String((e.cleanup as { error: string }).error)).toMatch(/^refused: /);
  });

  it("passes an id to the program as one argument, never through a shell", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider({ idPattern: ".+" }) });
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "a;touch pwned")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    // The program ran once with the literal id, found no such resource: absent.
    expect(calls()).toEqual(["a;touch pwned"]);
    expect(fs.existsSync(path.join(dir, "pwned"))).toBe(false);
    expect(fs.existsSync(path.join(state, "pwned"))).toBe(false);
    expect(fs.existsSync(path.join(process.cwd(), "pwned"))).toBe(false);
    expect(out.exitCode).toBe(0);
  });

  it("destroys, reports absent for what is gone, and passes only PATH and the named env vars", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider({ env: ["KEEP_ME"] }) });
    resources("pod-a");
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "pod-a"), create("compute.pod", "pod-b")]);
    const out = await cleanup(dir, { apply: true, yes: true, env: { PATH: process.env.PATH, KEEP_ME: "1", SECRET_TOKEN: "s3cr3t" } });
    expect(out.exitCode).toBe(0);
    expect(results(path.join(dir, "events.jsonl"))).toEqual(["pod-b:started", "pod-b:absent", "pod-a:started", "pod-a:ok"]);
    const env = JSON.parse(fs.readFileSync(path.join(state, "env-pod-a.json"), "utf8")) as string[];
    expect(env).toContain("KEEP_ME");
    expect(env).toContain("PATH");
    expect(env).not.toContain("SECRET_TOKEN");
  });

  it("skips a kind whose named env var is unset, with exit 1 and no event", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider({ env: ["KUBECONFIG"] }) });
    resources("pod-a");
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "pod-a")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.prepared.plan[0]).toMatchObject({ action: "skip", reason: "environment variable KUBECONFIG named in the config is not set" });
    expect(out.exitCode).toBe(1);
    expect(calls()).toEqual([]);
    expect(appended(path.join(dir, "events.jsonl"))).toEqual([]);
  });

  it("retries a transient failure with back-off and records every attempt", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider({ retryDelayMs: 100 }) });
    resources("pod-a");
    fs.writeFileSync(path.join(state, "fail-times"), "2");
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "pod-a")]);
    const waits: number[] = [];
    const out = await cleanup(dir, { apply: true, yes: true, sleep: async (ms) => void waits.push(ms) });
    expect(out.exitCode).toBe(0);
    expect(waits).toEqual([100, 200]);
    const events = appended(path.join(dir, "events.jsonl"));
    expect(events.map((e) => [(e.cleanup as { result: string }).result, (e.cleanup as { attempt: number }).attempt])).toEqual([
      ["started", 1],
      ["failed", 1],
      ["started", 2],
      ["failed", 2],
      ["started", 3],
      ["ok", 3],
    ]);
    expect(String((events[1]!.cleanup as { error: string }).error)).toContain("exit status 75: transient failure 1 of 2");
  });

  it("stops after the bounded retries and exits 1", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider({ retries: 1 }) });
    resources("pod-a");
    fs.writeFileSync(path.join(state, "fail-times"), "5");
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "pod-a")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    expect(calls()).toEqual(["pod-a", "pod-a"]);
    expect(out.results[0]).toMatchObject({ result: "failed" });
  });

  it("does not retry a failure that is not declared transient", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider({ retryExitCodes: [] }) });
    resources("pod-a");
    fs.writeFileSync(path.join(state, "fail-times"), "1");
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "pod-a")]);
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(out.exitCode).toBe(1);
    expect(calls()).toEqual(["pod-a"]);
  });

  it("stops a command that runs past its timeout", async () => {
    writeConfig(path.join(dir, "imladri.config.json"), { "compute.pod": podProvider({ timeoutMs: 300, retries: 1 }) });
    resources("pod-a");
    fs.writeFileSync(path.join(state, "sleep-ms"), "20000");
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "pod-a")]);
    const t0 = Date.now();
    const out = await cleanup(dir, { apply: true, yes: true });
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(out.exitCode).toBe(1);
    const failed = appended(path.join(dir, "events.jsonl")).filter((e) => (e.cleanup as { result: string }).result === "failed");
    expect(failed).toHaveLength(2);
    expect(String((failed[0]!.cleanup as { error: string }).error)).toContain("timed out after 300 ms");
    // The resource is still there: nothing claims otherwise.
    expect(fs.existsSync(path.join(state, "res", "pod-a"))).toBe(true);
    expect(readLog(path.join(dir, "events.jsonl")).length).toBe(5);
  });
});
