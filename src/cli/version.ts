// Kept in step with package.json by test/perf/startup.test.ts (bin/imladri.js prints package.json's).
export const VERSION = "0.1.0";
