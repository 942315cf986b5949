#!/usr/bin/env node
// Builds the verifier page: ONE self-contained HTML file an auditor opens from disk
// (docs/browser-verifier.md). esbuild bundles src/browser with the same src/core the CLI runs and
// the portable @noble crypto provider, never node:crypto; the worker's code is inlined as a string
// and started from a Blob URL, so it works from file://. A Content-Security-Policy in a <meta>
// allows no network access at all, and only this script and this style (by their SHA-256 hashes).
//
//   node scripts/build-page.mjs                 -> dist/verify-proof.html (run by `npm run build`)
//   node scripts/build-page.mjs --out page.html
//
// The output is deterministic: the same sources give the same bytes (test/browser checks that the
// shipped page is the one the current sources build).

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const browserDir = join(root, "src", "browser");
const coreDir = join(root, "src", "core");

function fail(message) {
  process.stderr.write(`build-page: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  let out = join(root, "dist", "verify-proof.html");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out" && argv[i + 1]) out = resolve(argv[++i]);
    else fail(`unknown argument ${JSON.stringify(argv[i])} (usage: build-page.mjs [--out file])`);
  }
  return out;
}

// The page may contain the pure core and the browser code, nothing else of this project: the CLI,
// src/io and src/platform (node:crypto) read files and run processes.
const onlyPureSources = {
  name: "only-pure-sources",
  setup(build) {
    build.onLoad({ filter: /.*/ }, (args) => {
      const path = resolve(args.path);
      const inSrc = path.startsWith(join(root, "src") + sep);
      if (inSrc && !path.startsWith(coreDir + sep) && !path.startsWith(browserDir + sep)) {
        return { errors: [{ text: `${relative(root, path)} is not pure core: the verifier page may bundle only src/core and src/browser` }] };
      }
      return undefined;
    });
  },
};

const common = {
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  target: ["es2022"],
  charset: "utf8",
  // Not minified: an auditor can read what the page runs.
  minify: false,
  legalComments: "inline",
  logLevel: "silent",
  plugins: [onlyPureSources],
};

async function bundle(entry, define = {}) {
  try {
    const r = await esbuild.build({ ...common, entryPoints: [join(browserDir, entry)], define });
    return r.outputFiles[0].text;
  } catch (e) {
    const errors = e.errors?.map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ""}${x.text}`).join("\n  ");
    fail(`cannot bundle ${entry}:\n  ${errors ?? String(e)}`);
  }
}

// Inside <script>, the text "</script" ends the element and "<!--" changes how it is parsed.
// Both can only appear inside string literals, regular expressions or comments of the bundle,
// where "\x3C" is the same character.
function inlineSafe(js) {
  const safe = js.replace(/<\/(script)/gi, "\\x3C/$1").replace(/<!--/g, "\\x3C!--");
  if (/<\/script|<!--/i.test(safe)) fail("the bundle still holds </script or <!-- after escaping");
  return safe;
}

const cspHash = (text) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

function fill(template, values) {
  return template.replace(/\{\{([A-Z]+)\}\}/g, (_, name) => {
    if (!(name in values)) fail(`page.html names an unknown placeholder {{${name}}}`);
    return values[name];
  });
}

const out = parseArgs(process.argv.slice(2));
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const workerJs = await bundle("worker.ts");
const pageJs = inlineSafe(await bundle("page.ts", { __IMLADRI_WORKER_SOURCE__: JSON.stringify(workerJs) }));
const style = readFileSync(join(browserDir, "styles.css"), "utf8");
if (/<\/style/i.test(style)) fail("styles.css must not contain </style");

const csp = [
  "default-src 'none'",
  `script-src ${cspHash(pageJs)}`,
  `style-src ${cspHash(style)}`,
  // The worker is started from a Blob URL of the inlined code (a file:// page cannot load a worker file).
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const html = fill(readFileSync(join(browserDir, "page.html"), "utf8"), { CSP: csp, STYLE: style, SCRIPT: pageJs, VERSION: version });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, html);
const digest = createHash("sha256").update(html, "utf8").digest("hex");
process.stdout.write(`build-page: ${relative(process.cwd(), out) || out} (${Math.round(Buffer.byteLength(html) / 1024)} KB, sha256:${digest})\n`);
