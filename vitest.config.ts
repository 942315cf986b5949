import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Issue 13: the whole suite in under 4 minutes on a 2-core machine. CPU time per file (user+sys
// of `vitest run <file>`, children included, each file alone on a loaded machine): 51 files,
// 523 s in all (about 1.5 s of each is vitest starting). Five files are two thirds of it:
// perf/streaming 208 s (a 50,000-event bundle exported, verified streamed and in memory, on a
// terminal and off it; now split: the tests with data of their own are streaming-redact), then
// perf/parallel-verify 51 s, browser/large 40 s, cli/continue 35 s, browser/page 27 s; the rest
// 1.5–10 s each. No fixed sleeps worth cutting: the time is real work (CLI runs, large bundles,
// Chromium) and, before, waiting one file at a time.

/**
 * The heaviest files first (from the measurement above), then the ones that mostly wait (a
 * PostgreSQL server's initdb, an npm install), then vitest's own order. Without this a fresh CI
 * machine (no timing cache) starts the largest files first, and browser/large is a small file
 * that would start last and run alone at the end.
 */
const FIRST = [
  "test/perf/streaming.test.ts",
  "test/perf/parallel-verify.test.ts",
  "test/perf/streaming-redact.test.ts",
  "test/browser/large.test.ts",
  "test/cli/continue.test.ts",
  "test/browser/page.test.ts",
  "test/cleanup/postgres.test.ts",
  "test/cli/pack.test.ts",
];

class HeavyFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return i < 0 ? FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map((x) => x.f);
  }
}

// CLI tests spawn the real command and some start real PostgreSQL and Chromium: the default 5 s
// limit measures the machine's load, not the code. Timings are never asserted (see npm run bench).
//
// Workers: vitest's default in a run is one fewer than the cores, which on a 2-core CI machine is
// ONE: every file ran after the other (~6.5 minutes) while most of them sat waiting for a child
// process (the built CLI, Chromium, PostgreSQL, npm). One more worker than cores keeps both cores
// busy through those waits. Files are independent: each works in its own temp folders, the build
// lock (test/cleanup/built-cli.ts) serialises a rebuild, and PostgreSQL takes a free port.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: HeavyFirst },
    setupFiles: ["test/support/remove-temp.ts", "test/support/child-env.ts"],
  },
});
