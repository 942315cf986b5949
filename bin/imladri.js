#!/usr/bin/env node
// The installed command. The TypeScript sources are compiled to dist/ by `npm run build`
// (run automatically by `npm ci` / `npm install` through the `prepare` script).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Answered without loading the command line (commander, chalk, the commands): a version check
  // is often the first thing a script runs, and should cost no more than starting Node (issue 6).
  // The same text commander prints; test/perf/startup.test.ts compares the two.
  const { VERSION } = await import("../dist/cli/version.js");
  process.stdout.write(VERSION + "\n");
} else {
  const { main } = await import("../dist/cli/main.js");
  process.exitCode = await main(args);
}
