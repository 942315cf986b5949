/**
 * The package people install: `npm pack` makes a tarball that installs globally into a fresh
 * prefix and gives a working `imladri` on PATH, with the specification, the schemas, the verifier
 * page and the start-up code cache inside, and nothing of the sources' tests or fixtures.
 * Dependencies come from the npm cache `npm ci` filled (--prefer-offline), so no network is
 * needed when the cache is warm. `npm test` builds before the tests run, so pack skips its own
 * `prepare` build here (--ignore-scripts) rather than rebuild dist/ under the other tests' feet.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, REPO, tempDir, withoutSigningKey } from "../support/cli.js";
import { networkEnv } from "../support/child-env.js";

let dir: string;
let prefix: string;
let files: string[];

/** The environment without what `npm test` sets for its own run (npm_config_global, ...), but the cache. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(withoutSigningKey(process.env))) {
    if (k.toLowerCase().startsWith("npm_") && !/^npm_config_(cache|registry|userconfig)$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: "1", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
}

function npm(args: string[], cwd: string) {
  // npm may fetch from the registry (a cold cache): it gets the CA certificates back.
  const r = spawnSync("npm", args, { cwd, env: networkEnv(npmEnv()), encoding: "utf8", timeout: 170_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = tempDir();
  const pack = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], REPO);
  expect(pack.code, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  files = info[0]!.files.map((f) => f.path);
  prefix = path.join(dir, "prefix");
  const install = npm(["install", "-g", "--prefix", prefix, "--prefer-offline", path.join(dir, info[0]!.filename)], dir);
  expect(install.code, install.stderr + install.stdout).toBe(0);
}, 180_000);

describe("npm pack → npm install -g", () => {
  it("packs the command, its code cache, the schemas, the verifier page and the docs; no tests or fixtures", () => {
    for (const f of ["bin/imladri.js", "bin/load-cli.js", "dist/cli/imladri.cjs", "dist/cli/imladri.cjs.cache", "dist/io/verify-worker.js", "dist/verify-proof.html", "schemas/bundle.schema.json", "docs/spec.md", "README.md", "package.json"]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|fixtures|src|scripts|\.ci)\//.test(f))).toEqual([]);
  });

  it("gives a working imladri on PATH that verifies a bundle from its installed location", () => {
    const bin = path.join(prefix, "bin");
    const env = { ...npmEnv(), PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const run = (args: string[]) => spawnSync("imladri", args, { cwd: dir, env, encoding: "utf8", input: "" });
    const version = run(["--version"]);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version);
    const ok = run(["proof", "verify", path.join(FIXTURES, "bundles/demo.json"), "--key", path.join(FIXTURES, "keys/demo-signer.pub.jwk")]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^verified {2}/);
    const bad = run(["proof", "verify", path.join(FIXTURES, "bundles/demo-share-tampered.json"), "--key", path.join(FIXTURES, "keys/demo-signer.pub.jwk"), "--report-format", "sarif"]);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).runs[0].properties.verdict).toBe("invalid");
    // The command runs from the installed copy, not from this checkout.
    const installed = fs.realpathSync(path.join(bin, "imladri"));
    expect(installed.startsWith(fs.realpathSync(prefix))).toBe(true);
    const page = run(["verifier-page", "--out", path.join(dir, "page.html")]);
    expect(page.status, page.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, "page.html"), "utf8")).toContain("<html");
  });

  it("ships the specification inside the installed package", () => {
    const root = path.join(prefix, "lib", "node_modules", "imladri");
    expect(fs.readFileSync(path.join(root, "docs/spec.md"), "utf8")).toContain("## 8. Verification");
    expect(fs.existsSync(path.join(root, "dist/verify-proof.html"))).toBe(true);
  });
});
