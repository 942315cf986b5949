#!/usr/bin/env node
// Makes the committed share fixtures with the real CLI (docs/redaction.md, "Fixtures"):
//   fixtures/bundles/demo.json                the demo log exported and signed by the demo key
//   fixtures/bundles/demo-share.json          its auditor share (verifies with demo-signer.pub.jwk)
//   fixtures/bundles/demo-share-tampered.json the share with one disclosed value changed
//                                             (seq 2 /decision/outcome "blocked" -> "allowed"):
//                                             verify says invalid, chain.head-mismatch
// Format v2 (DESIGN §12), made beside them and never replacing them (a v1 bundle must verify
// forever, and this version writes v2 only: the v1 files above are made only when missing):
//   fixtures/bundles/demo-v2.json             demo.json continued (--continue of v1 writes v2)
//   fixtures/bundles/demo-v2-excerpt.json     seq 2, 6 and 11 of it, auditor policy, with paths
//   fixtures/bundles/demo-v2-excerpt-tampered.json  seq 2's outcome changed: excerpt.proof
//   fixtures/bundles/demo-v2-prefix.json      the first 8 demo events, chain demo-growth
//   fixtures/bundles/demo-v2-growth.jsonl     all 14, continuing it
//   fixtures/bundles/demo-v2-checkpoint.json  growth's checkpoint with the proof from 8
//   fixtures/bundles/demo-v2-checkpoint-tampered.json  a consistency hash flipped
// Run `npm run build` first. Export draws fresh seeds and stamps the time, so a re-run makes new,
// equivalent files, not the same bytes: the committed ones are the reference, and tests must
// never be "fixed" by re-running this script.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  const pub = join(root, "fixtures", "keys", "demo-signer.pub.jwk");
  if (!existsSync(full)) {
  imladri("proof", "export", "--log", "fixtures/events/examples.jsonl", "--key-file", key, "--chain", "demo", "--tenant", "acme", "--workspace", "support", "--out", full, "--force");
  imladri("proof", "redact", full, "--policy", "auditor", "--out", share, "--force");
  const doc = JSON.parse(readFileSync(share, "utf8"));
  if (doc.events[2].event.decision.outcome !== "blocked") throw new Error("make-fixtures: the demo log changed: seq 2 is no longer the blocked call");
  doc.events[2].event.decision.outcome = "allowed";
  writeFileSync(join(out, "demo-share-tampered.json"), JSON.stringify(doc) + "\n");
  imladri("proof", "verify", share, "--key", pub);
  } else {
    process.stdout.write(`make-fixtures: keeping the v1 fixtures ${full}, ${share} (never remade: they must verify forever)\n`);
  }
  writeV2Fixtures(key, full, pub);
  await writeDemoKeyring();
  process.stdout.write(`make-fixtures: wrote fixtures/keys/demo-keyring.json (and the v1 files only where they were missing)\n`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

function writeV2Fixtures(key, v1, pub) {
  const at = (name) => join(out, name);
  const events = readFileSync(join(root, "fixtures", "events", "examples.jsonl"), "utf8").split("\n").filter(Boolean);
  const first8 = join(tmp, "first8.jsonl");
  writeFileSync(first8, events.slice(0, 8).join("\n") + "\n");
  imladri("proof", "export", "--log", "fixtures/events/examples.jsonl", "--key-file", key, "--continue", v1, "--tenant", "acme", "--workspace", "support", "--out", at("demo-v2.json"), "--force");
  imladri("proof", "excerpt", at("demo-v2.json"), "--seq", "2", "--seq", "6", "--seq", "11", "--out", at("demo-v2-excerpt.json"), "--force");
  const excerpt = JSON.parse(readFileSync(at("demo-v2-excerpt.json"), "utf8"));
  if (excerpt.events[0].event.decision.outcome !== "blocked") throw new Error("make-fixtures: the demo log changed: seq 2 is no longer the blocked call");
  excerpt.events[0].event.decision.outcome = "allowed";
  writeFileSync(at("demo-v2-excerpt-tampered.json"), JSON.stringify(excerpt) + "\n");
  imladri("proof", "export", "--log", first8, "--key-file", key, "--chain", "demo-growth", "--out", at("demo-v2-prefix.json"), "--force");
  imladri("proof", "export", "--log", "fixtures/events/examples.jsonl", "--key-file", key, "--continue", at("demo-v2-prefix.json"), "--out", at("demo-v2-growth.jsonl"), "--force");
  imladri("proof", "checkpoint", at("demo-v2-growth.jsonl"), "--since", at("demo-v2-prefix.json"), "--out", at("demo-v2-checkpoint.json"), "--force");
  const checkpoint = JSON.parse(readFileSync(at("demo-v2-checkpoint.json"), "utf8"));
  const h = checkpoint.consistency.proof[0];
  checkpoint.consistency.proof[0] = (h[0] === "0" ? "1" : "0") + h.slice(1);
  writeFileSync(at("demo-v2-checkpoint-tampered.json"), JSON.stringify(checkpoint) + "\n");
  for (const name of ["demo-v2.json", "demo-v2-excerpt.json", "demo-v2-growth.jsonl", "demo-v2-checkpoint.json"]) imladri("proof", "verify", at(name), "--key", pub);
  imladri("proof", "verify", at("demo-v2-checkpoint.json"), "--key", pub, "--since", at("demo-v2-prefix.json"));
  process.stdout.write("make-fixtures: wrote the v2 fixtures demo-v2*.json(l)\n");
}
