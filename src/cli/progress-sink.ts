/**
 * A bundle sink that counts records on a progress line (src/cli/progress.ts) before handing each
 * on: what inspect and redact read through. The statement's length is the expected total.
 */
import type { BundleSink } from "../core/bundle/read.js";
import { isJsonObject } from "../core/json/value.js";
import type { Progress } from "./progress.js";

export function withProgress(sink: BundleSink, progress: Progress): BundleSink {
  return {
    header: (h, form) => {
      const length = isJsonObject(h.statement) ? h.statement.length : undefined;
      if (typeof length === "number") progress.setTotal(length);
      sink.header(h, form);
    },
    record: (r, i, line) => {
      progress.tick();
      sink.record(r, i, line);
    },
    problem: (f) => sink.problem(f),
    end: () => sink.end(),
  };
}
