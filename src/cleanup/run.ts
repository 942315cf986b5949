/**
 * `imladri cleanup` as a library call (DESIGN §10). The algorithm, step by step:
 *
 *   check the request → read the log → read the config → find leftovers → check the providers
 *   the plan needs → plan → (plan/check: stop) → confirm → lock the log → re-read it →
 *   for each row, newest first: [started] → destroy (timeout) → [outcome], retrying transient
 *   failures with back-off → unlock → re-read the log: exit 0 only when nothing is left.
 *
 * Every `[event]` is appended with fsync before the next step, so the log always says what was
 * done; a run killed at any point is resumed by the next one (a `started` without an outcome
 * is re-run, and providers answer `absent` for what is already gone).
 */
import { canonicalize } from "../core/json/canonical.js";
import { unknownNameMessage } from "../core/text/suggest.js";
import { isJsonObject, type JsonObject } from "../core/json/value.js";
import { validateEvent } from "../core/schema/validate.js";
import { formatTimestamp } from "../core/time.js";
import { appendLineDurable } from "../io/files.js";
import { loadConfig, type CleanupConfig } from "./config.js";
import { CleanupExit, CleanupRequestError } from "./errors.js";
import { destroyEvent, EventIds, newRunId, type CleanupResult } from "./events.js";
import { acquireLock } from "./lock.js";
import { readEventLog, type EventLog, type LogProblem } from "./log.js";
import { buildPlan, dependentsOf, findLeftovers, isLifecycleType, resourceKey, type Leftover, type LoggedEvent, type PlanRow } from "./plan.js";
import { createProviders, type Outcome, type Provider } from "./providers/index.js";
import { errorText } from "./providers/types.js";

const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
/** Longest back-off between two attempts. */
const MAX_BACKOFF_MS = 30_000;
/** How long a provider that ignores its abort signal is waited for before it is given up on. */
const ABORT_GRACE_MS = 5_000;

export interface CleanupRequest {
  log: string;
  config: string;
  apply: boolean;
  yes: boolean;
  check: boolean;
  /** `--only` kinds; empty for all. */
  only: readonly string[];
  /** Where env vars named by the config are read (process.env in the CLI). */
  env: NodeJS.ProcessEnv;
  /** True when a person can answer a confirmation (stdin is a terminal). */
  interactive: boolean;
  now?: () => Date;
  /** Waits between retries; replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Asked before each row and each retry: true stops the run there (Ctrl-C in the CLI). */
  shouldStop?: () => boolean;
}

export type Mode = "plan" | "check" | "apply";

export interface AttemptRecord {
  attempt: number;
  result: Exclude<CleanupResult, "started">;
  error?: string;
  /** Whether the failure was judged transient (and so retried if attempts were left). */
  transient?: boolean;
  ms: number;
  /** Ids of the events appended for this attempt (started, then the outcome). */
  events: string[];
}

export interface RowResult {
  row: PlanRow;
  /** `skipped`: nothing ran (no provider, provider not usable); `closed`: destroyed meanwhile by someone else. */
  result: "ok" | "absent" | "failed" | "skipped" | "closed";
  error?: string;
  attempts: AttemptRecord[];
}

export interface CleanupHooks {
  /** Called once the plan is known, before anything changes (the CLI prints it). */
  onPlan?(plan: Prepared): void;
  /** Asked on a terminal without --yes; resolves true to go ahead. */
  confirm?(count: number, plan: Prepared): Promise<boolean>;
  /** After each appended outcome. */
  onAttempt?(row: PlanRow, record: AttemptRecord, willRetry: boolean): void;
  /** After each row is done. */
  onRow?(result: RowResult): void;
}

export interface Prepared {
  mode: Mode;
  log: EventLog;
  config: CleanupConfig;
  leftovers: Leftover[];
  /** The providers of the kinds in the plan, preflight done. */
  providers: ReadonlyMap<string, Provider>;
  plan: PlanRow[];
  now: Date;
}

export interface CleanupOutcome {
  prepared: Prepared;
  mode: Mode;
  /** Apply only. */
  run?: string;
  confirmed?: boolean;
  results: RowResult[];
  /** Leftovers of the selected kinds still in the log at the end (apply), or in the plan. */
  remaining: number;
  /** The first schema problems of events cleanup does not read; `warningCount` counts them all. */
  warnings: LogProblem[];
  warningCount: number;
  exitCode: CleanupExit;
}

/** Refusals that need nothing read: checked first, so a usage error never changes anything. */
export function checkRequest(req: CleanupRequest): Mode {
  if (req.apply && req.check) {
    throw new CleanupRequestError("--check reports and never acts: use it without --apply");
  }
  if (req.yes && !req.apply) throw new CleanupRequestError("--yes only confirms --apply; without --apply nothing changes anyway");
  for (const kind of req.only) {
    if (!KIND.test(kind)) throw new CleanupRequestError(`--only ${JSON.stringify(kind)} is not a resource kind (e.g. db.branch, file)`);
  }
  if (req.apply && req.log === "-") throw new CleanupRequestError("--apply appends to the log: give a file, not -");
  if (req.apply && !req.yes && !req.interactive) {
    throw new CleanupRequestError(
      "--apply without a terminal needs --yes to confirm; nothing was changed (run without --apply to see the plan)",
    );
  }
  return req.apply ? "apply" : req.check ? "check" : "plan";
}

