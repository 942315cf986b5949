/**
 * The verification library must run unchanged in a browser: nothing under src/core may import a
 * Node built-in or touch process/Buffer/require.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const CORE = fileURLToPath(new URL("../../src/core/", import.meta.url));

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

describe("pure core", () => {
  const all = files(CORE);
  it("has sources to check", () => expect(all.length).toBeGreaterThan(20));
  it.each(all.map((f) => [path.relative(CORE, f), f]))("%s imports no Node built-in and uses no process/Buffer", (_rel, file) => {
    const text = fs.readFileSync(file, "utf8");
    expect(text).not.toMatch(/from\s+["']node:|from\s+["'](fs|path|crypto|os|child_process|worker_threads)["']|require\(/);
    expect(text).not.toMatch(/\bprocess\.|\bBuffer\b/);
  });
});
