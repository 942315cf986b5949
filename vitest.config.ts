import { defineConfig } from "vitest/config";

// CLI tests spawn the real command and some start real PostgreSQL and Chromium: the default 5 s
// limit measures the machine's load, not the code. Timings are never asserted (see npm run bench).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    setupFiles: ["test/support/remove-temp.ts"],
  },
});
