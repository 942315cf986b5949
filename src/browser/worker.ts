/**
 * The verifier page's Web Worker: verification runs here, off the main thread, so the page stays
 * responsive and draws a progress bar while a large share is checked. scripts/build-page.mjs
 * bundles this file with the pure core and @noble crypto (never node:crypto) and inlines it in the
 * page, which starts it from a Blob URL so it works from file://.
 */
import { nobleCrypto } from "../core/crypto/noble.js";
import { REDACTED } from "../core/inspect/summary.js";
import { runJob, type JobOutcome } from "./job.js";
import type { ToPage, ToWorker } from "./protocol.js";
import type { TimelineCollector } from "./timeline.js";

/** The part of a dedicated worker's global scope used here (the project's types load the DOM lib). */
interface WorkerScope {
  postMessage(message: ToPage): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
let timeline: TimelineCollector | undefined;

scope.onmessage = (event) => {
  const msg = event.data;
  try {
    if (msg.type === "verify") {
      timeline = undefined;
      const outcome: JobOutcome = runJob(
        nobleCrypto,
        {
          bundle: { name: msg.bundle.name, bytes: new Uint8Array(msg.bundle.bytes) },
          keys: msg.keys.map((k) => ({ name: k.name, bytes: new Uint8Array(k.bytes) })),
          minSignatures: msg.minSignatures,
          require: msg.require,
          ...(msg.root !== undefined ? { root: msg.root } : {}),
        },
        (phase, done, total) => scope.postMessage(total === undefined ? { type: "progress", phase, done } : { type: "progress", phase, done, total }),
      );
      if (outcome.kind === "refused") {
        scope.postMessage({ type: "refused", notes: outcome.notes });
        return;
      }
      timeline = outcome.timeline;
      scope.postMessage({ type: "result", report: outcome.report, summary: outcome.summary, notes: outcome.notes, rows: timeline.length, redactedLabel: REDACTED });
    } else if (msg.type === "rows") {
      scope.postMessage({ type: "rows", offset: msg.offset, rows: timeline ? timeline.rows(msg.offset, msg.limit) : [] });
    }
  } catch (e) {
    // A bug or an exhausted browser, never a verdict: the page shows it and gives none.
    scope.postMessage({ type: "failure", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
};
