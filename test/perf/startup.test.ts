/**
 * `imladri --version` is answered by bin/imladri.js without loading the command line (issue 6:
 * start-up). It must say exactly what the full command line says. Start-up times themselves are
 * figures for `npm run bench`, never assertions.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { imladri, REPO, tempDir } from "../support/cli.js";

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

describe("the bundled command line (scripts/build-cli.mjs)", () => {
  it("is what bin/imladri.js runs, and V8 accepts the code cache the build made for it", async () => {
    const loader = (await import(path.join(REPO, "bin/load-cli.js"))) as { loadCli: () => { main: unknown; cacheRejected: boolean | undefined } };
    const cli = loader.loadCli();
    expect(typeof cli.main).toBe("function");
    // A rejected cache still runs correctly, only slower; this pins that the build made a usable one.
    expect(cli.cacheRejected).toBe(false);
  });

  it("gives the same results as the unbundled modules it was built from", () => {
    const demo = path.join(REPO, "fixtures/bundles/demo.json");
    const key = path.join(REPO, "fixtures/keys/demo-signer.pub.jwk");
    const args = ["--json", "proof", "verify", demo, "--key", key];
    const bundled = imladri(args);
    const unbundled = spawnSync(process.execPath, ["--input-type=module", "-e", `const { main } = await import(${JSON.stringify(path.join(REPO, "dist/cli/main.js"))}); process.exitCode = await main(JSON.parse(process.env.ARGS));`], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", ARGS: JSON.stringify(args) },
    });
    expect(bundled.code).toBe(0);
    expect(unbundled.status).toBe(0);
    expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(unbundled.stdout));
  });

  it("finds the files it ships beside itself (import.meta.url is each module's own)", () => {
    const out = path.join(tempDir("imladri-startup-"), "page.html");
    const r = imladri(["verifier-page", "--out", out]);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out)).toEqual(fs.readFileSync(path.join(REPO, "dist/verify-proof.html")));
  });
});
