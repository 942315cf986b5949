/**
 * The layering rule (issue 14; README "Layers", docs/performance.md is unrelated): imports point
 * down only.
 *
 *   src/core     pure: runs in a browser; no file or process I/O, no Node built-in
 *   src/platform Node implementations of core's interfaces (node:crypto)
 *   src/io       files, stdin, worker threads; throws IoError, never knows the CLI
 *   src/cleanup  an io-level module (it appends to logs, takes locks, spawns provider commands);
 *                throws its own typed errors (src/cleanup/errors.ts), never knows the CLI
 *   src/browser  the verifier page: core only
 *   src/cli      the command line: may import any layer but the page's
 *
 * Every import specifier of every .ts file is read with the TypeScript parser (static imports,
 * `export … from`, `import type`, and dynamic `import()`), resolved, and checked; a failure names
 * each offending arrow.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { CleanupExit } from "../../src/cleanup/errors.js";
import { ExitCode } from "../../src/cli/exit-codes.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

type Layer = "core" | "platform" | "io" | "cleanup" | "browser" | "cli";

/** What each layer may import from (besides packages from node_modules). */
const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ["core"],
  platform: ["core", "platform"],
  io: ["core", "platform", "io"],
  cleanup: ["core", "platform", "io", "cleanup"],
  browser: ["core", "browser"],
  cli: ["core", "platform", "io", "cleanup", "cli"],
};

/** Layers that must run in a browser: no Node built-in either. */
const NO_NODE_BUILTINS: ReadonlySet<Layer> = new Set(["core", "browser"]);


function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

function layerOf(file: string): Layer | undefined {
  const top = path.relative(SRC, file).split(path.sep)[0];
  return top === "core" || top === "platform" || top === "io" || top === "cleanup" || top === "browser" || top === "cli" ? top : undefined;
}

/** Every module specifier of `text`: imports, re-exports and dynamic imports. */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

const rel = (f: string): string => path.relative(path.join(SRC, ".."), f).split(path.sep).join("/");

/** The arrows of `file` (whose text is `text`) that break the rule, as "from → to". */
function badArrows(file: string, text = fs.readFileSync(file, "utf8")): string[] {
  const from = layerOf(file);
  if (from === undefined) return [`${rel(file)}: not in a known layer (add it to test/arch/layering.test.ts)`];
  const out: string[] = [];
  for (const spec of importSpecifiers(text)) {
    if (spec.startsWith(".")) {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
      const to = target.startsWith(SRC) ? layerOf(target) : undefined;
      if (to === undefined || !MAY_IMPORT[from].includes(to)) out.push(`${rel(file)} → ${rel(target)}`);
    } else if (NO_NODE_BUILTINS.has(from) && (spec.startsWith("node:") || isBuiltin(spec))) {
      out.push(`${rel(file)} → ${spec} (a Node built-in in ${from}, which runs in a browser)`);
    }
  }
  return out;
}

function isBuiltin(spec: string): boolean {
  return ["fs", "path", "os", "crypto", "child_process", "worker_threads", "buffer", "url", "util", "stream", "readline", "process"].includes(spec.split("/")[0]!);
}

describe("layering: imports point down (core ← io ← cli; cleanup is io-level)", () => {
  const all = tsFiles(SRC);

  it("reads static, type-only, re-exported and dynamic imports", () => {
    const specs = importSpecifiers(
      'import a from "./a.js";\nimport type { B } from "../b.js";\nexport { c } from "./c.js";\nconst d = await import("../cli/d.js");\n// import "./not-code.js"\n',
    );
    expect(specs).toEqual(["./a.js", "../b.js", "./c.js", "../cli/d.js"]);
  });

  it("catches upward arrows and built-ins (the rule can fail)", () => {
    const io = path.join(SRC, "io", "probe.ts");
    expect(badArrows(io, 'export async function f() { return import("../cli/errors.js"); }\n')).toEqual(["src/io/probe.ts → src/cli/errors.ts"]);
    const core = path.join(SRC, "core", "bundle", "probe.ts");
    expect(badArrows(core, 'import * as fs from "node:fs";\nimport type { IoError } from "../../io/errors.js";\nimport { x } from "../json/value.js";\n')).toEqual([
      "src/core/bundle/probe.ts → node:fs (a Node built-in in core, which runs in a browser)",
      "src/core/bundle/probe.ts → src/io/errors.ts",
    ]);
    const cleanup = path.join(SRC, "cleanup", "probe.ts");
    expect(badArrows(cleanup, 'export { CliError } from "../cli/errors.js";\n')).toEqual(["src/cleanup/probe.ts → src/cli/errors.ts"]);
  });

  it("has every source file in a layer", () => {
    expect(all.length).toBeGreaterThan(80);
    expect(all.filter((f) => layerOf(f) === undefined).map(rel)).toEqual([]);
  });

  it("has no arrow pointing up, and no Node built-in in core or the page", () => {
    const bad = all.flatMap((f) => badArrows(f));
    expect(bad, `imports that break the layering:\n  ${bad.join("\n  ")}`).toEqual([]);
  });

  it("keeps cleanup's outcome codes equal to the CLI's exit codes (DESIGN §10)", () => {
    expect(CleanupExit).toEqual({ ok: ExitCode.ok, incomplete: ExitCode.invalid, leftovers: ExitCode.leftovers });
  });
});
