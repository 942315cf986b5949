/**
 * Redaction policies (DESIGN §9; schema: schemas/policy.schema.json; guide: docs/redaction.md).
 *
 *   {"format":"imladri.redaction-policy/v1","name":"auditor","description":"...","rules":[
 *     {"match":{"type":["tool.call"],"tool":["crm.*"]},"redact":["/args","/result/output"]},
 *     {"match":{"notType":["tool.call"]},"elide":true},
 *     {"match":{"type":["agent.*"]},"keep":["/id","/ts","/type"]}]}
 *
 * Every rule whose `match` holds for an event applies (no first-match-wins: a later rule can only
 * hide more). A rule does exactly one thing: `redact` pointer patterns, `keep` only the given
 * pointer patterns and redact everything else, or `elide` the whole event. Redacting `""` is
 * eliding (DESIGN §6). A criterion that reads a value the input share already hides counts as
 * matching: when a policy cannot tell, it hides more, never less.
 */
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../json/value.js";
import { appendPointer, isWithin, ROOT_POINTER, type JsonPointer } from "../json/pointer.js";
import { canonicalize } from "../json/canonical.js";
import { FirstN, MAX_LISTED_PROBLEMS } from "../limits.js";
import { compileGlob, expandPattern, matchesPrefix, patternTokens, valueAt } from "./pointer-glob.js";

export const POLICY_FORMAT = "imladri.redaction-policy/v1";

export interface PolicyMatch {
  /** Event type globs; the event's `type` must match one. */
  type?: string[];
  /** Event type globs; the event's `type` must match none. */
  notType?: string[];
  /** Tool name globs, matched against `/tool/name`. */
  tool?: string[];
  /** Literal pointer → glob over the value there (a string, or the JSON text of a number or boolean). */
  fields?: Record<string, string>;
  /** Event positions (from `--redact SEQ:POINTER` and `--elide SEQ`). */
  seq?: number[];
}

export interface PolicyRule {
  description?: string;
  match?: PolicyMatch;
  redact?: string[];
  keep?: string[];
  elide?: true;
}

export interface Policy {
  format: typeof POLICY_FORMAT;
  name: string;
  description?: string;
  rules: PolicyRule[];
}

export interface PolicyProblem {
  /** Where in the policy document. */
  pointer: string;
  message: string;
}

const POLICY_MEMBERS = ["format", "name", "description", "rules"];
const RULE_MEMBERS = ["description", "match", "redact", "keep", "elide"];
const MATCH_MEMBERS = ["type", "notType", "tool", "fields", "seq"];

/**
 * Checks a parsed policy document member by member; every problem names its pointer. The first
 * MAX_LISTED_PROBLEMS problems are kept and `problemCount` counts them all (issue 12: a policy
 * may hold a million unknown members).
 */
export function readPolicy(v: JsonValue): { policy?: Policy; problems: PolicyProblem[]; problemCount: number } {
  const found = new FirstN<PolicyProblem>(MAX_LISTED_PROBLEMS);
  const bad = (pointer: string, message: string) => found.add({ pointer, message });
  if (!isJsonObject(v)) return { problems: [{ pointer: "", message: "a policy must be a JSON object" }], problemCount: 1 };
  onlyMembers(v, POLICY_MEMBERS, "", bad);
  if (v.format !== POLICY_FORMAT) bad("/format", `must be "${POLICY_FORMAT}"`);
  if (typeof v.name !== "string" || v.name === "") bad("/name", "must be a non-empty string");
  if (hasMember(v, "description") && typeof v.description !== "string") bad("/description", "must be a string");
  if (!isJsonArray(v.rules)) bad("/rules", "must be an array of rules");
  else v.rules.forEach((r, i) => readRule(r, `/rules/${i}`, bad));
  if (found.count > 0) return { problems: [...found.items], problemCount: found.count };
  return { policy: v as unknown as Policy, problems: [], problemCount: 0 };
}

type Bad = (pointer: string, message: string) => void;

function onlyMembers(o: JsonObject, allowed: readonly string[], at: string, bad: Bad): void {
  for (const name of Object.keys(o)) {
    if (!allowed.includes(name)) bad(at + "/" + name, `unexpected member "${name}" (allowed: ${allowed.join(", ")})`);
  }
}

function readRule(r: JsonValue, at: string, bad: Bad): void {
  if (!isJsonObject(r)) return bad(at, "a rule must be an object");
  onlyMembers(r, RULE_MEMBERS, at, bad);
  const actions = ["redact", "keep", "elide"].filter((a) => hasMember(r, a));
  if (actions.length !== 1) bad(at, `a rule does exactly one of redact, keep or elide (found ${actions.length === 0 ? "none" : actions.join(" and ")})`);
  if (hasMember(r, "description") && typeof r.description !== "string") bad(at + "/description", "must be a string");
  if (hasMember(r, "elide") && r.elide !== true) bad(at + "/elide", "must be true (leave it out to not elide)");
  for (const action of ["redact", "keep"] as const) {
    if (!hasMember(r, action)) continue;
    const list = r[action];
    if (!isJsonArray(list) || list.length === 0) {
      bad(`${at}/${action}`, "must be a non-empty array of pointer patterns");
      continue;
    }
    list.forEach((p, i) => {
      if (typeof p !== "string" || patternTokens(p) === undefined) {
        bad(`${at}/${action}/${i}`, 'must be a JSON Pointer in canonical spelling ("" or like /args/to, with * for any name or index)');
      } else if (action === "keep" && p === "") {
        bad(`${at}/${action}/${i}`, 'keeping "" keeps everything: leave the rule out instead');
      }
    });
  }
  if (hasMember(r, "match")) readMatch(r.match!, at + "/match", bad);
}

