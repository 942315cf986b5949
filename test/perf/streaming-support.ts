/**
 * What the streaming tests share (test/perf/streaming.test.ts, the 50,000-event bundle, and
 * test/perf/streaming-redact.test.ts, the tests with data of their own; split in two so that
 * they run on two workers at once: issue 13).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { readBundleBytes } from "../../src/core/bundle/read.js";
import { serializeBundle, type BundleFormat } from "../../src/core/bundle/serialize.js";
import type { BundleHeader, EventRecord } from "../../src/core/bundle/types.js";
import { TrustStore } from "../../src/core/jws/trust.js";
import { Verifier, type VerificationReport } from "../../src/core/verify/verifier.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { loadPublicKeyFile } from "../../src/cli/key-files.js";
import { BIN, imladri, withoutSigningKey } from "../support/cli.js";

/** Each 50k-event verify takes seconds to a minute depending on the machine's load. */
export const SLOW = 600_000;

/** The in-memory path: the whole file as bytes, through the core reader, into a Verifier. */
export function inMemoryVerify(pub: string, bytes: Uint8Array): VerificationReport {
  const trust = new TrustStore();
  trust.add({ key: loadPublicKeyFile(nodeCrypto, pub).key, status: "active", source: pub });
  const verifier = new Verifier({ crypto: nodeCrypto, trust });
  readBundleBytes(bytes, verifier);
  return verifier.result();
}

export function serialized(header: BundleHeader, records: EventRecord[], format: BundleFormat): Buffer {
  return Buffer.concat([...serializeBundle(header, records, format)].map((c) => Buffer.from(c, "utf8")));
}

export const entries = (d: string) => fs.readdirSync(d).sort();

/** The CLI on large files: test/support's imladri(), with room for a loaded machine. */
export function slowCli(dir: string, args: string[]): { code: number; stdout: string; stderr: string } {
  return imladri(args, { cwd: dir, timeoutMs: SLOW });
}

// `script` (util-linux) runs a command on a pseudo-terminal, where stderr is a TTY.
export const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

/** The CLI on a pseudo-terminal: stdout and stderr both land in `out`. */
export function ttyCli(dir: string, args: string[]): { code: number | null; out: string } {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: dir, encoding: "utf8", env: withoutSigningKey({ ...process.env, NO_COLOR: "1" }), timeout: 300_000, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout };
}

