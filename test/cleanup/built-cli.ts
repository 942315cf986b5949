/**
 * The CLI tests run the real command (`node bin/imladri.js`), which loads dist/. `npm test`
 * builds first; when dist/ is missing or older than src/ (a test run straight from vitest), it is
 * built here, once: test files run in parallel, so a lock folder keeps two builds from writing
 * dist/ at the same time.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "../support/cli.js";
import { sleepSync } from "../../src/io/sleep.js";

const MAIN = path.join(REPO, "dist/cli/main.js");
const LOCK = path.join(REPO, ".imladri-tmp-build-lock");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  return fs.existsSync(MAIN) && fs.statSync(MAIN).mtimeMs >= newestMtime(path.join(REPO, "src"));
}

export function ensureBuilt(): void {
  if (fresh()) return;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building: wait for it, then use its result.
      if (Date.now() > deadline) throw new Error(`waited too long for ${LOCK}; remove it if no build is running`);
      sleepSync(200);
      if (!fs.existsSync(LOCK) && fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: REPO, encoding: "utf8", timeout: 300_000 });
    // tsc still writes dist/ when another module has a type error; only a missing CLI is fatal.
    if (r.status !== 0 && !fs.existsSync(MAIN)) throw new Error(`npm run build failed: ${r.stderr || r.stdout}`);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