/**
 * Issue 11: an `--only` kind must be one the config has a provider for or the log has a resource
 * of; anything else is a typo (`db.brnach`) that would otherwise make `--check` pass on nothing.
 */
function checkOnlyKinds(only: readonly string[], configured: Iterable<string>, events: readonly LoggedEvent[]): void {
  if (only.length === 0) return;
  const known = new Set(configured);
  for (const e of events) {
    const resource = e.event.resource;
    if (isLifecycleType(e.event.type) && isJsonObject(resource) && typeof resource.kind === "string") known.add(resource.kind);
  }
  for (const kind of only) {
    if (!known.has(kind)) throw new CleanupRequestError(unknownNameMessage("--only", kind, "resource kind (not in the config's providers nor in the log)", [...known].sort()));
  }
}

/** Reads the log and the config and builds the plan. Changes nothing. */
export async function prepareCleanup(req: CleanupRequest): Promise<Prepared> {
  const mode = checkRequest(req);
  const log = readEventLog(req.log);
  const config = loadConfig(req.config);
  checkOnlyKinds(req.only, config.providers.keys(), log.events);
  const leftovers = findLeftovers(log.events);
  const now = (req.now ?? (() => new Date()))();
  const selected = req.only.length > 0 ? leftovers.filter((l) => req.only.includes(l.kind)) : leftovers;
  const providers = await createProviders(config, req.env, new Set(selected.map((l) => l.kind)));
  const plan = buildPlan(leftovers, { only: req.only, providers, now });
  return { mode, log, config, leftovers, providers, plan, now };
}

/**
 * The whole command: plan, and with `apply` (confirmed) act. Never throws for a resource that
 * cannot be destroyed: that is a failed row and exit 1. Throws CleanupRequestError, CleanupConfigError or IoError for bad input.
 * ```ts
 * const out = await runCleanup({ log: "events.jsonl", config: "imladri.config.json", apply: false,
 *   yes: false, check: true, only: [], env: process.env, interactive: false });
 * out.exitCode; // 3 while anything is left
 * ```
 */
export async function runCleanup(req: CleanupRequest, hooks: CleanupHooks = {}): Promise<CleanupOutcome> {
  const prepared = await prepareCleanup(req);
  hooks.onPlan?.(prepared);
  const base = { prepared, mode: prepared.mode, warnings: prepared.log.warnings, warningCount: prepared.log.warningCount };
  if (prepared.mode !== "apply") {
    const remaining = prepared.plan.length;
    return {
      ...base,
      results: [],
      remaining,
      exitCode: prepared.mode === "check" && remaining > 0 ? CleanupExit.leftovers : CleanupExit.ok,
    };
  }

  // Rows that destroy something need the person's yes; refusals are only recorded.
  const destroying = prepared.plan.filter((r) => r.action === "destroy" || r.action === "resume");
  const recording = prepared.plan.filter((r) => r.action === "refuse");
  if (destroying.length > 0 && !req.yes) {
    const ok = hooks.confirm !== undefined && (await hooks.confirm(destroying.length, prepared));
    if (!ok) {
      return { ...base, confirmed: false, results: [], remaining: prepared.plan.length, exitCode: CleanupExit.incomplete };
    }
  }
  if (destroying.length === 0 && recording.length === 0) {
    // Only rows nothing can act on (or none at all): no lock, no event.
    const results: RowResult[] = prepared.plan.map((row) => ({ row, result: "skipped", error: row.reason, attempts: [] }));
    for (const r of results) hooks.onRow?.(r);
    const remaining = prepared.plan.length;
    return { ...base, confirmed: true, results, remaining, exitCode: remaining > 0 ? CleanupExit.incomplete : CleanupExit.ok };
  }

  const run = newRunId();
  const release = acquireLock(prepared.log.file, run);
  let results: RowResult[];
  try {
    results = await applyPlan(prepared, run, req, hooks);
  } finally {
    release();
  }
  // The verdict comes from the log itself, as the next run would read it.
  const after = readEventLog(prepared.log.file);
  const left = findLeftovers(after.events).filter((l) => req.only.length === 0 || req.only.includes(l.kind));
  return {
    ...base,
    run,
    confirmed: true,
    results,
    remaining: left.length,
    exitCode: left.length === 0 ? CleanupExit.ok : CleanupExit.incomplete,
  };
}

