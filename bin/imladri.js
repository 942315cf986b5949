#!/usr/bin/env node
// The installed command. The TypeScript sources are compiled to dist/ and the command line is
// bundled into one script with a code cache by `npm run build` (run by `npm ci` / `npm install`
// through the `prepare` script; scripts/build-cli.mjs says why). This folder is CommonJS
// (bin/package.json): starting Node's ES module loader would cost a version check 10 ms more.
"use strict";
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Answered without loading the command line (commander, chalk, the commands): a version check
  // is often the first thing a script runs, and should cost no more than starting Node (issue 6).
  // The same text commander prints from src/cli/version.ts: test/perf/startup.test.ts compares them.
  process.stdout.write(require("../package.json").version + "\n");
} else {
  const cli = require("./load-cli.js").loadCli();
  // This process is the command's own: its V8 young generation may be held (src/io/young-generation.ts).
  // Optional: a dist/ built before it existed (a pull without a rebuild) still runs.
  cli.holdYoungGeneration?.();
  cli.main(args).then((code) => {
    process.exitCode = code;
  });
}
