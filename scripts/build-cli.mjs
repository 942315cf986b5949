#!/usr/bin/env node
// Builds the command line for start-up speed (issue 6; docs/performance.md "Start-up"): esbuild
// bundles the compiled CLI (dist/cli/main.js and everything it imports, lazily imported commands
// included) into ONE script, dist/cli/imladri.cjs, and a V8 code cache for it, made by running
// `proof verify` and `proof inspect` once on the demo bundle. bin/load-cli.js compiles the script
// with that cache, so a run neither resolves some seventy ES modules one by one nor compiles the
// functions a small verify needs: a 10-event verify starts in well under 150 ms.
//
//   node scripts/build-cli.mjs      (run by `npm run build`, after tsc)
//
// The cache belongs to the Node (V8) version and flags that made it. Another Node rejects it
// (V8 checks) and the script compiles as usual: slower, never different.

import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist", "cli");
const out = join(dist, "imladri.cjs");

// A bundle has one `import.meta.url` for all its modules. Each module's own is kept instead, made
// from the bundle's location at run time, so `new URL("../../x", import.meta.url)` in any module
// names the same file bundled or not.
const ownImportMetaUrl = {
  name: "own-import-meta-url",
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, async (args) => {
      const { readFile } = await import("node:fs/promises");
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = relative(dist, args.path).split("\\").join("/");
      const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(rel)})).href`;
      return { contents: text.replaceAll("import.meta.url", `(${url})`), loader: "js" };
    });
  },
};

await esbuild.build({
  entryPoints: [join(dist, "main.js")],
  outfile: out,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: ["node20"],
  // pg is loaded only by the PostgreSQL cleanup provider, from node_modules as usual, with
  // require (src/cleanup/providers/postgres.ts says why not import()).
  external: ["pg"],
  plugins: [ownImportMetaUrl],
  logLevel: "warning",
  legalComments: "none",
});

// A dynamic import() left in the bundle fails at run time in the script bin/load-cli.js compiles
// from the code cache ("A dynamic import callback was not specified"; issue 12: the postgres
// provider never loaded from the installed command). esbuild turns the CLI's own lazy imports
// into requires; anything else must use require too. Refuse to ship one.
{
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(out, "utf8");
  const at = text.search(/(?<![\w$.])import\s*\(/);
  if (at !== -1) {
    const line = text.slice(0, at).split("\n").length;
    process.stderr.write(`build-cli: ${out}:${line}: a dynamic import() is left in the bundle; it fails when run from the code cache: use require\n`);
    process.exit(1);
  }
}

// The cache: compile and run the bundle the way bin/load-cli.js does, on the demo bundle, and
// save what V8 compiled. Its output is not wanted here; a failure is.
rmSync(out + ".cache", { force: true });
const demo = join(root, "fixtures", "bundles", "demo.json");
const key = join(root, "fixtures", "keys", "demo-signer.pub.jwk");
const warm = `
  const { loadCli } = await import(${JSON.stringify(pathToFileURL(join(root, "bin", "load-cli.js")).href)});
  const cli = loadCli();
  const codes = [await cli.main(["proof", "verify", ${JSON.stringify(demo)}, "--key", ${JSON.stringify(key)}]),
                 await cli.main(["proof", "inspect", ${JSON.stringify(demo)}])];
  if (codes.some((c) => c !== 0)) { process.stderr.write("warm-up exit codes " + codes + "\\n"); process.exit(1); }
  cli.saveCache();
`;
const r = spawnSync(process.execPath, ["--input-type=module", "-e", warm], { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
if (r.status !== 0) {
  process.stderr.write(`build-cli: making the code cache failed (exit ${r.status})\n`);
  process.exit(1);
}
