#!/usr/bin/env node
// Makes the committed share fixtures with the real CLI (docs/redaction.md, "Fixtures"):
//   fixtures/bundles/demo.json                the demo log exported and signed by the demo key
//   fixtures/bundles/demo-share.json          its auditor share (verifies with demo-signer.pub.jwk)
//   fixtures/bundles/demo-share-tampered.json the share with one disclosed value changed
//                                             (seq 2 /decision/outcome "blocked" -> "allowed"):
//                                             verify says invalid, chain.head-mismatch
// Run `npm run build` first. Export draws fresh seeds and stamps the time, so a re-run makes new,
// equivalent files, not the same bytes: the committed ones are the reference, and tests must
// never be "fixed" by re-running this script.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeDemoKeyring } from "./make-keyring-fixture.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "fixtures", "bundles");
const bin = join(root, "bin", "imladri.js");

function imladri(...args) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", IMLADRI_SIGNING_KEY: "" } });
  if (r.status !== 0) {
    process.stderr.write(`make-fixtures: imladri ${args.join(" ")} exited ${r.status}\n${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

// git does not keep file modes: the private demo key is used from a 0600 copy.
const tmp = mkdtempSync(join(tmpdir(), "imladri-fixtures-"));
try {
  const key = join(tmp, "demo-signer.jwk");
  copyFileSync(join(root, "fixtures", "keys", "demo-signer.jwk"), key);
  chmodSync(key, 0o600);
  const full = join(out, "demo.json");
  const share = join(out, "demo-share.json");
  imladri("proof", "export", "--log", "fixtures/events/examples.jsonl", "--key-file", key, "--chain", "demo", "--tenant", "acme", "--workspace", "support", "--out", full, "--force");
  imladri("proof", "redact", full, "--policy", "auditor", "--out", share, "--force");
  const doc = JSON.parse(readFileSync(share, "utf8"));
  if (doc.events[2].event.decision.outcome !== "blocked") throw new Error("make-fixtures: the demo log changed: seq 2 is no longer the blocked call");
  doc.events[2].event.decision.outcome = "allowed";
  writeFileSync(join(out, "demo-share-tampered.json"), JSON.stringify(doc) + "\n");
  const pub = join(root, "fixtures", "keys", "demo-signer.pub.jwk");
  imladri("proof", "verify", share, "--key", pub);
  await writeDemoKeyring();
  process.stdout.write(`make-fixtures: wrote ${full}, ${share}, demo-share-tampered.json and fixtures/keys/demo-keyring.json\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
