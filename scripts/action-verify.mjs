#!/usr/bin/env node
/**
 * The run step of action.yml: reads the action's inputs from the INPUT_* variables (named as
 * GitHub names them: `INPUT_` + the input's name in upper case, spaces as `_`, hyphens kept, so
 * `INPUT_MIN-SIGNATURES`), runs `imladri proof verify` from this checkout with them, prints its
 * usual report and then each finding as a GitHub annotation, and exits with its exit code: the
 * job fails on anything but verified (docs/spec.md §8).
 *
 * Arguments go to the command as an argument list, never through a shell.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/imladri.js", import.meta.url));

/** An input's value ("" when unset); the underscore spelling is read too, for runners that use it. */
function input(name) {
  const upper = name.toUpperCase().replace(/ /g, "_");
  return (process.env[`INPUT_${upper}`] ?? process.env[`INPUT_${upper.replace(/-/g, "_")}`] ?? "").trim();
}

function list(value, separators) {
  return value.split(separators).map((s) => s.trim()).filter(Boolean);
}

const bundle = input("bundle");
if (bundle === "") {
  console.error("imladri action: the input bundle is required");
  process.exit(64);
}
const args = ["proof", "verify", bundle];
for (const key of list(input("key"), /\r?\n/)) args.push("--key", key);
if (input("keyring") !== "") args.push("--keyring", input("keyring"));
if (input("root") !== "") args.push("--root", input("root"));
for (const check of list(input("require"), /[\s,]+/)) args.push("--require", check);
if (input("min-signatures") !== "") args.push("--min-signatures", input("min-signatures"));

const dir = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), "imladri-action-"));
const annotations = path.join(dir, "annotations.txt");
args.push("--report-format", "github", "--report", annotations);
try {
  const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ["ignore", "inherit", "inherit"] });
  if (fs.existsSync(annotations)) process.stdout.write(fs.readFileSync(annotations, "utf8"));
  process.exitCode = r.status ?? 70;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
