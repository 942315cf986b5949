// Loads the bundled command line (dist/cli/imladri.cjs, made by scripts/build-cli.mjs) with the
// V8 code cache the build made for it, so a small run does not compile what it runs (issue 6,
// docs/performance.md "Start-up"). A cache V8 rejects (another Node version) only costs time.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");
const { Script } = require("node:vm");

const file = path.join(__dirname, "..", "dist", "cli", "imladri.cjs");
const cacheFile = file + ".cache";

/** @returns {{ main: (args: string[]) => Promise<number>, cacheRejected: boolean | undefined, saveCache: () => void }} */
function loadCli() {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The CommonJS wrapper Node puts around a .cjs file, so the bundle runs as if required.
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    // Not built (a clone before `npm ci`, or after `tsc` alone): say what to run, not a stack trace.
    process.stderr.write(`imladri: ${file} is missing (${e.code ?? e}): run npm run build\n`);
    process.exit(70);
  }
  const source = "(function (exports, require, module, __filename, __dirname) { " + text + "\n})";
  // No dynamic import() may run in this script: functions V8 takes from the code cache lose the
  // import callback (Node 20: "A dynamic import callback was not specified", even with
  // importModuleDynamically set; issue 12, the postgres provider). scripts/build-cli.mjs refuses a
  // bundle that holds one; modules outside the bundle (pg) are loaded with require.
  const script = new Script(source, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  return {
    main: module.exports.main,
    holdYoungGeneration: module.exports.holdYoungGeneration,
    cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected,
    // Only the build calls this (scripts/build-cli.mjs), after a warm-up run.
    saveCache: () => writeFileSync(cacheFile, script.createCachedData()),
  };
}

exports.loadCli = loadCli;
