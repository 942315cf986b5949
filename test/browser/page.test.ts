/**
 * The verifier page in a real browser (issue 7): opened from file://, given each fixture, it must
 * give the verdict, identity, findings and signatures `imladri proof verify --json` gives, without
 * a single network request; show a share's redacted fields and elided events as such; keep a
 * private key's secret off the page; and put bundle text on the page as text, never as markup.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri, tempDir } from "../support/cli.js";
import { makeCases, makeDemoFiles } from "./fixtures.js";
import {
  buildPage,
  cliVerify,
  cspViolations,
  expectAgreement,
  launchBrowser,
  verifyInPage,
  writeScreenshotPath,
  type Browser,
  type PageResult,
} from "./support.js";

const FIXTURES_DIR = path.join(FIXTURES, "bundles");

// The fixtures are made with the real CLI before the tests are listed, so each case is its own test.
const dir = tempDir("imladri-page-");
const demo = makeDemoFiles(dir);
const cases = makeCases(demo);
const pageFile = buildPage(dir);
const pageUrl = pathToFileURL(pageFile).href;

let browser: Browser;
let opened: PageResult[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

// Every test: the browser requested nothing but the page file and the worker's blob: URL (the
// inlined worker code, created by the page itself), and the page's CSP had nothing to block.
let seen = 0;
afterEach(async () => {
  const requested = browser.requests.slice(seen);
  seen = browser.requests.length;
  expect(requested.filter((u) => u !== pageUrl && !u.startsWith("blob:null/"))).toEqual([]);
  for (const r of opened) {
    expect(await cspViolations(r.page)).toEqual([]);
    expect(r.console.filter((l) => /^(error|pageerror|worker error)/.test(l))).toEqual([]);
    await r.page.close();
  }
  opened = [];
});

async function open(bundle: string, keys: string[] = [], options = {}): Promise<PageResult> {
  const r = await verifyInPage(browser, pageFile, bundle, keys, options);
  opened.push(r);
  return r;
}

describe("the verifier page agrees with proof verify", () => {
  it("has cases for bundles, shares and tampered copies in both forms", () => {
    expect(cases.filter((c) => c.expect === "verified").length).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => c.expect === "invalid").length).toBeGreaterThanOrEqual(10);
    expect(cases.some((c) => c.bundle.endsWith(".jsonl") && c.expect === "invalid")).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const cli = cliVerify(c.bundle, c.keys, c.options);
    const page = await open(c.bundle, c.keys, c.options);
    expectAgreement(page, cli);
    if (c.expect) expect(page.verdict).toBe(c.expect);
  }, 120_000);
});

describe("the verifier page", () => {
  it("is one file from file:// that loads nothing, with a CSP that allows no network access", async () => {
    const r = await open(demo.bundle, [demo.pub]);
    const csp = await r.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
    expect(csp).toMatch(/^default-src 'none'; /);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(await r.page.$$eval("[src], [href], link, iframe, object, embed", (els) => els.length)).toBe(0);
    expect((await r.page.$$eval("script", (s) => s.length))).toBe(1);
  }, 60_000);

  it("verifies in a Web Worker started from a blob: URL", async () => {
    const page = await browser.ctx.newPage();
    const workers: string[] = [];
    page.on("worker", (w) => workers.push(w.url()));
    await page.goto(pageUrl);
    await page.setInputFiles("#keys-input", demo.pub);
    await page.setInputFiles("#bundle-input", demo.bundle);
    await page.waitForSelector("body[data-state=done]");
    expect(workers.length).toBe(1);
    expect(workers[0]).toMatch(/^blob:null\//);
    await page.close();
  }, 60_000);

  it("its CSP refuses a request a page script attempts (the watch on requests works)", async () => {
    const page = await browser.ctx.newPage();
    await page.goto(pageUrl);
    const outcome = await page.evaluate(async () => {
      try {
        await fetch("http://127.0.0.1:9/exfiltrate");
        return "sent";
      } catch {
        return "refused";
      }
    });
    expect(outcome).toBe("refused");
    expect((await cspViolations(page)).join("\n")).toMatch(/connect-src http:\/\/127\.0\.0\.1:9\/exfiltrate/);
    expect(browser.requests.filter((u) => u.startsWith("http"))).toEqual([]);
    await page.close();
  }, 60_000);

  it("says what an excerpt and a checkpoint show (DESIGN §12), with the excerpt's rows at their own seqs", async () => {
    const excerptFile = path.join(FIXTURES_DIR, "demo-v2-excerpt.json");
    const ex = await open(excerptFile, [demo.pub]);
    expect(ex.verdict).toBe("verified");
    expect(await ex.page.textContent("#partial-view")).toContain("3 of 14 events shown (seq 2, 6, 11); the rest are not in this file");
    expect(await ex.page.$$eval("#timeline tr[data-seq]", (rows) => rows.map((row) => (row as HTMLElement).dataset.seq))).toEqual(["2", "6", "11"]);
    const cp = await open(path.join(FIXTURES_DIR, "demo-v2-checkpoint.json"), [demo.pub]);
    expect(cp.verdict).toBe("verified");
    expect(await cp.page.textContent("#partial-view")).toContain("consistency proof from 8 events verified");
  });

  it("shows a share's redacted fields and elided events as such", async () => {
    const share = JSON.parse(fs.readFileSync(demo.share, "utf8"));
    const elided = share.events.filter((r: any) => "digest" in r).map((r: any) => String(r.seq));
    const partial = share.events.find((r: any) => "redacted" in r && Object.keys(r.redacted).length > 1);
    expect(elided.length).toBeGreaterThan(0);
    expect(partial).toBeDefined();

    const r = await open(demo.share, [demo.pub]);
    expect(r.verdict).toBe("verified");
    const hidden = await r.page.textContent("#facts");
    expect(hidden).toContain(`${elided.length} of ${share.events.length} events elided`);
    // Elided events are rows of their own, marked and with their digest.
    expect(await r.page.$$eval('#timeline tr[data-form="elided"]', (rows) => rows.map((row) => (row as HTMLElement).dataset.seq))).toEqual(elided);
    const elidedText = await r.page.textContent(`#timeline tr[data-seq="${elided[0]}"]`);
    expect(elidedText).toContain("elided");
    expect(elidedText).toContain(share.events[Number(elided[0])].digest);
    // A partial event: its tag counts the redacted fields, and its details show each as [redacted].
    const row = `#timeline tr[data-seq="${partial.seq}"]`;
    expect(await r.page.textContent(`${row} .tag-redacted`)).toBe(`${Object.keys(partial.redacted).length} redacted`);
    await r.page.click(`${row} details summary`);
    // The details are drawn on their "toggle" event, which the browser fires in a task after the click.
    await r.page.waitForSelector(`${row} pre.json`);
    const marks = await r.page.$$eval(`${row} pre.json .redacted`, (spans) => spans.map((s) => s.textContent));
    expect(marks).toEqual(Object.keys(partial.redacted).map(() => "[redacted]"));
    // The disclosed values are there as the share has them.
    expect(await r.page.textContent(`${row} pre.json`)).toContain(JSON.stringify(partial.event.ts));
    await r.page.screenshot({ path: writeScreenshotPath("verifier-page-verified-share.png"), fullPage: true });
  }, 60_000);

  it("shows an invalid bundle's findings with seq and pointer, and marks the event", async () => {
    const bad = cases.find((c) => c.name === "tampered: a record's seq")!;
    const r = await open(bad.bundle, bad.keys);
    expect(r.verdict).toBe("invalid");
    expect(await r.page.textContent("#verdict-word")).toBe("invalid");
    const located = r.findings.filter((f) => f.effect === "invalid" && f.seq === "3");
    expect(located.length).toBeGreaterThan(0);
    expect(located[0]!.pointer).toMatch(/^\/events\/3/);
    expect(await r.page.getAttribute('#timeline tr[data-seq="3"]', "class")).toContain("row-invalid");
    await r.page.screenshot({ path: writeScreenshotPath("verifier-page-invalid-bundle.png"), fullPage: true });
  }, 60_000);

  it("uses only a private key's public part, warns as the CLI does, and never shows its secret", async () => {
    const d = JSON.parse(fs.readFileSync(demo.priv, "utf8")).d as string;
    const cli = cliVerify(demo.bundle, [demo.priv]);
    const r = await open(demo.bundle, [demo.priv]);
    expectAgreement(r, cli);
    expect(r.verdict).toBe("verified");
    expect(r.notes).toEqual([`${path.basename(demo.priv)}: holds a private key; only its public part is used. Give verifiers the public JWK instead.`]);
    expect(cli.stderr).toContain(r.notes[0]!.replace(": holds", " holds"));
    expect(await r.page.content()).not.toContain(d);
    expect(await r.page.evaluate(() => document.body.innerText)).not.toContain(d);
  }, 60_000);

  it("refuses a file that is not a usable key, in the CLI's words, and gives no verdict", async () => {
    const notKey = path.join(dir, "rsa.jwk");
    fs.writeFileSync(notKey, JSON.stringify({ kty: "RSA", n: "AQAB", e: "AQAB" }));
    const cli = cliVerify(demo.bundle, [notKey]);
    expect(cli.code).toBe(65);
    const r = await open(demo.bundle, [notKey]);
    expect(r.state).toBe("refused");
    expect(await r.page.isVisible("#result")).toBe(false);
    expect(r.notes).toEqual(['rsa.jwk: expected "kty":"OKP" (an Ed25519 key), got "RSA"']);
    expect(cli.stderr).toContain(r.notes[0]);
  }, 60_000);

  it("puts event text on the page as text, never as markup", async () => {
    const sub = tempDir("imladri-page-xss-");
    const key = demoKey(sub);
    const pub = path.join(sub, "demo-signer.pub.jwk");
    fs.copyFileSync(key.pub, pub);
    const lines = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n");
    const evil = JSON.parse(lines[2]!);
    const payload = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    evil.decision.reason = payload;
    lines[2] = JSON.stringify(evil);
    fs.writeFileSync(path.join(sub, "events.jsonl"), lines.join("\n") + "\n");
    const e = imladri(["proof", "export", "--log", "events.jsonl", "--key-file", key.priv, "--out", "evil.json"], { cwd: sub });
    expect(e.code, e.stderr).toBe(0);
    const r = await open(path.join(sub, "evil.json"), [pub]);
    expect(r.verdict).toBe("verified");
    expect(await r.page.$$eval("img, script", (els) => els.length)).toBe(1);
    expect(await r.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await r.page.textContent('#timeline tr[data-seq="2"]')).toContain(payload);
  }, 60_000);

  it("takes files dropped on its two zones", async () => {
    const page = await browser.ctx.newPage();
    await page.goto(pageUrl);
    const drop = async (zone: string, file: string) => {
      const data = await page.evaluateHandle(
        ([name, content]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([content], name));
          return dt;
        },
        [path.basename(file), fs.readFileSync(file, "utf8")] as const,
      );
      await page.dispatchEvent(zone, "drop", { dataTransfer: data });
    };
    await drop("#keys-drop", demo.pub);
    expect(await page.textContent("#key-list")).toContain("demo-signer.pub.jwk");
    await drop("#bundle-drop", demo.shareJsonl);
    await page.waitForSelector("body[data-state=done]");
    expect(await page.getAttribute("#verdict", "data-verdict")).toBe("verified");
    expect(await page.textContent("#bundle-name")).toContain("share.jsonl");
    expect(page.url()).toBe(pageUrl);
    await page.close();
  }, 60_000);

  it("starts again when the keys change, and the last run's verdict is the one shown", async () => {
    const r = await open(demo.bundle);
    expect(r.verdict).toBe("insufficient_evidence");
    await r.page.setInputFiles("#keys-input", demo.pub);
    await r.page.waitForSelector('#verdict[data-verdict="verified"]');
    expect(await r.page.getAttribute("body", "data-state")).toBe("done");
    await r.page.click("#key-list button");
    await r.page.waitForSelector('#verdict[data-verdict="insufficient_evidence"]');
  }, 60_000);
});
