/**
 * Driving the verifier page in a real browser: Debian's Chromium through playwright-core (the
 * browser download Playwright offers does not work here; `.ci/run` installs Chromium with
 * scripts/ci-chromium.sh). A missing Chromium fails the tests: it is never a skip.
 *
 * Every page is watched for network use: each request the browser makes and each CSP violation
 * (a request the page's policy blocked before it left) is recorded, so a test can assert that
 * verifying made none.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { REPO, imladri, tempDir } from "../support/cli.js";

export const CHROMIUM = "/usr/bin/chromium";
export const OUTPUT_DIR = path.join(REPO, "test-output");

/** Builds the page from the current sources, as `npm run build` does, into `dir`. */
export function buildPage(dir: string): string {
  const out = path.join(dir, "verify-proof.html");
  const r = spawnSync(process.execPath, [path.join(REPO, "scripts/build-page.mjs"), "--out", out], { cwd: REPO, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build-page failed: ${r.stderr}`);
  return out;
}

export interface Browser {
  ctx: BrowserContext;
  /** Every URL any page or worker of the context requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's Chromium (run scripts/ci-chromium.sh, or apt-get install -y chromium)`);
  }
  const profile = tempDir("imladri-chromium-");
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const requests: string[] = [];
  ctx.on("request", (r) => requests.push(r.url()));
  // Before any page script: records every CSP violation (what a blocked request leaves behind).
  await ctx.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    ctx,
    requests,
    close: async () => {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface VerifyOptions {
  minSignatures?: number;
  require?: string[];
  root?: string;
}

export interface PageFinding {
  effect: string;
  code: string;
  seq: string;
  line: string;
  pointer: string;
  message: string;
}

export interface PageResult {
  page: Page;
  state: string;
  verdict?: string;
  identity?: string;
  findings: PageFinding[];
  /** "#index status kid" per signature, as the page lists them. */
  signatures: string[];
  notes: string[];
  /** Console messages of the page and its worker (errors and CSP reports included). */
  console: string[];
}

/** Opens the page from file://, gives it the keys, the options, then the bundle, and reads the outcome. */
export async function verifyInPage(browser: Browser, pageFile: string, bundle: string, keys: string[] = [], options: VerifyOptions = {}): Promise<PageResult> {
  const page = await browser.ctx.newPage();
  const consoleLines: string[] = [];
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  page.on("worker", (w) => w.on("console", (m) => consoleLines.push(`worker ${m.type()}: ${m.text()}`)));
  await page.goto(pathToFileURL(pageFile).href);
  if (keys.length > 0) await page.setInputFiles("#keys-input", keys);
  if (options.minSignatures !== undefined || options.require || options.root !== undefined) {
    await page.click("#options summary");
    if (options.minSignatures !== undefined) await page.fill("#min-signatures", String(options.minSignatures));
    for (const r of options.require ?? []) await page.check(`input[name="require"][value="${r}"]`);
    if (options.root !== undefined) await page.fill("#root", options.root);
  }
  // Choosing the bundle starts the run (the state turns to "verifying" in the change handler).
  await page.setInputFiles("#bundle-input", bundle);
  await page.waitForSelector("body[data-state=done], body[data-state=refused], body[data-state=failed]", { timeout: 280_000 });
  const state = (await page.getAttribute("body", "data-state")) ?? "";
  const result: PageResult = { page, state, findings: [], signatures: [], notes: await page.$$eval("#notes p", (ps) => ps.map((p) => p.textContent ?? "")), console: consoleLines };
  if (state !== "done") return result;
  if (await page.isVisible("#findings-all")) await page.click("#findings-all");
  result.verdict = (await page.getAttribute("#verdict", "data-verdict")) ?? undefined;
  result.identity = (await page.textContent("#identity")) ?? undefined;
  result.findings = await page.$$eval("#findings tbody tr[data-code]", (rows) =>
    rows.map((r) => {
      const c = [...(r as HTMLTableRowElement).cells].map((td) => td.textContent ?? "");
      return { effect: c[0]!, code: c[1]!, seq: c[2]!, line: c[3]!, pointer: c[4]!, message: c[5]! };
    }),
  );
  result.signatures = await page.$$eval("#facts dd div.mono", (ds) => ds.map((d) => d.textContent ?? ""));
  return result;
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

export interface CliReport {
  verdict: string;
  identity?: string;
  findings: { code: string; effect: string; message: string; seq?: number; pointer?: string; line?: number }[];
  signatures: { index: number; kid?: string; status: string; source?: string }[];
}

/** `imladri proof verify <bundle> --key ... --json`, run in the bundle's folder so sources are bare names. */
export function cliVerify(bundle: string, keys: string[] = [], options: VerifyOptions = {}): { code: number; report?: CliReport; stderr: string } {
  const dir = path.dirname(bundle);
  const args = ["proof", "verify", path.basename(bundle), "--json"];
  for (const k of keys) {
    const name = path.basename(k);
    if (path.resolve(dir, name) !== path.resolve(k)) throw new Error(`key ${k} must sit beside the bundle`);
    args.push(isKeyring(k) ? "--keyring" : "--key", name);
  }
  if (options.minSignatures !== undefined) args.push("--min-signatures", String(options.minSignatures));
  for (const r of options.require ?? []) args.push("--require", r);
  if (options.root !== undefined) args.push("--root", options.root);
  const r = imladri(args, { cwd: dir });
  return { code: r.code, stderr: r.stderr, ...(r.stdout ? { report: JSON.parse(r.stdout) as CliReport } : {}) };
}

function isKeyring(file: string): boolean {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8"));
    return typeof v === "object" && v !== null && !("kty" in v) && "log" in v;
  } catch {
    return false;
  }
}

/** The CLI's findings in the page's table form. */
export function asPageFindings(report: CliReport): PageFinding[] {
  return report.findings.map((f) => ({
    effect: f.effect,
    code: f.code,
    seq: f.seq !== undefined ? String(f.seq) : "",
    line: f.line !== undefined ? String(f.line) : "",
    pointer: f.pointer ?? "",
    message: f.message,
  }));
}

/** The CLI's signatures in the page's list form. */
export function asPageSignatures(report: CliReport): string[] {
  return report.signatures.map((s) => `#${s.index} ${s.status}${s.kid ? ` · key ${s.kid}` : ""}${s.source ? ` · from ${s.source}` : ""}`);
}

/** The page and the CLI gave the same verdict, identity, findings and signatures. */
export function expectAgreement(page: PageResult, cli: { code: number; report?: CliReport; stderr: string }): void {
  expect(cli.report, `the CLI gave no report: ${cli.stderr}`).toBeDefined();
  const report = cli.report!;
  expect(page.state, page.notes.join("\n")).toBe("done");
  expect(page.verdict).toBe(report.verdict);
  expect(cli.code).toBe({ verified: 0, invalid: 1, insufficient_evidence: 2 }[report.verdict]);
  expect(page.identity).toBe(report.identity ?? "none: the bundle has no well-formed statement");
  expect(page.findings).toEqual(asPageFindings(report));
  expect(page.signatures).toEqual(asPageSignatures(report));
}

export function writeScreenshotPath(name: string): string {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  return path.join(OUTPUT_DIR, name);
}
