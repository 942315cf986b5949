/**
 * Temporary folders for tests, removed when the test file that made them finishes
 * (test/support/remove-temp.ts is a vitest setup file), so a test run leaves nothing in the OS
 * temp folder.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

/** A new empty folder under the OS temp folder (its real path: /tmp may be a symlink). */
export function tempDir(prefix = "imladri-test-"): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
