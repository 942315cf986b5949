/**
 * Runs the real `imladri` command (bin/imladri.js over the built dist/) the way a user does.
 * `npm test` builds first, so dist/ is current.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = path.join(REPO, "bin/imladri.js");
export const FIXTURES = path.join(REPO, "fixtures");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function imladri(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): RunResult {
  const env: Record<string, string | undefined> = { ...withoutSigningKey(process.env), NO_COLOR: "1", ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env: env as NodeJS.ProcessEnv,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    // Room for the large bundles the perf tests write to stdout.
    maxBuffer: 1 << 26,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export { tempDir } from "./temp.js";

/** A child's environment without the signing key a developer may have exported. */
export function withoutSigningKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.IMLADRI_SIGNING_KEY;
  return out;
}

/** The demo signing key copied into `dir` with mode 0600 (git does not keep file modes). */
export function demoKey(dir: string): { priv: string; pub: string; d: string } {
  const priv = path.join(dir, "signer.jwk");
  fs.copyFileSync(path.join(FIXTURES, "keys/demo-signer.jwk"), priv);
  fs.chmodSync(priv, 0o600);
  const d = JSON.parse(fs.readFileSync(priv, "utf8")).d as string;
  return { priv, pub: path.join(FIXTURES, "keys/demo-signer.pub.jwk"), d };
}

export const DEMO_EVENTS = path.join(FIXTURES, "events/examples.jsonl");
