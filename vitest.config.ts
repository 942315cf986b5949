import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// CLI tests spawn the real command and some start real PostgreSQL and Chromium: the default 5 s
// limit measures the machine's load, not the code. Timings are never asserted (see npm run bench).
//
// Workers: vitest's default in a run is one fewer than the cores, which on a 2-core CI machine is
// ONE: every file ran after the other while most of them sat waiting for a child process (the
// built CLI, Chromium, PostgreSQL, npm). One more worker than cores keeps both cores busy through
// those waits (issue 13: the suite took ~6.5 minutes serially; per-file CPU time is in the report
// of that branch). Files are independent: each works in its own temp folders, the build
// lock (test/cleanup/built-cli.ts) serialises a rebuild, and PostgreSQL takes a free port.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: availableParallelism() + 1,
    setupFiles: ["test/support/remove-temp.ts"],
  },
});
