// Runs bin/imladri.js in this process and, at exit, writes to file descriptor 3, as JSON, this
// process's peak resident set size (kB, process.resourceUsage().maxRSS: worker threads included),
// the size of V8's young generation (new space, bytes) and how many times the command set V8's
// young-generation growth factor (src/io/young-generation.ts). Used by test/support/bounded.ts:
// the harness, not the code under test, measures memory. With IMLADRI_TEST_UNHELD=1 the command's
// setting of V8 flags is turned into a no-op first, so the same run shows what V8 does without
// the hold (the control of test/cli/young-generation.test.ts).
"use strict";
const fs = require("node:fs");
const v8 = require("node:v8");
const bin = process.argv[2];
const unheld = process.env.IMLADRI_TEST_UNHELD === "1";
delete process.env.IMLADRI_TEST_UNHELD;
let growthSets = 0;
const setFlags = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  if (String(flags).startsWith("--semi-space-growth-factor")) growthSets++;
  if (!unheld) setFlags(flags);
};
process.on("exit", () => {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  fs.writeSync(3, JSON.stringify({ maxRSS: process.resourceUsage().maxRSS, youngBytes: space ? space.space_size : -1, growthSets }));
});
// bin/imladri.js reads process.argv.slice(2): drop this script's own name.
process.argv.splice(1, 1);
require(bin);
