/**
 * The one test command (issue 13): `npm run test:all` installs Chromium and PostgreSQL when they
 * are missing and runs `npm test`; `npm test` fails at once, in one line naming that command, when
 * either is missing (scripts/check-test-deps.sh), never skipping the suites that need them; and
 * CI (.ci/run) runs exactly `npm ci` and `npm run test:all`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, tempDir } from "../support/cli.js";

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> };

describe("the test command", () => {
  it("npm test checks first; test:all installs, then runs npm test", () => {
    expect(pkg.scripts.test!.startsWith("bash scripts/check-test-deps.sh && ")).toBe(true);
    expect(pkg.scripts["test:all"]).toBe("bash scripts/ci-chromium.sh && bash scripts/ci-postgres.sh && npm test");
  });

  it(".ci/run is npm ci, then npm run test:all", () => {
    const commands = fs
      .readFileSync(path.join(REPO, ".ci/run"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#") && !/^(set|cd) /.test(l));
    expect(commands).toEqual(["npm ci", "npm run test:all </dev/null"]);
  });

  it("the check passes here (Chromium and PostgreSQL are installed)", () => {
    const r = spawnSync("bash", [path.join(REPO, "scripts/check-test-deps.sh")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });

  it("without Chromium, npm test's first step fails in one line that names npm run test:all", () => {
    // The same scripts, looking for Chromium where there is none.
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "scripts"));
    for (const f of ["check-test-deps.sh", "ci-postgres.sh", "ci-chromium.sh"]) {
      let text = fs.readFileSync(path.join(REPO, "scripts", f), "utf8");
      if (f === "ci-chromium.sh") {
        expect(text).toContain("CHROMIUM=/usr/bin/chromium\n");
        text = text.replace("CHROMIUM=/usr/bin/chromium\n", `CHROMIUM=${path.join(dir, "no-chromium")}\n`);
      }
      fs.writeFileSync(path.join(dir, "scripts", f), text);
    }
    const r = spawnSync("bash", [path.join(dir, "scripts/check-test-deps.sh")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^npm test: Chromium .* not installed: run `npm run test:all`/);
  });
});
