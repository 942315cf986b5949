/**
 * Pointer patterns and name globs for redaction policies (DESIGN §9).
 *
 * A pointer pattern is a JSON Pointer in canonical spelling (DESIGN §2) whose tokens may be `*`:
 * a `*` token matches any one member name or array index, so `/items/∗/price` names the price of
 * every item. A token is a wildcard only when it is exactly `*`; there is no escape for a member
 * literally named `*`, which such a pattern also matches (over-redacting is the safe side).
 *
 * A name glob (event types, tool names, field values) matches the whole string; `*` matches any
 * run of characters, dots included (`tool.*`, `crm.*`, `*`). Every other character is literal.
 */
import { appendPointer, parsePointer, ROOT_POINTER, type JsonPointer } from "../json/pointer.js";
import { hasMember, isJsonObject, type JsonValue } from "../json/value.js";

export const WILDCARD = "*";

/** The tokens of a pointer pattern, or undefined when it is not canonical RFC 6901 spelling. */
export function patternTokens(pattern: string): string[] | undefined {
  return parsePointer(pattern);
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** One place a pattern names: its concrete pointer and the value there. */
export interface PatternHit {
  pointer: JsonPointer;
  value: JsonValue;
}

/**
 * Every concrete pointer in `root` that the pattern names and that holds a value. A path that
 * runs into a scalar (including the `null` of an already redacted value) stops there.
 */
export function expandPattern(root: JsonValue, tokens: readonly string[]): PatternHit[] {
  const out: PatternHit[] = [];
  const step = (v: JsonValue, p: JsonPointer, i: number): void => {
    if (i === tokens.length) {
      out.push({ pointer: p, value: v });
      return;
    }
    const t = tokens[i]!;
    if (Array.isArray(v)) {
      if (t === WILDCARD) v.forEach((item, k) => step(item, appendPointer(p, k), i + 1));
      else if (INDEX.test(t) && Number(t) < v.length) step(v[Number(t)]!, appendPointer(p, Number(t)), i + 1);
    } else if (isJsonObject(v)) {
      if (t === WILDCARD) for (const name of Object.keys(v).sort()) step(v[name]!, appendPointer(p, name), i + 1);
      else if (hasMember(v, t)) step(v[t]!, appendPointer(p, t), i + 1);
    }
  };
  step(root, ROOT_POINTER, 0);
  return out;
}

/** The value at a literal pointer (no wildcard), or undefined when there is none. */
export function valueAt(root: JsonValue, pointer: JsonPointer): JsonValue | undefined {
  const tokens = parsePointer(pointer);
  if (tokens === undefined) return undefined;
  // A literal member named "*" is still one member here: match it exactly, not as a wildcard.
  let hit: JsonValue | undefined = root;
  for (const t of tokens) {
    if (Array.isArray(hit)) hit = INDEX.test(t) ? hit[Number(t)] : undefined;
    else if (isJsonObject(hit)) hit = hasMember(hit, t) ? hit[t] : undefined;
    else return undefined;
    if (hit === undefined) return undefined;
  }
  return hit;
}

/** True when the first `path.length` tokens of the pattern match the path. */
export function matchesPrefix(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length < path.length) return false;
  for (let i = 0; i < path.length; i++) {
    if (pattern[i] !== WILDCARD && pattern[i] !== path[i]) return false;
  }
  return true;
}

/**
 * A name glob compiled to an anchored test. Globs come from policy files, values from events:
 * both are attacker-controlled, so the match runs in linear time without a regular expression
 * (a backtracking `^a.*a.*a.*b$` never ends on a long value). Only `*` is special, so greedy
 * segment matching is exact: the text is `first` + ... + `last`, and each middle segment may
 * take its leftmost occurrence after the one before (a later occurrence never leaves more room).
 * ```ts
 * compileGlob("tool.*")("tool.call"); // true
 * compileGlob("*.pdf")("a/b.pdf");    // true: `*` crosses dots and slashes
 * ```
 */
export function compileGlob(glob: string): (text: string) => boolean {
  let test = compiledGlobs.get(glob);
  if (test === undefined) {
    test = globMatcher(glob);
    if (compiledGlobs.size >= MAX_COMPILED_GLOBS) compiledGlobs.clear();
    compiledGlobs.set(glob, test);
  }
  return test;
}

/**
 * A policy has a few globs and tests them on every event: compiling each once saves about 3% of a
 * redaction (issue 6). Bounded, as a module-level cache must be.
 */
const compiledGlobs = new Map<string, (text: string) => boolean>();
const MAX_COMPILED_GLOBS = 1024;

function globMatcher(glob: string): (text: string) => boolean {
  const parts = glob.split(WILDCARD);
  if (parts.length === 1) return (text) => text === glob;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  // Empty middle segments (from `**`) match anywhere: drop them.
  const middle = parts.slice(1, -1).filter((p) => p !== "");
  const fixed = first.length + last.length;
  return (text) => {
    if (text.length < fixed || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (const segment of middle) {
      const found = text.indexOf(segment, at);
      if (found < 0 || found + segment.length > end) return false;
      at = found + segment.length;
    }
    return true;
  };
}
