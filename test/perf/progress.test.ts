/**
 * The progress line (issue 6, src/cli/progress.ts): only on a terminal, never in --json mode,
 * never before the run has lasted the delay, and cleared when done. A fake stream and clock make
 * each case exact; the CLI-level checks (a real pseudo-terminal) are in streaming.test.ts.
 */
import { describe, expect, it } from "vitest";
import { startProgress } from "../../src/cli/progress.js";

function fakeTerminal(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (s: string) => writes.push(s) };
}

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("startProgress", () => {
  it("draws nothing during the first second, then the count, the rate and a bar once the total is known", () => {
    const stream = fakeTerminal(true);
    const c = clock();
    const p = startProgress("verify", false, { stream, now: c.now });
    p.setTotal(10_000);
    c.advance(900);
    p.tick(1_000);
    expect(stream.writes).toEqual([]);
    c.advance(1_100); // 2 s in, 2,000 done
    p.tick(1_000);
    expect(stream.writes).toEqual(["\rverify  [####................]  20%  2,000 / 10,000 events  1,000 events/s\x1b[K"]);
    p.finish();
    expect(stream.writes.at(-1)).toBe("\r\x1b[K");
  });

  it("without a total shows the count and the rate only", () => {
    const stream = fakeTerminal(true);
    const c = clock();
    const p = startProgress("export", false, { stream, now: c.now, delayMs: 0 });
    c.advance(500);
    p.tick(5_000);
    expect(stream.writes).toEqual(["\rexport  5,000 events  10,000 events/s\x1b[K"]);
  });

  it("redraws at most five times a second", () => {
    const stream = fakeTerminal(true);
    const c = clock();
    const p = startProgress("verify", false, { stream, now: c.now, delayMs: 0 });
    for (let i = 0; i < 100; i++) {
      c.advance(10); // one second in all
      p.tick(256);
    }
    expect(stream.writes.length).toBeGreaterThanOrEqual(4);
    expect(stream.writes.length).toBeLessThanOrEqual(6);
  });

  it.each([
    ["in --json mode, on a terminal", true, true],
    ["when the stream is not a terminal", false, false],
  ])("never draws %s, however long the run", (_case, json, isTTY) => {
    const stream = fakeTerminal(isTTY);
    const c = clock();
    const p = startProgress("verify", json, { stream, now: c.now, delayMs: 0 });
    p.setTotal(1_000);
    for (let i = 0; i < 50; i++) {
      c.advance(1_000);
      p.tick(1_000);
    }
    p.finish();
    expect(stream.writes).toEqual([]);
  });

  it("never draws again once finished, and a line that was never drawn is not cleared", () => {
    const stream = fakeTerminal(true);
    const c = clock();
    const p = startProgress("verify", false, { stream, now: c.now });
    p.tick(10);
    p.finish();
    c.advance(10_000);
    p.tick(100_000);
    p.finish();
    expect(stream.writes).toEqual([]);
  });

  it("fits the terminal's width", () => {
    const stream = fakeTerminal(true, 30);
    const c = clock();
    const p = startProgress("verify", false, { stream, now: c.now, delayMs: 0, total: 1_000_000 });
    c.advance(1_000);
    p.tick(500_000);
    const line = stream.writes[0]!.replace("\r", "").replace("\x1b[K", "");
    expect(line.length).toBeLessThan(30);
    expect(line.startsWith("verify  [")).toBe(true);
  });
});
