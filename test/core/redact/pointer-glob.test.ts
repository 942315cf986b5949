/**
 * Name globs (DESIGN §9) match in linear time without a regular expression (issue 12): the
 * matcher must say exactly what the old anchored regex (`*` → `.*`, flag `s`) said.
 */
import { describe, expect, it } from "vitest";
import { compileGlob } from "../../../src/core/redact/pointer-glob.js";

/** The matcher this one replaced: fine as a reference on short inputs, exponential on long ones. */
function regexGlob(glob: string, text: string): boolean {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp("^" + glob.split("*").map(escape).join(".*") + "$", "s").test(text);
}

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function word(next: () => number, alphabet: string, max: number): string {
  let s = "";
  const n = Math.floor(next() * (max + 1));
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)]!;
  return s;
}

describe("compileGlob", () => {
  it("matches the whole string; * matches any run, dots, slashes and line breaks included", () => {
    expect(compileGlob("tool.*")("tool.call")).toBe(true);
    expect(compileGlob("tool.*")("tool.")).toBe(true);
    expect(compileGlob("tool.*")("tool")).toBe(false);
    expect(compileGlob("*.pdf")("a/b/c.pdf")).toBe(true);
    expect(compileGlob("*.pdf")("a/b/c.pdf.txt")).toBe(false);
    expect(compileGlob("a*b")("a\nb")).toBe(true);
    expect(compileGlob("")("")).toBe(true);
    expect(compileGlob("")("x")).toBe(false);
    expect(compileGlob("**")("")).toBe(true);
    expect(compileGlob("a*a")("a")).toBe(false);
    expect(compileGlob("ab*ba")("aba")).toBe(false);
    expect(compileGlob("ab*ba")("abba")).toBe(true);
    expect(compileGlob("a.b")("aXb")).toBe(false);
    expect(compileGlob("[x]+(y)?$")("[x]+(y)?$")).toBe(true);
  });

  it("agrees with the regex it replaced on 20,000 random globs and strings", () => {
    const next = random(12);
    for (let i = 0; i < 20_000; i++) {
      const glob = word(next, "ab*.", 8);
      // Half the texts are built from the glob, so matches are common, not rare.
      const text = next() < 0.5 ? word(next, "ab.", 10) : glob.split("*").map((p) => p + word(next, "ab", 3)).join("");
      expect(compileGlob(glob)(text), `${JSON.stringify(glob)} on ${JSON.stringify(text)}`).toBe(regexGlob(glob, text));
    }
  });
});
