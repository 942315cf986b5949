/**
 * The readers hold V8's young generation at two semi-spaces of 4 MB (src/io/young-generation.ts;
 * issue 14: peak RSS under 150 MB for every command at a million events). Measured on the built
 * command line as a user runs it (test/support/bounded.ts), against the same run with the hold
 * turned off: V8 grows the young generation past 8 MB there.
 */
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeEventLog } from "../../fixtures/generate-events.mjs";
import { demoKey, tempDir } from "../support/cli.js";
import { imladriBounded } from "../support/bounded.js";
import { HOLD_AT_BYTES, YoungGenerationHold, type HeapAccess } from "../../src/io/young-generation.js";

/** The young generation at the end of `imladri args` (bytes), and how often its growth was set. */
function youngGenerationAfter(how: "held" | "unheld", args: string[]): { bytes: number; sets: number } {
  const r = imladriBounded(args, { unheldYoungGeneration: how === "unheld", timeoutMs: 180_000 });
  expect(r.code, r.stderr).toBe(0);
  return { bytes: r.youngBytes, sets: r.growthSets };
}

describe("the young generation is held at 8 MB", () => {
  let dir: string;
  let log: string;
  let bundle: string;
  let key: ReturnType<typeof demoKey>;
  beforeAll(() => {
    dir = tempDir();
    log = path.join(dir, "events.jsonl");
    bundle = path.join(dir, "bundle.jsonl");
    // About 24 MB: V8's default grows the young generation past 8 MB on a run of this size.
    writeEventLog(log, 20_000, 3);
    key = demoKey(dir);
  });

  it("through an export, where the same run without the hold grows it past 8 MB", () => {
    const args = ["proof", "export", "--log", log, "--key-file", key.priv, "--out", bundle, "--force"];
    const held = youngGenerationAfter("held", args);
    const unheld = youngGenerationAfter("unheld", args);
    expect(held.sets).toBe(1);
    expect(held.bytes).toBeLessThanOrEqual(HOLD_AT_BYTES);
    expect(unheld.bytes).toBeGreaterThan(HOLD_AT_BYTES);
  }, 120_000);

  it("through a verify in one thread, and in the main thread of a verify on a worker (which examines batches too)", () => {
    for (const threads of ["1", "2"]) {
      const args = ["proof", "verify", bundle, "--key", key.pub, "--threads", threads];
      const held = youngGenerationAfter("held", args);
      expect(held.sets, `--threads ${threads}`).toBeGreaterThanOrEqual(1);
      expect(held.bytes, `--threads ${threads}`).toBeLessThanOrEqual(HOLD_AT_BYTES);
      expect(youngGenerationAfter("unheld", args).bytes, `--threads ${threads}`).toBeGreaterThan(HOLD_AT_BYTES);
    }
  }, 120_000);
});

describe("YoungGenerationHold", () => {
  function fakeHeap(sizes: number[]): HeapAccess & { set: string[] } {
    const set: string[] = [];
    return { set, newSpaceBytes: () => sizes.shift() ?? 0, setFlags: (f) => void set.push(f) };
  }

  it("stops the growth once, when the space has reached 8 MB, and puts it back after a new isolate only then", () => {
    const heap = fakeHeap([1 << 20, 4 << 20, HOLD_AT_BYTES - 1, HOLD_AT_BYTES]);
    const hold = new YoungGenerationHold("11.3.244.8-node.31", heap);
    hold.enable();
    hold.restore();
    for (let i = 0; i < 3; i++) hold.watch();
    expect(heap.set).toEqual([]);
    hold.watch();
    expect(heap.set).toEqual(["--semi-space-growth-factor=1"]);
    hold.watch();
    expect(heap.set).toHaveLength(1);
    hold.restore();
    expect(heap.set).toEqual(["--semi-space-growth-factor=1", "--semi-space-growth-factor=1"]);
  });

  it("does nothing on a V8 not known to have the flag (an unknown flag prints an error on every run)", () => {
    for (const v of ["10.2.154", "14.0.1", "", "x", "1e1"]) {
      const heap = fakeHeap([64 << 20]);
      const hold = new YoungGenerationHold(v, heap);
      hold.enable();
      hold.watch();
      hold.restore();
      expect(heap.set, v).toEqual([]);
    }
    for (const v of ["11.3.244.8-node.31", "12.4.254", "13.6.233"]) {
      const heap = fakeHeap([64 << 20]);
      const hold = new YoungGenerationHold(v, heap);
      hold.enable();
      hold.watch();
      expect(heap.set, v).toHaveLength(1);
    }
    // The Node this suite runs on is one of them: the tests above measure the hold, not its absence.
    const here = fakeHeap([64 << 20]);
    const hold = new YoungGenerationHold(undefined, here);
    hold.enable();
    hold.watch();
    expect(here.set).toHaveLength(1);
  });

  it("does nothing until the command line enables it: a program using the readers as a library keeps its V8 flags (and its code caches)", () => {
    const heap = fakeHeap([64 << 20, 64 << 20]);
    const hold = new YoungGenerationHold("11.3.244.8-node.31", heap);
    hold.watch();
    hold.restore();
    expect(heap.set).toEqual([]);
    hold.enable();
    hold.watch();
    expect(heap.set).toHaveLength(1);
  });
});
