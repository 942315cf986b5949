/**
 * The GitHub Action's run step (scripts/action-verify.mjs) with the INPUT_* variables GitHub sets
 * (upper case, hyphens kept: INPUT_MIN-SIGNATURES): the job passes only for a verified bundle.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_EVENTS, FIXTURES, REPO, imladri, tempDir } from "../support/cli.js";

const SCRIPT = path.join(REPO, "scripts/action-verify.mjs");
const PUB = path.join(FIXTURES, "keys/demo-signer.pub.jwk");
let dir: string;
let unsigned: string;

function action(inputs: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: "1", RUNNER_TEMP: dir, GITHUB_ACTIONS: "true" };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [SCRIPT], { cwd: FIXTURES, env, encoding: "utf8", input: "" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = tempDir();
  unsigned = path.join(dir, "unsigned.json");
  expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--unsigned", "--out", unsigned]).code).toBe(0);
});

describe("action.yml's verify step", () => {
  it("declares the inputs the script reads, with GitHub's names", () => {
    const yml = fs.readFileSync(path.join(REPO, "action.yml"), "utf8");
    for (const name of ["bundle", "keyring", "root", "key", "require", "min-signatures"]) {
      expect(yml).toContain(`\n  ${name}:\n`);
      expect(yml).toContain(`INPUT_${name.toUpperCase()}: \${{ inputs.${name} }}`);
    }
    expect(yml).toContain('run: node "$GITHUB_ACTION_PATH/scripts/action-verify.mjs"');
  });

  it("passes a verified bundle (exit 0), relative to the workspace", () => {
    const r = action({ bundle: "bundles/demo.json", key: `${PUB}\n`, "min-signatures": "1", require: "" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^verified {2}bundles\/demo.json/);
    expect(r.stdout).toContain("::notice title=imladri proof verify%3A verified (exit 0)");
  });

  it("fails an invalid bundle (exit 1) with an annotation per finding", () => {
    const r = action({ bundle: "bundles/demo-share-tampered.json", key: PUB });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("::error title=imladri chain.head-mismatch,file=bundles/demo-share-tampered.json::");
  });

  it("fails an unsigned bundle (exit 2), and MIN-SIGNATURES is read with its hyphen", () => {
    expect(action({ bundle: unsigned, key: PUB }).code).toBe(2);
    const two = action({ bundle: "bundles/demo.json", key: PUB, "min-signatures": "2" });
    expect(two.code).toBe(2);
    expect(two.stdout).toContain("1 valid by trusted keys (2 required)");
  });

  it("passes require checks and a keyring through", () => {
    const root = "MnaSXunLpXEgYdM6AB8Rs7EW1LOtxiA5YXqtvd-W3S4";
    const r = action({ bundle: "bundles/demo.json", keyring: "keys/demo-keyring.json", root, require: "decisions, no-elided\ncleanup" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("(keys/demo-keyring.json)");
    expect(r.stdout).not.toContain("keyring.root-unpinned");
    const pinnedWrong = action({ bundle: "bundles/demo.json", keyring: "keys/demo-keyring.json", root: "A".repeat(43) });
    expect(pinnedWrong.code).toBe(1);
    const bad = action({ bundle: "bundles/demo.json", key: PUB, require: "bogus" });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--require "bogus": unknown evidence check');
  });

  it("refuses a missing bundle input (exit 64)", () => {
    const r = action({ key: PUB });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("bundle is required");
  });
});
