/**
 * What a workflow left running, derived from the event log alone (DESIGN §10). Pure: no I/O,
 * no clock (the caller passes `now`), so the rules below are pinned by unit tests.
 *
 * A resource is identified by kind and id. Reading the log in order:
 * - `resource.create` / `authority.grant` opens it (a second create of an open resource is
 *   remembered as a duplicate; the first one stays the creating event);
 * - `resource.destroy` / `authority.revoke` closes it when it has no `cleanup` block (the runtime
 *   destroyed it itself) or its `cleanup.result` is `ok` or `absent`;
 * - a destroy with `cleanup.result: "started"` marks it interrupted until an outcome follows
 *   (a kill -9 between the two leaves exactly this state, and the next run resumes it);
 * - a destroy with `cleanup.result: "failed"` leaves it open, remembering the failure.
 * A destroy of something not open (never created, or already closed) changes nothing.
 */
import { isJsonObject, type JsonObject } from "../core/json/value.js";

/** One event of the log with its 1-based line number. */
export interface LoggedEvent {
  line: number;
  event: JsonObject;
}

export const CREATE_TYPES: ReadonlySet<string> = new Set(["resource.create", "authority.grant"]);
export const DESTROY_TYPES: ReadonlySet<string> = new Set(["resource.destroy", "authority.revoke"]);

/** True for the event types the planner reads (and whose schema problems make a log unusable). */
export function isLifecycleType(type: unknown): boolean {
  return typeof type === "string" && (CREATE_TYPES.has(type) || DESTROY_TYPES.has(type));
}

/** Where an event sits in the log. */
export interface EventRef {
  eventId: string;
  line: number;
  ts: string;
}

/** A resource that was created and not (successfully) destroyed. */
export interface Leftover {
  kind: string;
  id: string;
  /** The create event's `resource` member, verbatim (kind, id, provider?, source?, ...). */
  resource: JsonObject;
  /** `resource.create` or `authority.grant`. */
  createdByType: string;
  createdBy: EventRef;
  /** The tenant of the creating event: appended events are written for the same tenant. */
  tenant: string;
  /** Position of the creating event among the lifecycle events: the plan acts newest first. */
  order: number;
  /** A `started` with no outcome after it: the destroy was interrupted and must be resumed. */
  interrupted?: EventRef & { run: string };
  /** The last `failed` outcome, when the latest cleanup attempt failed. */
  lastFailure?: EventRef & { run: string; error?: string };
  /** Later creates of the same kind and id while it was still open. */
  duplicates: EventRef[];
}

