/**
 * RereadableBundle (src/io/bundle-file.ts): redact checks its input, then reads it again to redact
 * it (issue 6), so it must notice a file that changed in between: appended to, or replaced.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { RereadableBundle } from "../../src/io/bundle-file.js";
import { CliError, toCliError } from "../../src/cli/errors.js";
import { IoError } from "../../src/io/errors.js";
import { tempDir } from "../support/cli.js";

describe("RereadableBundle", () => {
  it("a file left alone is unchanged; appended to, or replaced by another with the same bytes, it is not", () => {
    const dir = tempDir("imladri-reread-");
    const file = path.join(dir, "proof.jsonl");
    fs.writeFileSync(file, "line one\n");
    const appended = RereadableBundle.open(file);
    expect(appended.path).toBe(file);
    expect(appended.unchanged()).toBe(true);
    fs.appendFileSync(file, "line two\n");
    expect(appended.unchanged()).toBe(false);

    const replaced = RereadableBundle.open(file);
    const other = path.join(dir, "other.jsonl");
    fs.writeFileSync(other, fs.readFileSync(file));
    fs.renameSync(other, file);
    expect(replaced.unchanged()).toBe(false);

    const removed = RereadableBundle.open(file);
    fs.rmSync(file);
    expect(removed.unchanged()).toBe(false);
    // close() never removes the user's file (only a copy of stdin).
    fs.writeFileSync(file, "x");
    RereadableBundle.open(file).close();
    expect(fs.existsSync(file)).toBe(true);
  });

  it("a missing file is refused as missing input (exit 66)", () => {
    const missing = path.join(tempDir("imladri-reread-"), "nope.jsonl");
    expect(() => RereadableBundle.open(missing)).toThrow(IoError);
    try {
      RereadableBundle.open(missing);
    } catch (e) {
      expect((e as IoError).kind).toBe("notFound");
      expect((toCliError(e) as CliError).exitCode).toBe(66);
      expect((e as IoError).message).toBe(`${missing}: bundle not found`);
    }
  });
});
