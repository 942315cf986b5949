// Runs bin/imladri.js in this process and, at exit, writes to file descriptor 3 the size of V8's
// young generation (new space, bytes, v8.getHeapSpaceStatistics) and how many times the command
// set V8's growth factor, as JSON. Used by test/cli/young-generation.test.ts. argv[2]: "held"
// runs the command as it ships; "unheld" turns v8.setFlagsFromString into a no-op first, so the
// same run shows what V8 does without the hold (the control).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const how = process.argv[2];
if (how !== "held" && how !== "unheld") throw new Error(`young-generation.cjs: held or unheld, not ${how}`);
let sets = 0;
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  if (String(flags).startsWith("--semi-space-growth-factor")) sets++;
  if (how === "held") set(flags);
};
process.on("exit", () => {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  fs.writeSync(3, JSON.stringify({ bytes: space ? space.space_size : -1, sets }));
});
// bin/imladri.js reads process.argv.slice(2): drop this script's name (`how` takes its place).
process.argv.splice(1, 1);
require(path.join(__dirname, "..", "..", "bin", "imladri.js"));