function readMatch(m: JsonValue, at: string, bad: Bad): void {
  if (!isJsonObject(m)) return bad(at, "must be an object");
  onlyMembers(m, MATCH_MEMBERS, at, bad);
  for (const name of ["type", "notType", "tool"]) {
    if (!hasMember(m, name)) continue;
    const list = m[name];
    if (!isJsonArray(list) || list.length === 0 || !list.every((g) => typeof g === "string" && g !== "")) {
      bad(`${at}/${name}`, "must be a non-empty array of non-empty glob strings");
    }
  }
  if (hasMember(m, "fields")) {
    const f = m.fields;
    if (!isJsonObject(f)) bad(at + "/fields", "must be an object mapping pointers to globs");
    else {
      for (const [p, g] of Object.entries(f)) {
        const tokens = patternTokens(p);
        // Literal pointers: a `*` token here names a member called "*" (docs/redaction.md).
        if (tokens === undefined || p === "") {
          bad(at + "/fields", `${JSON.stringify(p)} must be a JSON Pointer below the root in canonical spelling`);
        } else if (typeof g !== "string") bad(appendPointer((at + "/fields") as JsonPointer, p), "must be a glob string");
      }
    }
  }
  if (hasMember(m, "seq")) {
    const s = m.seq;
    if (!isJsonArray(s) || s.length === 0 || !s.every((n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0)) {
      bad(at + "/seq", "must be a non-empty array of event positions (integers from 0)");
    }
  }
}

/** The event as a policy sees it: a partial event from a share may hide some values. */
export interface EventView {
  seq: number;
  event: JsonObject;
  /** True when the value at p is hidden (p is, or lies inside, a redacted pointer). */
  hidden(p: JsonPointer): boolean;
}

/** What the policy does to one event. */
export interface Targets {
  elide: boolean;
  /** Pointers to redact (concrete, possibly nested: the record writer keeps the outermost). */
  redact: JsonPointer[];
}

/** Applies every matching rule of the policy to one event. */
export function policyTargets(policy: Policy, view: EventView): Targets {
  const redact = new Set<JsonPointer>();
  let elide = false;
  for (const rule of policy.rules) {
    if (!ruleMatches(rule.match, view)) continue;
    if (rule.elide) elide = true;
    for (const pattern of rule.redact ?? []) {
      for (const hit of expandPattern(view.event, patternTokens(pattern)!)) {
        if (hit.pointer === ROOT_POINTER) elide = true;
        else redact.add(hit.pointer);
      }
    }
    if (rule.keep) for (const p of keepComplement(view, rule.keep)) redact.add(p);
  }
  return { elide, redact: [...redact].sort() };
}

function ruleMatches(m: PolicyMatch | undefined, view: EventView): boolean {
  if (m === undefined) return true;
  if (m.seq && !m.seq.includes(view.seq)) return false;
  const text = (p: JsonPointer): string | undefined | "hidden" => {
    if (view.hidden(p)) return "hidden";
    const v = valueAt(view.event, p);
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return canonicalize(v);
    return undefined;
  };
  const globTest = (globs: readonly string[], value: string | undefined | "hidden", whenHidden: boolean): boolean => {
    if (value === "hidden") return whenHidden;
    return value !== undefined && globs.some((g) => compileGlob(g)(value));
  };
  const type = text("/type" as JsonPointer);
  if (m.type && !globTest(m.type, type, true)) return false;
  // notType on a hidden type: the policy cannot tell, so the rule applies (hides more).
  if (m.notType && type !== "hidden" && globTest(m.notType, type, false)) return false;
  if (m.tool && !globTest(m.tool, text("/tool/name" as JsonPointer), true)) return false;
  for (const [p, g] of Object.entries(m.fields ?? {})) {
    if (!globTest([g], text(p as JsonPointer), true)) return false;
  }
  return true;
}

/**
 * `keep`: every child on no kept path is redacted; a child on the way to a kept pointer is
 * descended into; a kept pointer keeps its whole subtree.
 */
function keepComplement(view: EventView, keep: readonly string[]): JsonPointer[] {
  const patterns = keep.map((k) => patternTokens(k)!);
  const out: JsonPointer[] = [];
  const visit = (v: JsonValue, p: JsonPointer, path: string[]): void => {
    const children: [string, JsonValue, JsonPointer][] = Array.isArray(v)
      ? v.map((c, i) => [String(i), c, appendPointer(p, i)])
      : Object.keys(v as JsonObject).sort().map((k) => [k, (v as JsonObject)[k]!, appendPointer(p, k)]);
    for (const [token, child, cp] of children) {
      if (view.hidden(cp)) continue;
      const childPath = [...path, token];
      if (patterns.some((pt) => pt.length === childPath.length && matchesPrefix(pt, childPath))) continue;
      const deeper = patterns.some((pt) => pt.length > childPath.length && matchesPrefix(pt, childPath));
      if (deeper && child !== null && typeof child === "object") visit(child, cp, childPath);
      else out.push(cp);
    }
  };
  visit(view.event, ROOT_POINTER, []);
  return out;
}

/** Drops every pointer that lies inside another of the list (DESIGN §6: writers keep the outermost). */
export function outermost(pointers: Iterable<JsonPointer>): JsonPointer[] {
  const sorted = [...new Set(pointers)].sort();
  const out: JsonPointer[] = [];
  for (const p of sorted) {
    // Sorted order puts an ancestor before its descendants, but not always immediately before
    // ("/a" < "/a!" < "/a/b"), so every kept pointer is checked.
    if (!out.some((o) => isWithin(o, p, true))) out.push(p);
  }
  return out;
}
