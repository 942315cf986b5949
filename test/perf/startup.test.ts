/**
 * `imladri --version` is answered by bin/imladri.js without loading the command line (issue 6:
 * start-up). It must say exactly what the full command line says. Start-up times themselves are
 * figures for `npm run bench`, never assertions.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { imladri, REPO } from "../support/cli.js";

const version = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;

describe("--version", () => {
  it.each([["--version"], ["-V"]])("%s alone prints the package version, as commander does", (flag) => {
    const fast = imladri([flag]);
    // With a second option the arguments go through commander, which handles --version itself.
    const full = imladri(["--no-color", flag]);
    expect(fast).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(full).toEqual(fast);
  });

  it("only the exact flag takes the short cut: a look-alike is a usage error from the command line", () => {
    const r = imladri(["--versions"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("unknown option");
  });
});
