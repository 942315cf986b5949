/**
 * What a person reads from `proof inspect` (issue 11), through the built CLI:
 * - the hidden-values line counts the events that lost a field, not the partial records (bug 5),
 *   in inspect, verify and redact alike;
 * - a large share's lists stop at a screenful, the most important first (blocked actions, then
 *   resources still running before destroyed ones), then "and N more (--json for all)", while
 *   --json carries everything.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEvents } from "../../fixtures/generate-events.mjs";
import { LIST_CAP } from "../../src/core/inspect/lists.js";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri, tempDir } from "../support/cli.js";

const DEMO = path.join(FIXTURES, "bundles/demo.json");
const DEMO_SHARE = path.join(FIXTURES, "bundles/demo-share.json");
const PUB = path.join(FIXTURES, "keys/demo-signer.pub.jwk");

/** Records of a share file with at least one redacted pointer, and all its redacted pointers. */
function redactionCounts(share: string): { events: number; fields: number; partial: number } {
  const records = JSON.parse(fs.readFileSync(share, "utf8")).events as { redacted?: Record<string, string> }[];
  const withRedacted = records.filter((r) => r.redacted !== undefined);
  const fields = withRedacted.map((r) => Object.keys(r.redacted!).length);
  return { events: fields.filter((n) => n > 0).length, fields: fields.reduce((a, b) => a + b, 0), partial: withRedacted.length };
}

