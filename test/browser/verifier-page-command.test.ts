/**
 * `imladri verifier-page` and the page it ships: the command writes the prebuilt page byte for
 * byte, never over an existing file without --force; the shipped page is the one the current
 * sources build; and its CSP admits exactly its own script and style, nothing from a network.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO, imladri, tempDir } from "../support/cli.js";
import { buildPage } from "./support.js";

const SHIPPED = path.join(REPO, "dist/verify-proof.html");
let dir: string;
let fresh: string;

beforeAll(() => {
  dir = tempDir("imladri-verifier-page-");
  fresh = buildPage(dir);
});

const sha256 = (data: string | Buffer, encoding: "hex" | "base64") => createHash("sha256").update(data).digest(encoding);

describe("imladri verifier-page", () => {
  it("writes the shipped page byte for byte and prints its sha256", () => {
    const out = path.join(dir, "verify-proof.out.html");
    const r = imladri(["--json", "verifier-page", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const written = fs.readFileSync(out);
    expect(written.equals(fs.readFileSync(SHIPPED))).toBe(true);
    expect(JSON.parse(r.stdout)).toEqual({ out, bytes: written.length, sha256: "sha256:" + sha256(written, "hex") });
  });

  it("refuses to replace an existing file without --force (exit 73) and leaves it intact", () => {
    const out = path.join(dir, "existing.html");
    fs.writeFileSync(out, "mine");
    const r = imladri(["verifier-page", "--out", out]);
    expect(r.code).toBe(73);
    expect(r.stderr).toContain(`${out}: already exists`);
    expect(fs.readFileSync(out, "utf8")).toBe("mine");
    const forced = imladri(["verifier-page", "--out", out, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(SHIPPED))).toBe(true);
    expect(forced.stdout).toContain("sha256:" + sha256(fs.readFileSync(out), "hex"));
  });

  it("needs --out (usage, exit 64)", () => {
    const r = imladri(["verifier-page"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("--out");
  });
});

describe("the shipped page", () => {
  it("is what the current sources build (npm run build is current)", () => {
    expect(fs.existsSync(SHIPPED), `${SHIPPED} is missing: run npm run build`).toBe(true);
    expect(sha256(fs.readFileSync(SHIPPED), "hex")).toBe(sha256(fs.readFileSync(fresh), "hex"));
  });

  it("has one script and one style, each admitted by its hash in a CSP that allows no network", () => {
    const html = fs.readFileSync(fresh, "utf8");
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const directives = Object.fromEntries(csp!.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts.length).toBe(1);
    expect(styles.length).toBe(1);
    expect(html.match(/<script/g)!.length).toBe(1);
    expect(directives).toEqual({
      "default-src": "'none'",
      "script-src": `'sha256-${sha256(scripts[0]!, "base64")}'`,
      "style-src": `'sha256-${sha256(styles[0]!, "base64")}'`,
      "worker-src": "blob:",
      "base-uri": "'none'",
      "form-action": "'none'",
    });
  });

  it("bundles the portable @noble crypto and none of the Node-only code", () => {
    const html = fs.readFileSync(fresh, "utf8");
    expect(html).toContain("noble-ed25519");
    expect(html).not.toMatch(/node:crypto|node:fs|createHash\(|require\(/);
    expect(html).not.toContain("src/platform/node-crypto");
  });
});
