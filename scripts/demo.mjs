#!/usr/bin/env node
// The main job on bundled sample data, one step after another, each with its result:
// export → verify → redact → verify the share → inspect the share → cleanup plan.
// Works in a fresh temp folder; nothing in the repository is changed.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "bin/imladri.js");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "imladri-demo-"));
const key = path.join(work, "signer.jwk");
// git does not keep file modes; imladri refuses a private key others can read (like ssh).
fs.copyFileSync(path.join(repo, "fixtures/keys/demo-signer.jwk"), key);
fs.chmodSync(key, 0o600);
const pub = path.join(repo, "fixtures/keys/demo-signer.pub.jwk");
const events = path.join(repo, "fixtures/events/examples.jsonl");

const steps = [
  ["export the event log into a signed bundle", ["proof", "export", "--log", events, "--key-file", key, "--out", "proof.json", "--tenant", "acme", "--workspace", "support"]],
  ["verify the bundle against the signer's public key", ["proof", "verify", "proof.json", "--key", pub]],
  ["redact it into an auditor share", ["proof", "redact", "proof.json", "--policy", "auditor", "--out", "share.json"]],
  ["verify the share with the same command and key", ["proof", "verify", "share.json", "--key", pub]],
  ["read the share as an auditor would", ["proof", "inspect", "share.json"]],
  ["plan the cleanup of what an unfinished workflow left running (nothing is changed without --apply)",
    ["cleanup", "--log", path.join(repo, "fixtures/events/unfinished-workflow.jsonl"), "--config", path.join(repo, "fixtures/cleanup/issue-example.config.json")]],
];

let failed = false;
for (const [i, [title, args]] of steps.entries()) {
  process.stdout.write(`\n\u001b[1m${i + 1}. ${title}\u001b[0m\n$ imladri ${args.map((a) => (a.startsWith(repo) ? path.relative(repo, a) : a.startsWith(work) ? path.basename(a) : a)).join(" ")}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, stdio: "inherit" });
  if (r.status !== 0) {
    process.stdout.write(`\u001b[31mstep ${i + 1} exited ${r.status}\u001b[0m\n`);
    failed = true;
    break;
  }
}
process.stdout.write(`\nfiles are in ${work}\n`);
process.exitCode = failed ? 1 : 0;
