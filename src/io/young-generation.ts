/**
 * V8's young generation held at two semi-spaces of 4 MB (issue 14: peak RSS under 150 MB for every
 * command at a million events; docs/performance.md "Issue 14, third round").
 *
 * V8 doubles its young generation each time enough objects have survived its collections, up to
 * two semi-spaces of 16 MB (33.6 MB), and every long streaming run gets there: each record's
 * objects are alive when a collection runs. The cap can be set only as Node starts
 * (`--max-semi-space-size`), but the growth factor is read each time the space would grow: set to
 * 1, it stops the growth where it is. Measured on a 100k-event redact, peak RSS and user CPU:
 * V8's default 120 MB, 26 s; 4 MB semi-spaces 96 MB, 20–26 s; 2 MB 93 MB, 30 s; 1 MB 92 MB, 33 s
 * (more collections, each finding the current record's objects alive). So the readers
 * (src/io/lines.ts, src/io/parallel-verify.ts) look once per 1 MB chunk, and the growth stops once
 * the space has reached 8 MB. V8 puts the factor back to its minimum when it makes an isolate, so
 * the verify worker pool puts it back again as each worker comes online. Only on V8 11 to 13
 * (Node 20 to 24), the versions known to have the flag: an unknown flag would print an error line.
 * Only when the command line enables it (`enable`): the flag is the process's.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

const FIRST_V8 = 11;
const LAST_V8 = 13;
const FLAG = "--semi-space-growth-factor=1";
/** The young generation's size (both semi-spaces) at which its growth is stopped. */
export const HOLD_AT_BYTES = 8 * 1024 * 1024;

export interface HeapAccess {
  newSpaceBytes(): number;
  setFlags(flags: string): void;
}

const v8Heap: HeapAccess = {
  newSpaceBytes: () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0,
  setFlags: (flags) => setFlagsFromString(flags),
};

export class YoungGenerationHold {
  private enabled = false;
  private held = false;
  private readonly known: boolean;

  constructor(
    v8Version: string = process.versions.v8,
    private readonly heap: HeapAccess = v8Heap,
  ) {
    const major = Number(v8Version.split(".")[0]);
    this.known = Number.isInteger(major) && major >= FIRST_V8 && major <= LAST_V8;
  }

  /**
   * Lets `watch` act: only the installed command does (bin/imladri.js), as the owner of its process.
   * V8's flags are the process's: a program that uses these readers as a library (the test suite
   * does) keeps its own, and a changed flag would also make V8 refuse a code cache made without it.
   */
  enable(): void {
    this.enabled = true;
  }

  /** Called as input is read: stops the growth once the young generation has reached HOLD_AT_BYTES. */
  watch(): void {
    if (this.held || !this.enabled || !this.known) return;
    if (this.heap.newSpaceBytes() < HOLD_AT_BYTES) return;
    this.heap.setFlags(FLAG);
    this.held = true;
  }

  /** Called once a new isolate is running (a worker thread): V8 put the factor back as it made it. */
  restore(): void {
    if (this.held) this.heap.setFlags(FLAG);
  }
}

/** The process's one hold (V8's flags are per process). */
export const youngGeneration = new YoungGenerationHold();
