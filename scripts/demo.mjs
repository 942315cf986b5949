#!/usr/bin/env node
// The main job on bundled sample data, one step after another, each with its result:
// export → verify → redact → verify the share → inspect the share → share three events (an
// excerpt) → prove the log only grew (checkpoints) → cleanup plan.
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
// Last week's log: the first 8 events of this week's (an append-only log only grows).
const lastWeek = path.join(work, "last-week.jsonl");
fs.writeFileSync(lastWeek, fs.readFileSync(events, "utf8").split("\n").filter(Boolean).slice(0, 8).join("\n") + "\n");

const steps = [
  ["export the event log into a signed bundle", ["proof", "export", "--log", events, "--key-file", key, "--out", "proof.json", "--tenant", "acme", "--workspace", "support"]],
  ["verify the bundle against the signer's public key", ["proof", "verify", "proof.json", "--key", pub]],
  ["redact it into an auditor share", ["proof", "redact", "proof.json", "--policy", "auditor", "--out", "share.json"]],
  ["verify the share with the same command and key", ["proof", "verify", "share.json", "--key", pub]],
  ["read the share as an auditor would", ["proof", "inspect", "share.json"]],
  ["share three events only: each carries its inclusion path in the signed tree, the rest are not in the file",
    ["proof", "excerpt", "proof.json", "--blocked", "--seq", "5", "--seq", "11", "--out", "excerpt.json"]],
  ["verify the excerpt: the issuer's signature still applies", ["proof", "verify", "excerpt.json", "--key", pub]],
  ["last week's bundle of the same log", ["proof", "export", "--log", lastWeek, "--key-file", key, "--chain", "support-log", "--out", "last-week.json"]],
  ["keep its checkpoint: a few hundred bytes (what a witness, a ticket or git keeps)", ["proof", "checkpoint", "last-week.json", "--out", "last-week.checkpoint.json"]],
  ["this week's bundle continues it", ["proof", "export", "--log", events, "--key-file", key, "--continue", "last-week.json", "--out", "this-week.json"]],
  ["this week's checkpoint, with the proof that it extends last week's", ["proof", "checkpoint", "this-week.json", "--since", "last-week.checkpoint.json", "--out", "this-week.checkpoint.json"]],
  ["prove the log only grew, from the two checkpoints alone (no events)", ["proof", "verify", "this-week.checkpoint.json", "--key", pub, "--since", "last-week.checkpoint.json"]],
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
