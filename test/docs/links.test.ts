/**
 * The documentation that ships (README.md and docs/, both in package.json "files") links only to
 * files that ship too, and to headings that exist: a link into ../shared or fixtures/ would be
 * dead for everyone who installs the package. User-visible text names docs/spec.md, never the
 * design file the project was built from.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import type { Command } from "commander";
import { REPO } from "../support/cli.js";

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { files: string[] };
const DOCS = ["README.md", ...fs.readdirSync(path.join(REPO, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** Markdown without fenced code blocks and inline code, where link syntax means nothing. */
function prose(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "``");
}

function links(md: string): string[] {
  return [...prose(md).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, -1 -2 for repeats. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of md.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function shipped(rel: string): boolean {
  return pkg.files.some((f) => rel === f || rel.startsWith(f.replace(/\/$/, "") + "/"));
}

describe("documentation links", () => {
  it("finds the docs and their links (the check below is not vacuous)", () => {
    expect(DOCS).toContain("docs/spec.md");
    expect(links(fs.readFileSync(path.join(REPO, "README.md"), "utf8"))).toContain("docs/spec.md");
    expect(anchors("# A b\n## 7. Keys (normative)\n## A b\n")).toEqual(new Set(["a-b", "7-keys-normative", "a-b-1"]));
  });

  for (const doc of DOCS) {
    it(`${doc}: every relative link resolves to a shipped file (and heading)`, () => {
      const text = fs.readFileSync(path.join(REPO, doc), "utf8");
      const problems: string[] = [];
      for (const link of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        const [file, anchor] = link.split("#", 2) as [string, string | undefined];
        const target = file === "" ? path.join(REPO, doc) : path.resolve(path.dirname(path.join(REPO, doc)), decodeURI(file));
        const rel = path.relative(REPO, target).split(path.sep).join("/");
        if (rel.startsWith("..") || path.isAbsolute(rel)) problems.push(`${link}: outside the package`);
        else if (!fs.existsSync(target)) problems.push(`${link}: no such file`);
        else if (!shipped(rel)) problems.push(`${link}: ${rel} is not in package.json "files"`);
        else if (anchor !== undefined && target.endsWith(".md") && !anchors(fs.readFileSync(target, "utf8")).has(anchor)) {
          problems.push(`${link}: no heading #${anchor} in ${rel}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});

describe("user-visible text points to docs/spec.md", () => {
  it("README and the docs index never point to the design file", () => {
    for (const doc of ["README.md", "docs/README.md", "docs/spec.md"]) {
      const text = fs.readFileSync(path.join(REPO, doc), "utf8");
      expect(text, doc).not.toMatch(/\.\.\/shared|DESIGN/);
    }
  });

  it("no --help text names DESIGN", () => {
    const texts: string[] = [];
    const walk = (cmd: Command): void => {
      let out = "";
      cmd.configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (out += s) });
      cmd.outputHelp();
      texts.push(out);
      cmd.commands.forEach(walk);
    };
    walk(buildProgram());
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.join("\n")).toContain("docs/spec.md §8");
    expect(texts.filter((t) => /DESIGN|\.\.\/shared/.test(t))).toEqual([]);
  });
});
