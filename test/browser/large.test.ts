/**
 * A 50,000-event share verifies in the page without freezing it (issue 7): verification runs in
 * the worker, the progress bar moves through intermediate values, and the main thread keeps
 * running its own tasks the whole time. Nothing here measures time: the checks count what the
 * main thread managed to do while the worker verified.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { DEMO_EVENTS, demoKey, imladri, tempDir } from "../support/cli.js";
import { buildPage, cspViolations, launchBrowser, type Browser } from "./support.js";

const EVENTS = 50_000;

let browser: Browser;
let dir: string;
let pageFile: string;
let share: string;
let pub: string;
let identity: string;

beforeAll(async () => {
  dir = tempDir("imladri-page-large-");
  pageFile = buildPage(dir);
  const key = demoKey(dir);
  pub = key.pub;
  // The demo events, repeated with fresh ids and times: a realistic mix of every event type.
  const demo = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  const start = Date.parse("2026-11-20T09:00:00.000Z");
  const out = fs.openSync(path.join(dir, "events.jsonl"), "w");
  for (let i = 0; i < EVENTS; i++) {
    const e = structuredClone(demo[i % demo.length]);
    e.id = `evt-${i}`;
    e.ts = new Date(start + i * 1000).toISOString();
    fs.writeSync(out, JSON.stringify(e) + "\n");
  }
  fs.closeSync(out);
  const exported = imladri(["proof", "export", "--log", "events.jsonl", "--key-file", key.priv, "--out", "proof.jsonl"], { cwd: dir });
  expect(exported.code, exported.stderr).toBe(0);
  identity = /identity\s+(sha256:[0-9a-f]{64})/.exec(exported.stdout)![1]!;
  const redacted = imladri(["proof", "redact", "proof.jsonl", "--policy", "auditor", "--out", "share.jsonl"], { cwd: dir });
  expect(redacted.code, redacted.stderr).toBe(0);
  share = path.join(dir, "share.jsonl");
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

describe(`a ${EVENTS.toLocaleString("en-US")}-event share in the verifier page`, () => {
  it("verifies in the worker while the page keeps running and the progress bar moves", async () => {
    const page = await browser.ctx.newPage();
    const pageUrl = pathToFileURL(pageFile).href;
    await page.goto(pageUrl);
    // Main-thread probes: a chain of tasks that notes the progress value at each of its turns while
    // the state is "verifying", and a record of every value the progress bar took.
    await page.evaluate(() => {
      const w = window as unknown as { __turnsAt: number[]; __progress: number[] };
      w.__turnsAt = [];
      w.__progress = [];
      const bar = document.getElementById("progress") as HTMLProgressElement;
      const turn = () => {
        if (document.body.dataset.state === "verifying" && bar.hasAttribute("value")) w.__turnsAt.push(bar.value);
        if (document.body.dataset.state !== "done") setTimeout(turn, 0);
      };
      turn();
      new MutationObserver(() => {
        if (bar.hasAttribute("value")) w.__progress.push(bar.value);
      }).observe(bar, { attributes: true, attributeFilter: ["value"] });
    });
    await page.setInputFiles("#keys-input", pub);
    await page.setInputFiles("#bundle-input", share);
    await page.waitForSelector("body[data-state=done], body[data-state=failed], body[data-state=refused]", { timeout: 590_000 });
    expect(await page.getAttribute("body", "data-state")).toBe("done");
    expect(await page.getAttribute("#verdict", "data-verdict")).toBe("verified");
    expect(await page.textContent("#identity")).toBe(identity);
    expect(await page.textContent("#facts")).toContain(`${EVENTS.toLocaleString("en-US")} events (share bundle, JSON Lines)`);

    const probe = await page.evaluate(() => {
      const w = window as unknown as { __turnsAt: number[]; __progress: number[] };
      return { turnsAt: w.__turnsAt, progress: w.__progress };
    });
    // The main thread ran its own tasks at many points of the verification, not only before and
    // after it: it was never frozen (verifying on the main thread would leave no turn between).
    expect(new Set(probe.turnsAt.filter((v) => v > 0 && v < EVENTS)).size).toBeGreaterThan(10);
    // The bar moved through intermediate values, in order, up to the end.
    const intermediate = probe.progress.filter((v) => v > 0 && v < EVENTS);
    expect(intermediate.length).toBeGreaterThan(10);
    expect([...probe.progress].sort((a, b) => a - b)).toEqual(probe.progress);
    expect(probe.progress.at(-1)).toBe(EVENTS);

    // The timeline pages through the records the worker holds.
    expect(await page.textContent("#page-label")).toBe(`seq 0–99 of ${EVENTS.toLocaleString("en-US")}`);
    await page.click("#page-next");
    await page.waitForSelector('#timeline tr[data-seq="100"]');
    await page.fill("#page-goto", String(EVENTS - 1));
    await page.press("#page-goto", "Enter");
    await page.waitForSelector(`#timeline tr[data-seq="${EVENTS - 1}"]`);
    expect(await page.textContent("#page-label")).toBe(`seq ${(EVENTS - 100).toLocaleString("en-US")}–${(EVENTS - 1).toLocaleString("en-US")} of ${EVENTS.toLocaleString("en-US")}`);

    expect(browser.requests.filter((u) => u !== pageUrl && !u.startsWith("blob:null/"))).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  }, 600_000);
});
