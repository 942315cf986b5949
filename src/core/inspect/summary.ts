/**
 * What happened, for a person (`proof inspect`): chain, length, time range, actors, counts by
 * type, decisions, blocked actions with reasons, resources created and destroyed, unknown types.
 * It reads records without checking them and never claims validity: that is `verify`'s job.
 */
import type { BundleSink } from "../bundle/read.js";
import { recordFormOf } from "../bundle/types.js";
import { destroyCounts, eventFacts, resourceKey } from "../events/facts.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../json/value.js";
import { KNOWN_EVENT_TYPES } from "../schema/validate.js";
import { FindingList, type Finding } from "../verify/finding.js";
import { countRedacted } from "../redact/hidden.js";

/** Shown wherever a share hides a value. */
export const REDACTED = "[redacted]";

export interface BlockedAction {
  seq: number;
  ts?: string;
  tool: string;
  reason: string;
  policy?: string;
}

export interface ResourceLine {
  kind: string;
  id: string;
  provider?: string;
  createdSeq?: number;
  destroyedSeq?: number;
  /** destroyed, left (created, never destroyed), failed (last destroy failed), destroyed-only */
  state: "destroyed" | "left" | "failed" | "destroyed-only";
}

export interface Summary {
  kind?: string;
  chain?: string;
  statementLength?: number;
  records: number;
  disclosed: number;
  partial: number;
  elided: number;
  redactedFields: number;
  /** Records with at least one redacted pointer (core/redact/hidden.ts: not the partial count). */
  redactedEvents: number;
  firstTs?: string;
  lastTs?: string;
  actors: { tenant: string; agent: string; events: number }[];
  users: number;
  /** Events whose user identity a share hides (DESIGN §9: the auditor policy hides users). */
  redactedUsers: number;
  byType: Record<string, number>;
  decisions: Record<string, number>;
  /** In seq order; only the first `keep` when the Summarizer was given a cap. */
  blocked: BlockedAction[];
  /** Every blocked action, kept or not. */
  blockedCount: number;
  resources: ResourceLine[];
  unknownTypes: string[];
  /**
   * The problems kept: the first `keep` when the Summarizer was given a cap, and at most the first
   * of each code (MAX_FINDINGS_PER_CODE, src/core/limits.ts) whatever the cap.
   */
  problems: Finding[];
  /** Every problem, kept or not. */
  problemCount: number;
  /** How many problems of each code were counted past the per-code cap. */
  problemsDropped: Record<string, number>;
}

export interface SummarizerOptions {
  /**
   * Keep at most this many blocked actions and problems, counting the rest (a person reads a
   * screenful: ./lists.ts). Without it, everything is kept (`--json`, the page's "show all"),
   * problems within the per-code cap.
   */
  keep?: number;
}

function show(v: string | undefined, redactedHere: boolean): string {
  return v ?? (redactedHere ? REDACTED : "?");
}

/** An excerpt record read as the record it carries, at its own seq (-1 when it has none). */
export function excerptView(input: JsonObject): { record: JsonObject; index: number } {
  const record: JsonObject = {};
  for (const k of Object.keys(input)) if (k !== "proof") record[k] = input[k]!;
  return { record, index: typeof input.seq === "number" ? input.seq : -1 };
}

export class Summarizer implements BundleSink {
  private s: Summary = {
    records: 0, disclosed: 0, partial: 0, elided: 0, redactedFields: 0, redactedEvents: 0,
    actors: [], users: 0, redactedUsers: 0, byType: {}, decisions: {}, blocked: [], blockedCount: 0, resources: [], unknownTypes: [], problems: [], problemCount: 0, problemsDropped: {},
  };
  private readonly keep: number;
  // Keyed by data: Maps, never plain objects (a type named "constructor" is a type like any other).
  private byType = new Map<string, number>();
  private decisions = new Map<string, number>();
  private problems = new FindingList();
  private actors = new Map<string, { tenant: string; agent: string; events: number }>();
  private users = new Set<string>();
  private resources = new Map<string, ResourceLine>();
  private unknown = new Set<string>();
  /** DESIGN §12: an excerpt's records carry their own seq and a `proof` beside the record's members. */
  private excerpt = false;

