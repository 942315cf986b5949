#!/usr/bin/env node
// Writes fixtures/keys/demo-keyring.json: a keyring whose entry 0 adds the demo key
// fixtures/keys/demo-signer.jwk, signed by it, made by the real keyring code in dist/ (run
// `npm run build` first). Reproducible byte for byte: Ed25519 signatures are deterministic and
// the entry's `at` is fixed, so a second run changes nothing.
//
//   node scripts/make-keyring-fixture.mjs           write (or confirm) the fixture
//   node scripts/make-keyring-fixture.mjs --check   exit 1 if the committed file differs
//
// scripts/make-fixtures.mjs can call makeDemoKeyring()/writeDemoKeyring() instead of spawning this.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => pathToFileURL(join(root, "dist", p)).href;

/** The entry's time: before the demo events (fixtures/events/examples.jsonl starts 2026-11-20). */
export const DEMO_KEYRING_AT = "2026-11-01T00:00:00.000Z";
export const DEMO_KEYRING_FILE = join(root, "fixtures", "keys", "demo-keyring.json");
const DEMO_KEY_FILE = join(root, "fixtures", "keys", "demo-signer.jwk");

/** The fixture's text, from the demo private key. */
export async function makeDemoKeyring() {
  if (!existsSync(join(root, "dist", "core", "keyring", "sign.js"))) {
    throw new Error("dist/ is missing the keyring code: run `npm run build` first");
  }
  const { parseJson } = await import(dist("core/json/parse.js"));
  const { readPrivateJwk } = await import(dist("core/jws/jwk.js"));
  const { createKeyring, serializeKeyring } = await import(dist("core/keyring/sign.js"));
  const { nodeCrypto } = await import(dist("platform/node-crypto.js"));
  const read = readPrivateJwk(nodeCrypto, parseJson(readFileSync(DEMO_KEY_FILE, "utf8")));
  if (!read.ok) throw new Error(`${DEMO_KEY_FILE}: ${read.message}`);
  const write = createKeyring(nodeCrypto, [read.key], DEMO_KEYRING_AT);
  if (!write.ok) throw new Error(`the demo keyring does not replay: ${write.findings.map((f) => f.code).join(", ")}`);
  return serializeKeyring(write.keyring);
}

/** Writes the fixture atomically; returns "written", "unchanged" or, with check, "differs". */
export async function writeDemoKeyring({ check = false } = {}) {
  const text = await makeDemoKeyring();
  const current = existsSync(DEMO_KEYRING_FILE) ? readFileSync(DEMO_KEYRING_FILE, "utf8") : undefined;
  if (current === text) return "unchanged";
  if (check) return "differs";
  const { writeFileAtomic } = await import(dist("io/files.js"));
  writeFileAtomic(DEMO_KEYRING_FILE, [text], { force: true, what: "keyring" });
  return "written";
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const check = process.argv.includes("--check");
  try {
    const outcome = await writeDemoKeyring({ check });
    process.stdout.write(`make-keyring-fixture: ${DEMO_KEYRING_FILE}: ${outcome}\n`);
    if (outcome === "differs") process.exitCode = 1;
  } catch (e) {
    process.stderr.write(`make-keyring-fixture: ${e.message}\n`);
    process.exitCode = 1;
  }
}
