/**
 * A progress line for long runs (issue 6): on a terminal, a run that lasts over a second shows
 * how far it is and how fast it goes, on stderr, so stdout stays the command's result. Never in
 * `--json` mode and never when stderr is not a terminal (CI logs, pipes, files): there the output
 * is exactly what the command prints, nothing more.
 *
 *   verify  [##########..........]  51%  512,000 / 1,000,000 events  9,850 events/s
 *
 * The commands run synchronously, so there is no timer: `tick` reads the clock every few hundred
 * items and redraws at most five times a second.
 */
import { isQuiet } from "./output.js";

export interface ProgressOptions {
  /** What the count is of (default "events"). */
  unit?: string;
  /** The expected count, when known; a bar and a percentage are shown then. */
  total?: number;
  /** Where to draw (default process.stderr); drawing happens only when it is a TTY. */
  stream?: { isTTY?: boolean; columns?: number; write(s: string): unknown };
  /** Milliseconds before the first draw (default 1000): short runs never show a progress line. */
  delayMs?: number;
  /** The clock, in milliseconds (tests pass their own). */
  now?: () => number;
}

export interface Progress {
  /** Counts `n` more items done (default 1). Cheap enough to call per event. */
  tick(n?: number): void;
  /** Sets (or corrects) the expected count once it is known, e.g. from a bundle's statement. */
  setTotal(total: number | undefined): void;
  /** Clears the line; call before printing the result (and on failure). */
  finish(): void;
}

const REDRAW_MS = 200;
/** Items between clock reads. */
const CHECK_EVERY = 256;
const BAR = 20;

const NO_PROGRESS: Progress = { tick() {}, setTotal() {}, finish() {} };

/** A progress line for `label`, or a no-op when `json`, `--quiet` or the stream is not a terminal. */
export function startProgress(label: string, json: boolean, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (json || isQuiet() || !stream.isTTY) return NO_PROGRESS;
  const now = options.now ?? (() => performance.now());
  const unit = options.unit ?? "events";
  const started = now();
  const firstDraw = started + (options.delayMs ?? 1000);
  let total = options.total;
  let done = 0;
  let sinceCheck = 0;
  let nextDraw = firstDraw;
  let drawn = false;

  const draw = (t: number): void => {
    const seconds = (t - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    let line = label;
    if (total !== undefined && total > 0) {
      const f = Math.min(1, done / total);
      const filled = Math.round(f * BAR);
      line += `  [${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${fmt(done)} / ${fmt(total)} ${unit}`;
    } else {
      line += `  ${fmt(done)} ${unit}`;
    }
    line += `  ${fmt(rate)} ${unit}/s`;
    const width = stream.columns ?? 0;
    if (width > 0 && line.length >= width) line = line.slice(0, width - 1);
    // \r and erase-to-end-of-line: the line is redrawn in place.
    stream.write("\r" + line + "\x1b[K");
    drawn = true;
  };

  return {
    tick(n = 1) {
      done += n;
      sinceCheck += n;
      if (sinceCheck < CHECK_EVERY) return;
      sinceCheck = 0;
      const t = now();
      if (t < nextDraw) return;
      nextDraw = t + REDRAW_MS;
      draw(t);
    },
    setTotal(n) {
      total = n;
    },
    finish() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
      // A finished progress never draws again.
      nextDraw = Infinity;
    },
  };
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}
