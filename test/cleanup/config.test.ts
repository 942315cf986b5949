import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig, validateConfig as checkConfig } from "../../src/cleanup/config.js";
import type { JsonValue } from "../../src/core/json/value.js";
import { validateConfig } from "../../src/core/schema/generated/validators.js";
import { REPO } from "../support/cli.js";
import { create, failure, request, tempDir, writeLog } from "./helpers.js";
import { runCleanup } from "../../src/cleanup/run.js";

const FIX = path.join(REPO, "fixtures/cleanup");

function issues(value: unknown): string[] {
  const r = parseConfig(value as JsonValue, "x.json");
  return r.ok ? [] : r.issues.map((i) => `${i.pointer}: ${i.message}`);
}

const cmd = (over: Record<string, unknown> = {}) => ({
  cleanup: { providers: { "compute.pod": { type: "command", argv: ["kubectl", "delete", "pod", "{id}"], idPattern: "^[a-z0-9-]+$", ...over } } },
});

describe("configuration", () => {
  it("accepts the shape from issue 5 and the documented example, and so does the published schema", () => {
    for (const name of ["issue-example.config.json", "imladri.config.json"]) {
      const file = path.join(FIX, name);
      const config = loadConfig(file);
      expect([...config.providers.keys()].sort()).toEqual(
        name === "imladri.config.json" ? ["authority.token", "compute.pod", "db.branch", "file"] : ["compute.pod", "db.branch", "file"],
      );
      expect(validateConfig(JSON.parse(fs.readFileSync(file, "utf8")))).toBe(true);
    }
  });

  it("validateConfig lists every problem with its pointer", () => {
    expect(checkConfig({ cleanup: { providers: { file: { type: "rm" }, "compute.pod": { type: "command", argv: [] } } } })).toEqual([
      { pointer: "/cleanup/providers/file/type", message: 'unknown provider type "rm" (expected command, file or postgres)' },
      { pointer: "/cleanup/providers/compute.pod/argv", message: "must be a non-empty array of strings: the program and its arguments (no shell is used)" },
      { pointer: "/cleanup/providers/compute.pod/idPattern", message: "missing: every id must match a declared pattern before it is used" },
    ]);
    expect(checkConfig(JSON.parse(fs.readFileSync(path.join(FIX, "imladri.config.json"), "utf8")))).toEqual([]);
  });

  it("anchors patterns on both ends, whatever the user wrote", () => {
    const r = parseConfig(cmd({ idPattern: "a|b" }) as JsonValue, "x.json");
    expect(r.ok).toBe(true);
    const p = r.ok ? r.config.providers.get("compute.pod") : undefined;
    if (p?.type !== "command") throw new Error("expected a command provider");
    expect(p.idPattern.test("a")).toBe(true);
    expect(p.idPattern.test("xb")).toBe(false);
    expect(p.idPattern.test("ab")).toBe(false);
  });

  it("refuses an unknown provider type, naming it", () => {
    const v = { cleanup: { providers: { "compute.pod": { type: "kubectl" } } } };
    expect(issues(v)).toEqual(['/cleanup/providers/compute.pod/type: unknown provider type "kubectl" (expected command, file or postgres)']);
    expect(validateConfig(v)).toBe(false);
  });

  it("refuses unknown members, so a misspelt safety setting is never ignored", () => {
    expect(issues(cmd({ idPatern: "^x$" }))[0]).toContain('unknown member "idPatern"');
    expect(issues({ cleanup: { providers: {} }, extra: 1 })[0]).toContain('unknown member "extra"');
    expect(validateConfig(cmd({ idPatern: "^x$" }))).toBe(false);
  });

  it("requires an idPattern for a command and a {id} in its argv", () => {
    const noPattern = { cleanup: { providers: { "compute.pod": { type: "command", argv: ["kubectl", "delete", "{id}"] } } } };
    expect(issues(noPattern).join()).toContain("idPattern: missing");
    expect(validateConfig(noPattern)).toBe(false);
    expect(issues(cmd({ argv: ["kubectl", "delete", "--all"] })).join()).toContain("no {id} placeholder");
  });

  it("refuses a placeholder in the program and a placeholder without a pattern", () => {
    expect(issues(cmd({ argv: ["{id}"] })).join()).toContain("the program takes no placeholder");
    expect(issues(cmd({ argv: ["kubectl", "delete", "{id}", "-n", "{ns}"] })).join()).toContain('placeholder {ns} has no pattern');
    expect(issues(cmd({ argv: ["kubectl", "delete", "{id}", "-n", "{ns}"], patterns: { ns: "^[a-z]+$" } }))).toEqual([]);
  });

  it("refuses a pattern that does not compile", () => {
    expect(issues(cmd({ idPattern: "([a-z]" })).join()).toContain("not a valid regular expression");
  });

  it("refuses a connection URL written in the config instead of an env var name", () => {
    const v = { cleanup: { providers: { "db.branch": { type: "postgres", urlEnv: "postgres://u:secret@h/db" } } } };
    const text = issues(v).join();
    expect(text).toContain("never the URL itself");
    expect(text).not.toContain("secret");
    expect(validateConfig(v)).toBe(false);
  });

  it("keeps the postgres provider to db.branch", () => {
    expect(issues({ cleanup: { providers: { file: { type: "postgres", urlEnv: "DATABASE_URL" } } } }).join()).toContain("database branches only");
  });

  it("refuses a relative file root and the filesystem root", () => {
    expect(issues({ cleanup: { providers: { file: { type: "file", root: "work" } } } }).join()).toContain("absolute path");
    expect(issues({ cleanup: { providers: { file: { type: "file", root: "/" } } } }).join()).toContain("filesystem root");
  });

  it("bounds retries and timeouts", () => {
    expect(issues(cmd({ retries: 100 })).join()).toContain("from 0 to 10");
    expect(issues(cmd({ timeoutMs: 0 })).join()).toContain("from 1 to 3600000");
    expect(issues(cmd({ absentExitCodes: [3], retryExitCodes: [3] })).join()).toContain("cannot mean both");
  });

  it("exits 66 for a missing config and 65 for an invalid one, changing nothing", async () => {
    const dir = tempDir();
    writeLog(path.join(dir, "events.jsonl"), [create("compute.pod", "a")]);
    const before = fs.readFileSync(path.join(dir, "events.jsonl"));
    const missing = await failure(runCleanup(request(dir, { apply: true, yes: true })));
    expect(missing.exitCode).toBe(66);
    expect(missing.message).toContain("configuration not found");

    fs.writeFileSync(path.join(dir, "imladri.config.json"), '{"cleanup":{"providers":{"compute.pod":{"type":"shell"}}}}');
    const unknown = await failure(runCleanup(request(dir, { apply: true, yes: true })));
    expect(unknown.exitCode).toBe(65);
    expect(unknown.message).toContain('unknown provider type "shell"');

    fs.writeFileSync(path.join(dir, "imladri.config.json"), '{"cleanup":{"providers":{},"providers":{}}}');
    const dup = await failure(runCleanup(request(dir)));
    expect(dup.exitCode).toBe(65);
    expect(dup.message).toMatch(/imladri\.config\.json:1:\d+: not strict JSON/);

    expect(fs.readFileSync(path.join(dir, "events.jsonl"))).toEqual(before);
  });
});
