/**
 * The entry point of a `proof verify` worker thread (src/io/parallel-verify.ts starts it as
 * `new URL("./verify-worker.js", import.meta.url)`, so it must stay a module of its own beside
 * parallel-verify.js, or an entry point of its own in a bundled build). It answers each batch of
 * record lines with their outcomes (src/io/verify-batch.ts). It keeps no state between batches,
 * and lets any error escape: the main thread treats a worker that fails as a failed run, never as
 * a verdict.
 */
import { parentPort, workerData } from "node:worker_threads";
import { nodeCrypto } from "../platform/node-crypto.js";
import { examineBatch, replyTransferList, type BatchRequest, type WorkerInit } from "./verify-batch.js";

const port = parentPort;
if (port === null) throw new Error("verify-worker.js runs only as a worker thread");
const { needs } = workerData as WorkerInit;

port.on("message", (req: BatchRequest) => {
  const reply = examineBatch(nodeCrypto, req, needs);
  port.postMessage(reply, replyTransferList(reply));
});