describe("the hidden-values line (issue 11, bug 5)", () => {
  it("the demo share: 14 fields redacted in 7 events, every record partial", () => {
    // The fixture itself: 14 partial records, 7 of them with a redacted pointer.
    expect(redactionCounts(DEMO_SHARE)).toEqual({ events: 7, fields: 14, partial: 14 });
    const line = "0 of 14 events elided, 14 fields redacted in 7 events";
    const inspect = imladri(["proof", "inspect", DEMO_SHARE]);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toContain(`hidden      ${line}\n`);
    const verify = imladri(["proof", "verify", DEMO_SHARE, "--key", PUB]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`hidden      ${line}\n`);
    // --json says it too, beside the partial count it used to print.
    expect(JSON.parse(imladri(["proof", "inspect", DEMO_SHARE, "--json"]).stdout)).toMatchObject({ partial: 14, redactedFields: 14, redactedEvents: 7 });
    expect(JSON.parse(imladri(["proof", "verify", DEMO_SHARE, "--key", PUB, "--json"]).stdout).events).toMatchObject({ partial: 14, redactedFields: 14, redactedEvents: 7 });
  });

  it("proof redact counts the events of the share it wrote, elided ones apart", () => {
    const dir = tempDir("imladri-inspect-redact-");
    const out = path.join(dir, "share.json");
    const r = imladri(["proof", "redact", DEMO, "--policy", "auditor", "--elide", "9", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const c = redactionCounts(out);
    expect(c.events).toBeLessThan(c.partial);
    expect(r.stdout).toContain(`hidden    1 of 14 events elided, ${c.fields} fields redacted in ${c.events} events\n`);
    expect(imladri(["proof", "inspect", out]).stdout).toContain(`hidden      1 of 14 events elided, ${c.fields} fields redacted in ${c.events} events\n`);
  });
});

describe("proof inspect of a large share (issue 11, reading large shares)", () => {
  const EVENTS = 2_000;
  let share: string;
  let all: { blocked: { seq: number; tool: string }[]; blockedCount: number; resources: { kind: string; id: string; state: string }[] };
  let human: string[];

  beforeAll(() => {
    const dir = tempDir("imladri-inspect-large-");
    const key = demoKey(dir);
    fs.writeFileSync(path.join(dir, "events.jsonl"), [...generateEvents(EVENTS, 11)].map((e) => JSON.stringify(e) + "\n").join(""));
    const e = imladri(["proof", "export", "--log", "events.jsonl", "--key-file", key.priv, "--out", "proof.jsonl"], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    const r = imladri(["proof", "redact", "proof.jsonl", "--policy", "auditor", "--out", "share.jsonl"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    share = path.join(dir, "share.jsonl");
    const j = imladri(["proof", "inspect", share, "--json"]);
    expect(j.code, j.stderr).toBe(0);
    all = JSON.parse(j.stdout);
    const h = imladri(["proof", "inspect", share]);
    expect(h.code, h.stderr).toBe(0);
    human = h.stdout.trimEnd().split("\n");
  }, 120_000);

  it("has more blocked actions and resources than a screenful, some left running (the case to test)", () => {
    expect(all.blocked.length).toBe(all.blockedCount);
    expect(all.blockedCount).toBeGreaterThan(LIST_CAP * 2);
    expect(all.resources.length).toBeGreaterThan(LIST_CAP * 2);
    expect(all.resources.filter((r) => r.state === "left").length).toBeGreaterThan(0);
  });

  it("prints about a screenful in all", () => {
    expect(human.length).toBeLessThanOrEqual(3 * LIST_CAP + 15);
  });

  it("lists the first blocked actions, then how many more, before the resources", () => {
    const start = human.findIndex((l) => l.startsWith("  blocked "));
    expect(human[start]).toBe(`  blocked     ${all.blockedCount} action(s):`);
    const rows = human.slice(start + 1, start + 1 + LIST_CAP);
    expect(rows.map((l) => /^ {4}seq (\d+) /.exec(l)?.[1])).toEqual(all.blocked.slice(0, LIST_CAP).map((b) => String(b.seq)));
    expect(human[start + 1 + LIST_CAP]).toBe(`    and ${(all.blockedCount - LIST_CAP).toLocaleString("en-US")} more (--json for all)`);
    expect(human.findIndex((l) => l.startsWith("  resources "))).toBe(start + 2 + LIST_CAP);
  });

  it("lists resources still running before destroyed ones, at most a screenful, then how many more", () => {
    const start = human.findIndex((l) => l.startsWith("  resources "));
    const rows = human.slice(start + 1).filter((l) => l.startsWith("    ") && !l.startsWith("    and "));
    expect(rows.length).toBe(LIST_CAP);
    const states = rows.map((l) => (/: left running/.test(l) ? "left" : /: destroy failed/.test(l) ? "failed" : "destroyed"));
    const running = all.resources.filter((r) => r.state === "left" || r.state === "failed");
    const shownRunning = Math.min(running.length, LIST_CAP);
    // Every row still running comes before every destroyed one.
    expect(states.slice(0, shownRunning).every((s) => s !== "destroyed")).toBe(true);
    expect(states.slice(shownRunning).every((s) => s === "destroyed")).toBe(true);
    for (const l of rows.slice(0, shownRunning)) expect(running.some((r) => l.startsWith(`    ${r.kind} ${r.id} `))).toBe(true);
    const more = all.resources.length - LIST_CAP;
    const unshownRunning = running.length - shownRunning;
    expect(human[start + 1 + LIST_CAP]).toBe(`    and ${more.toLocaleString("en-US")} more${unshownRunning ? `, ${unshownRunning} of them still running` : ""} (--json for all)`);
    expect(human[start]).toContain(`${running.filter((r) => r.state === "left").length} left running`);
  });
});

describe("proof inspect of text with control characters (issue 11)", () => {
  it("shows each control and bidi character of the data visibly escaped, never raw", () => {
    const dir = tempDir("imladri-inspect-controls-");
    const key = demoKey(dir);
    const lines = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n");
    const e = JSON.parse(lines[2]!);
    e.decision.reason = "ok\u001b[2J\u001b]0;PWNED\u0007\u001b[32mverified \u009b31m \u202eevil \u2066x\u2069\ttab";
    e.tool.name = "crm.export\u202e";
    lines[2] = JSON.stringify(e);
    fs.writeFileSync(path.join(dir, "events.jsonl"), lines.join("\n") + "\n");
    const x = imladri(["proof", "export", "--log", "events.jsonl", "--key-file", key.priv, "--out", "proof.json"], { cwd: dir });
    expect(x.code, x.stderr).toBe(0);
    const r = imladri(["proof", "inspect", "proof.json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("seq 2  crm.export\\u202e: ok\\u001b[2J\\u001b]0;PWNED\\u0007\\u001b[32mverified \\u009b31m \\u202eevil \\u2066x\\u2069\\u0009tab");
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
