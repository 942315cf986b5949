/** Small builders shared by the cleanup tests. */
import { tempDir as makeTempDir } from "../support/temp.js";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseJsonBytes } from "../../src/core/json/parse.js";
import type { JsonObject } from "../../src/core/json/value.js";
import { validateEvent } from "../../src/core/schema/validate.js";
import { runCleanup, type CleanupHooks, type CleanupOutcome, type CleanupRequest } from "../../src/cleanup/run.js";
import { toCliError } from "../../src/cli/errors.js";

export const ACTOR = { tenant: "acme", agent: "workflow-bot" };

let seq = 0;
function ts(): string {
  return new Date(Date.UTC(2026, 10, 20, 9, 0, seq++)).toISOString();
}

export function create(kind: string, id: string, extra: Record<string, unknown> = {}): JsonObject {
  return { id: `c-${kind}-${id}-${seq}`, ts: ts(), type: "resource.create", actor: { ...ACTOR }, resource: { kind, id, ...extra } } as JsonObject;
}

export function destroy(kind: string, id: string, cleanup?: Record<string, unknown>): JsonObject {
  const e: Record<string, unknown> = { id: `d-${kind}-${id}-${seq}`, ts: ts(), type: "resource.destroy", actor: { ...ACTOR }, resource: { kind, id } };
  if (cleanup !== undefined) e.cleanup = cleanup;
  return e as JsonObject;
}

export function grant(id: string): JsonObject {
  return {
    id: `g-${id}-${seq}`,
    ts: ts(),
    type: "authority.grant",
    actor: { ...ACTOR },
    resource: { kind: "authority.token", id },
    scopes: ["repo:read"],
    expiresAt: "2026-11-20T10:00:00.000Z",
  } as JsonObject;
}

export function revoke(id: string): JsonObject {
  return { id: `r-${id}-${seq}`, ts: ts(), type: "authority.revoke", actor: { ...ACTOR }, resource: { kind: "authority.token", id } } as JsonObject;
}

export function note(): JsonObject {
  return { id: `n-${seq}`, ts: ts(), type: "agent.note", actor: { ...ACTOR }, text: "hello" } as JsonObject;
}

export function tempDir(prefix = "imladri-cleanup-"): string {
  return makeTempDir(prefix);
}

export function writeLog(file: string, events: readonly JsonObject[]): void {
  fs.writeFileSync(file, events.map((e) => JSON.stringify(e)).join("\n") + (events.length > 0 ? "\n" : ""));
}

export function writeConfig(file: string, providers: Record<string, unknown>): void {
  fs.writeFileSync(file, JSON.stringify({ cleanup: { providers } }, null, 2));
}

/** Every line of the log, parsed strictly. */
export function readLog(file: string): JsonObject[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => parseJsonBytes(Buffer.from(l)) as JsonObject);
}

/** The events cleanup appended (agent imladri-cleanup), checked against the event schema. */
export function appended(file: string): JsonObject[] {
  const events = readLog(file).filter((e) => (e.actor as JsonObject).agent === "imladri-cleanup");
  for (const e of events) {
    const { known, issues } = validateEvent(e);
    if (!known || issues.length > 0) throw new Error(`appended event ${String(e.id)} breaks the schema: ${JSON.stringify(issues)}`);
  }
  return events;
}

export function results(file: string): string[] {
  return appended(file).map((e) => `${String((e.resource as JsonObject).id)}:${String((e.cleanup as JsonObject).result)}`);
}

export function request(dir: string, over: Partial<CleanupRequest> = {}): CleanupRequest {
  return {
    log: path.join(dir, "events.jsonl"),
    config: path.join(dir, "imladri.config.json"),
    apply: false,
    yes: false,
    check: false,
    only: [],
    env: { PATH: process.env.PATH },
    interactive: false,
    sleep: async () => {},
    ...over,
  };
}

export function cleanup(dir: string, over: Partial<CleanupRequest> = {}, hooks: CleanupHooks = {}): Promise<CleanupOutcome> {
  return runCleanup(request(dir, over), hooks);
}

/** Resolves to the CliError's exit code and message, or throws if the call did not fail. */
export async function failure(p: Promise<unknown>): Promise<{ exitCode: number; message: string; details: readonly string[] }> {
  try {
    await p;
  } catch (thrown) {
    const e = toCliError(thrown);
    const err = e as { exitCode?: number; message: string; details?: readonly string[] };
    if (typeof err.exitCode === "number") return { exitCode: err.exitCode, message: err.message, details: err.details ?? [] };
    throw e;
  }
  throw new Error("expected a CliError, but the call succeeded");
}

/** A snapshot of a folder tree: path → content (or link target), for before/after comparisons. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = fs.lstatSync(p);
      const rel = path.relative(root, p);
      if (st.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel + "/"] = "";
        walk(p);
      } else out[rel] = fs.readFileSync(p, "base64");
    }
  };
  walk(root);
  return out;
}