  constructor(options: SummarizerOptions = {}) {
    this.keep = options.keep ?? Infinity;
  }

  header(header: JsonObject): void {
    if (typeof header.kind === "string") this.s.kind = header.kind;
    this.excerpt = header.kind === "excerpt";
    const st = header.statement;
    if (isJsonObject(st)) {
      if (typeof st.chain === "string") this.s.chain = st.chain;
      if (typeof st.length === "number") this.s.statementLength = st.length;
    }
  }

  record(input: JsonValue, position: number): void {
    this.s.records++;
    if (!isJsonObject(input)) return;
    const { record, index } = this.excerpt ? excerptView(input) : { record: input, index: position };
    const form = recordFormOf(record);
    if (form === undefined) return;
    this.s[form]++;
    if (form === "elided") return;
    const event = record.event;
    if (!isJsonObject(event)) return;
    const redacted = form === "partial" && isJsonObject(record.redacted) ? Object.keys(record.redacted) : [];
    countRedacted(this.s, redacted.length);
    const isRedacted = (p: string) => redacted.some((r) => r === p || p.startsWith(r + "/"));
    const f = eventFacts(event);
    if (f.ts) {
      if (!this.s.firstTs || f.ts < this.s.firstTs) this.s.firstTs = f.ts;
      if (!this.s.lastTs || f.ts > this.s.lastTs) this.s.lastTs = f.ts;
    }
    const type = show(f.type, isRedacted("/type"));
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    if (f.type && !KNOWN_EVENT_TYPES.includes(f.type)) this.unknown.add(f.type);
    const tenant = show(f.tenant, isRedacted("/actor/tenant"));
    const agent = show(f.agent, isRedacted("/actor/agent"));
    const ak = JSON.stringify([tenant, agent]);
    const a = this.actors.get(ak) ?? { tenant, agent, events: 0 };
    a.events++;
    this.actors.set(ak, a);
    if (f.user) this.users.add(f.user);
    else if (isRedacted("/actor/user")) this.s.redactedUsers++;
    if (f.type === "tool.call") {
      const outcome = show(f.outcome, isRedacted("/decision/outcome"));
      this.decisions.set(outcome, (this.decisions.get(outcome) ?? 0) + 1);
      if (f.outcome === "blocked" && this.s.blockedCount++ < this.keep) {
        const b: BlockedAction = { seq: index, tool: show(f.tool, isRedacted("/tool/name")), reason: show(f.reason, isRedacted("/decision/reason")) };
        if (f.ts) b.ts = f.ts;
        if (f.policy) b.policy = f.policy;
        this.s.blocked.push(b);
      }
    }
    if (f.lifecycle) {
      const r = f.lifecycle.resource;
      const key = resourceKey(r);
      const line = this.resources.get(key) ?? { kind: r.kind, id: r.id, state: "destroyed-only" as ResourceLine["state"] };
      if (r.provider && !line.provider) line.provider = r.provider;
      if (f.lifecycle.action === "create") {
        line.createdSeq = index;
        line.state = "left";
      } else if (destroyCounts(f.lifecycle.cleanupResult)) {
        line.destroyedSeq = index;
        line.state = line.createdSeq === undefined ? "destroyed-only" : "destroyed";
      } else if (f.lifecycle.cleanupResult === "failed" && line.createdSeq !== undefined) {
        line.state = "failed";
      }
      this.resources.set(key, line);
    }
  }

  problem(finding: Finding): void {
    if (this.s.problemCount++ < this.keep) this.problems.add(finding);
  }

  end(): void {}

  result(): Summary {
    return {
      ...this.s,
      // Own data properties even for "__proto__" (Object.fromEntries defines, never assigns).
      byType: Object.fromEntries(this.byType),
      decisions: Object.fromEntries(this.decisions),
      actors: [...this.actors.values()],
      users: this.users.size,
      resources: [...this.resources.values()],
      unknownTypes: [...this.unknown].sort(),
      problems: [...this.problems.findings],
      problemsDropped: this.problems.dropped(),
    };
  }
}
