/**
 * The evidence cleanup appends to the log (DESIGN §3, §10): one `resource.destroy` event before
 * each attempt (`cleanup.result: "started"`) and one after it (`ok`, `absent` or `failed` with the
 * error). They follow the event schema, so the next `proof export` signs them with the rest.
 */
import { randomBytes } from "node:crypto";
import type { JsonObject } from "../core/json/value.js";
import type { Leftover } from "./plan.js";

/** The actor's agent on every event cleanup writes. */
export const CLEANUP_AGENT = "imladri-cleanup";

export type CleanupResult = "started" | "ok" | "absent" | "failed";

/** Longest error text written to the log; the terminal shows the rest. */
export const MAX_LOGGED_ERROR = 500;

/** A fresh run id: 12 lowercase hex characters (48 random bits). */
export function newRunId(): string {
  return randomBytes(6).toString("hex");
}

/**
 * Hands out event ids `cleanup-<run>-<n>` that no event of the log already uses.
 * ```ts
 * const ids = new EventIds("1a2b3c4d5e6f", new Set(["e1"]));
 * ids.next(); // "cleanup-1a2b3c4d5e6f-1"
 * ```
 */
export class EventIds {
  private n = 0;
  constructor(
    readonly run: string,
    private readonly taken: Set<string>,
  ) {}

  next(): string {
    for (;;) {
      const id = `cleanup-${this.run}-${++this.n}`;
      if (!this.taken.has(id)) {
        this.taken.add(id);
        return id;
      }
    }
  }
}

export interface DestroyEventInput {
  id: string;
  ts: string;
  run: string;
  leftover: Leftover;
  result: CleanupResult;
  attempt: number;
  error?: string;
}

/**
 * A `resource.destroy` event for one attempt. The resource is copied verbatim from the creating
 * event, so a reader matches it by kind and id exactly as the planner does; the actor keeps the
 * creating event's tenant and names imladri-cleanup as the agent.
 */
export function destroyEvent(input: DestroyEventInput): JsonObject {
  const cleanup: JsonObject = { run: input.run, result: input.result, attempt: input.attempt };
  if (input.error !== undefined) cleanup.error = truncate(input.error, MAX_LOGGED_ERROR);
  return {
    id: input.id,
    ts: input.ts,
    type: "resource.destroy",
    actor: { tenant: input.leftover.tenant, agent: CLEANUP_AGENT },
    resource: structuredClone(input.leftover.resource),
    cleanup,
  };
}

function truncate(text: string, max: number): string {
  const cps = Array.from(text);
  return cps.length <= max ? text : cps.slice(0, max - 1).join("") + "…";
}
