/**
 * What an event says, read defensively from a possibly partial event (redacted values are null,
 * elided events say nothing). Shared by `inspect` and the `--require` evidence checks so both read
 * events the same way.
 */
import { isJsonObject, type JsonObject, type JsonValue } from "../json/value.js";

export interface ResourceRef {
  kind: string;
  id: string;
  provider?: string;
}

export type Lifecycle = "create" | "destroy";

export interface EventFacts {
  id?: string;
  ts?: string;
  type?: string;
  tenant?: string;
  agent?: string;
  user?: string;
  tool?: string;
  outcome?: string;
  reason?: string;
  policy?: string;
  lifecycle?: { action: Lifecycle; resource: ResourceRef; cleanupResult?: string };
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

const CREATES = new Set(["resource.create", "authority.grant"]);
const DESTROYS = new Set(["resource.destroy", "authority.revoke"]);

export function eventFacts(event: JsonObject): EventFacts {
  const f: EventFacts = {};
  f.id = str(event.id);
  f.ts = str(event.ts);
  f.type = str(event.type);
  const actor = obj(event.actor);
  f.tenant = str(actor?.tenant);
  f.agent = str(actor?.agent);
  f.user = str(actor?.user);
  f.tool = str(obj(event.tool)?.name);
  const decision = obj(event.decision);
  f.outcome = str(decision?.outcome);
  f.reason = str(decision?.reason);
  f.policy = str(decision?.policy);
  const resource = obj(event.resource);
  const kind = str(resource?.kind);
  const id = str(resource?.id);
  if (f.type && kind && id && (CREATES.has(f.type) || DESTROYS.has(f.type))) {
    const ref: ResourceRef = { kind, id };
    const provider = str(resource?.provider);
    if (provider !== undefined) ref.provider = provider;
    f.lifecycle = { action: CREATES.has(f.type) ? "create" : "destroy", resource: ref };
    const result = str(obj(event.cleanup)?.result);
    if (result !== undefined) f.lifecycle.cleanupResult = result;
  }
  return f;
}

/** A destroy counts as done unless its cleanup block says it failed or never finished. */
export function destroyCounts(cleanupResult: string | undefined): boolean {
  return cleanupResult !== "failed" && cleanupResult !== "started";
}

export function resourceKey(r: ResourceRef): string {
  return JSON.stringify([r.kind, r.id]);
}