/** The identity of a resource across events: kind and id. */
export function resourceKey(kind: string, id: string): string {
  return JSON.stringify([kind, id]);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function refOf(e: LoggedEvent): EventRef {
  return { eventId: str(e.event.id) ?? "", line: e.line, ts: str(e.event.ts) ?? "" };
}

/**
 * Every leftover in the log, in the order of the events that created them.
 * ```ts
 * findLeftovers([{ line: 1, event: create("pod-a") }, { line: 2, event: destroy("pod-a", "ok") }]) // []
 * ```
 */
export function findLeftovers(events: readonly LoggedEvent[]): Leftover[] {
  const open = new Map<string, Leftover>();
  events.forEach((e, order) => {
    const type = str(e.event.type);
    if (type === undefined || !isLifecycleType(type)) return;
    const resource = e.event.resource;
    if (!isJsonObject(resource)) return;
    const kind = str(resource.kind);
    const id = str(resource.id);
    if (kind === undefined || id === undefined) return;
    const key = resourceKey(kind, id);
    const current = open.get(key);

    if (CREATE_TYPES.has(type)) {
      if (current !== undefined) {
        current.duplicates.push(refOf(e));
        return;
      }
      const actor = e.event.actor;
      open.set(key, {
        kind,
        id,
        resource,
        createdByType: type,
        createdBy: refOf(e),
        tenant: (isJsonObject(actor) ? str(actor.tenant) : undefined) ?? "",
        order,
        duplicates: [],
      });
      return;
    }

    // A destroy or revoke.
    if (current === undefined) return;
    const cleanup = e.event.cleanup;
    if (!isJsonObject(cleanup)) {
      open.delete(key);
      return;
    }
    const result = str(cleanup.result);
    const run = str(cleanup.run) ?? "";
    if (result === "started") {
      current.interrupted = { ...refOf(e), run };
    } else if (result === "failed") {
      delete current.interrupted;
      const error = str(cleanup.error);
      current.lastFailure = { ...refOf(e), run, ...(error !== undefined ? { error } : {}) };
    } else {
      // ok, absent (the schema allows nothing else)
      open.delete(key);
    }
  });
  return [...open.values()].sort((a, b) => a.order - b.order);
}

/** What the plan will do with one leftover. */
export type PlanAction =
  /** Run the provider's destroy. */
  | "destroy"
  /** A destroy was interrupted: run it again (it answers ok, or absent if it had completed). */
  | "resume"
  /**
   * The provider refuses this resource before anything runs (an id that breaks its pattern, a
   * branch with no recorded source, a path outside the root). With --apply the refusal is
   * recorded in the log as a failed outcome; nothing runs.
   */
  | "refuse"
  /** Nothing can run: no provider for the kind, or the provider is not usable (`reason`). */
  | "skip";

/** How a kind is handled: decided by the configuration and the provider's own checks. */
export interface ProviderView {
  /** Short description for the plan, e.g. `command kubectl`, `postgres $DATABASE_URL`. */
  label: string;
  type: string;
  /** Why no provider can act on a resource at all (e.g. an env var is unset); undefined when usable. */
  blocked?: string;
  /** Pure check of one recorded resource (id pattern, identifier rules); a refusal reason or undefined. */
  vet(leftover: Leftover): string | undefined;
}

export interface PlanRow {
  leftover: Leftover;
  kind: string;
  id: string;
  /** Undefined when no provider is configured for the kind. */
  provider?: { type: string; label: string };
  action: PlanAction;
  /** For `refuse` and `skip`: why. */
  reason?: string;
  /** Milliseconds since the creating event, or undefined when its time cannot be read. */
  ageMs?: number;
}

export interface PlanOptions {
  /** Restrict the plan to these kinds (`--only`); empty means every kind. */
  only?: readonly string[];
  /** Providers by resource kind. */
  providers: ReadonlyMap<string, ProviderView>;
  now: Date;
}

/**
 * The plan: the leftovers (filtered by `only`) in the order they will be acted on, newest first,
 * so a resource made from another (a branch of a branch) goes before the one it was made from.
 */
export function buildPlan(leftovers: readonly Leftover[], options: PlanOptions): PlanRow[] {
  const only = options.only !== undefined && options.only.length > 0 ? new Set(options.only) : undefined;
  const rows: PlanRow[] = [];
  for (const l of [...leftovers].reverse()) {
    if (only !== undefined && !only.has(l.kind)) continue;
    const created = Date.parse(l.createdBy.ts);
    const row: PlanRow = {
      leftover: l,
      kind: l.kind,
      id: l.id,
      action: l.interrupted !== undefined ? "resume" : "destroy",
      ...(Number.isNaN(created) ? {} : { ageMs: Math.max(0, options.now.getTime() - created) }),
    };
    const provider = options.providers.get(l.kind);
    if (provider === undefined) {
      row.action = "skip";
      row.reason = `no provider is configured for kind ${l.kind}`;
    } else {
      row.provider = { type: provider.type, label: provider.label };
      const refusal = provider.vet(l);
      if (provider.blocked !== undefined) {
        row.action = "skip";
        row.reason = provider.blocked;
      } else if (refusal !== undefined) {
        row.action = "refuse";
        row.reason = refusal;
      }
    }
    rows.push(row);
  }
  return rows;
}

/**
 * The leftover a resource was made from must outlive it (DESIGN §10: the source database is
 * never touched). Returns the still-open leftovers whose `resource.source` names `target` in the
 * same kind.
 */
export function dependentsOf(target: Leftover, open: Iterable<Leftover>): Leftover[] {
  const out: Leftover[] = [];
  for (const l of open) {
    if (l === target || l.kind !== target.kind) continue;
    if (l.resource.source === target.id) out.push(l);
  }
  return out;
}

/**
 * Human age: `45s`, `12m`, `3h 05m`, `2d 04h`.
 */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return "?";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${String(h % 24).padStart(2, "0")}h`;
}