async function applyPlan(prepared: Prepared, run: string, req: CleanupRequest, hooks: CleanupHooks): Promise<RowResult[]> {
  const providers = prepared.providers;
  const sleep = req.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = req.now ?? (() => new Date());
  // Re-read under the lock: only what is still left, and was in the plan the person confirmed, is touched.
  const fresh = readEventLog(prepared.log.file);
  const open = new Map(findLeftovers(fresh.events).map((l) => [resourceKey(l.kind, l.id), l]));
  const ids = new EventIds(run, fresh.ids);
  const file = prepared.log.file;

  const append = (leftover: Leftover, result: CleanupResult, attempt: number, error?: string): string => {
    const event = destroyEvent({ id: ids.next(), ts: formatTimestamp(clock()), run, leftover, result, attempt, ...(error !== undefined ? { error } : {}) });
    assertValid(event);
    appendLineDurable(file, canonicalize(event));
    return event.id as string;
  };

  const results: RowResult[] = [];
  for (const row of prepared.plan) {
    const result: RowResult = req.shouldStop?.()
      ? { row, result: "skipped", error: "not attempted: the run was stopped", attempts: [] }
      : await applyRow(row);
    results.push(result);
    hooks.onRow?.(result);
  }
  return results;

  async function applyRow(row: PlanRow): Promise<RowResult> {
    if (row.action === "skip") return { row, result: "skipped", error: row.reason, attempts: [] };
    const key = resourceKey(row.kind, row.id);
    const leftover = open.get(key);
    if (leftover === undefined) return { row, result: "closed", attempts: [] };
    const provider = providers.get(row.kind)!;

    // Refusals known before acting are recorded as one failed outcome, with no started: the log
    // shows that cleanup saw the resource and why it would not touch it.
    const dependents = dependentsOf(leftover, open.values());
    const refusal =
      provider.vet(leftover) ??
      (dependents.length > 0
        ? `${row.id} is the source of ${dependents.map((d) => d.id).join(", ")}, which ${dependents.length > 1 ? "are" : "is"} still there`
        : undefined);
    if (refusal !== undefined) {
      const error = `refused: ${refusal}`;
      const id = append(leftover, "failed", 1, error);
      const record: AttemptRecord = { attempt: 1, result: "failed", error, transient: false, ms: 0, events: [id] };
      hooks.onAttempt?.(row, record, false);
      return { row, result: "failed", error, attempts: [record] };
    }

    const attempts: AttemptRecord[] = [];
    const maxAttempts = 1 + provider.retries;
    for (let attempt = 1; ; attempt++) {
      const startedId = append(leftover, "started", attempt);
      const t0 = Date.now();
      const outcome = await attemptWithTimeout(provider, leftover);
      const ms = Date.now() - t0;
      const error = outcome.result === "failed" ? outcome.error : undefined;
      const outcomeId = append(leftover, outcome.result, attempt, error);
      const record: AttemptRecord = {
        attempt,
        result: outcome.result,
        ms,
        events: [startedId, outcomeId],
        ...(outcome.result === "failed" ? { error: outcome.error, transient: outcome.transient } : {}),
      };
      attempts.push(record);
      const willRetry = outcome.result === "failed" && outcome.transient && attempt < maxAttempts;
      hooks.onAttempt?.(row, record, willRetry);
      if (outcome.result !== "failed") {
        open.delete(key);
        return { row, result: outcome.result, attempts };
      }
      if (!willRetry || req.shouldStop?.()) return { row, result: "failed", error: outcome.error, attempts };
      await sleep(Math.min(provider.retryDelayMs * 2 ** (attempt - 1), MAX_BACKOFF_MS));
    }
  }
}

/** One attempt under the provider's time limit; a provider that ignores the abort is given up on. */
async function attemptWithTimeout(provider: Provider, leftover: Leftover): Promise<Outcome> {
  const controller = new AbortController();
  const guarded = provider.destroy(leftover, controller.signal).catch(
    (e: unknown): Outcome => ({ result: "failed", error: `internal error: ${errorText(e)}`, transient: false }),
  );
  if (provider.timeoutMs === undefined) return guarded;
  const limit = provider.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let hardStop: NodeJS.Timeout | undefined;
  const givenUp = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      hardStop = setTimeout(
        () =>
          resolve({
            result: "failed",
            // Not transient: retrying while the first attempt may still run could act twice.
            error: `timed out after ${limit} ms and did not stop within ${ABORT_GRACE_MS} ms; it may still be running`,
            transient: false,
          }),
        ABORT_GRACE_MS,
      );
    }, limit);
  });
  try {
    return await Promise.race([guarded, givenUp]);
  } finally {
    clearTimeout(timer);
    clearTimeout(hardStop);
  }
}

/** Every appended event must pass the event schema (the next export refuses anything else). */
function assertValid(event: JsonObject): void {
  const { issues } = validateEvent(event);
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new Error(`cleanup built an event that breaks the schema (${first.pointer}: ${first.message}); nothing more was done`);
  }
}
