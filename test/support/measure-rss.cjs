// Runs bin/imladri.js in this process and, at exit, writes this process's peak resident set size
// (kB, process.resourceUsage().maxRSS: worker threads included) to file descriptor 3. Used by
// test/support/bounded.ts: the harness, not the code under test, measures memory.
"use strict";
const fs = require("node:fs");
const bin = process.argv[2];
process.on("exit", () => {
  fs.writeSync(3, String(process.resourceUsage().maxRSS));
});
// bin/imladri.js reads process.argv.slice(2): drop this script's own name.
process.argv.splice(1, 1);
require(bin);
