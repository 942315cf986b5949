/**
 * The cleanup configuration (`imladri.config.json`, schema `schemas/config.schema.json`).
 *
 * Read strictly (DESIGN §2), then checked twice: by hand, for precise one-line messages and the
 * rules a schema cannot say (a pattern must compile, a placeholder needs a pattern, postgres is
 * for db.branch only), and by the generated schema validator, so the published schema and the
 * code can never disagree silently. A missing file exits 66, anything wrong in it exits 65:
 * never a silent no-op.
 */
import * as path from "node:path";
import { JsonSyntaxError, parseJsonBytes } from "../core/json/parse.js";
import { isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../core/json/value.js";
import { validateConfig as validateConfigSchema, type SchemaError } from "../core/schema/generated/validators.js";
import { readInputBytes } from "../io/files.js";
import { CleanupConfigError } from "./errors.js";
import { FirstN, MAX_LISTED_PROBLEMS } from "../core/limits.js";

export const DEFAULT_CONFIG_FILE = "imladri.config.json";
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_DELAY_MS = 500;

/** Settings every provider shares. */
export interface RetrySettings {
  /** Extra attempts after a transient failure. */
  retries: number;
  /** First back-off delay; doubled on each retry, capped at 30 s. */
  retryDelayMs: number;
}

export interface CommandProviderConfig extends RetrySettings {
  type: "command";
  argv: string[];
  /** idPattern, anchored: it must match the whole id. */
  idPattern: RegExp;
  /** Other placeholders' patterns, anchored. */
  patterns: Map<string, RegExp>;
  env: string[];
  absentExitCodes: number[];
  retryExitCodes: number[];
  timeoutMs: number;
}

export interface FileProviderConfig extends RetrySettings {
  type: "file";
  /** Absolute and normalized. */
  root: string;
}

export interface PostgresProviderConfig extends RetrySettings {
  type: "postgres";
  urlEnv: string;
  idPattern?: RegExp;
  timeoutMs: number;
}

export type ProviderConfig = CommandProviderConfig | FileProviderConfig | PostgresProviderConfig;

export interface CleanupConfig {
  /** The file it was read from, for messages. */
  file: string;
  /** Provider per resource kind. */
  providers: Map<string, ProviderConfig>;
}

const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** Placeholders filled without a pattern of their own: the kind is schema-checked already. */
const BUILT_IN_PLACEHOLDERS = new Set(["id", "kind"]);

/** A refusal of the configuration: where (a JSON Pointer into the file) and what. */
export interface ConfigIssue {
  pointer: string;
  message: string;
}

/** Reads and checks a configuration file. Throws IoError (missing: exit 66) or CleanupConfigError (invalid: 65). */
export function loadConfig(file: string): CleanupConfig {
  const bytes = readInputBytes(file, "configuration");
  let value: JsonValue;
  try {
    value = parseJsonBytes(bytes);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new CleanupConfigError(
        file,
        `${file}:${e.line}:${e.column}: not strict JSON: ${e.message}${e.pointer !== "" ? ` (at ${e.pointer})` : ""}`,
      );
    }
    throw e;
  }
  const result = parseConfig(value, file);
  if (!result.ok) {
    const [first, ...rest] = result.issues;
    const more = result.issueCount - result.issues.length;
    throw new CleanupConfigError(
      file,
      `${file}: invalid configuration: ${first ? describeIssue(first) : "refused"}`,
      [...rest.map(describeIssue), ...(more > 0 ? [`... and ${more} more`] : [])],
    );
  }
  return result.config;
}

function describeIssue(i: ConfigIssue): string {
  return `${i.pointer === "" ? "(root)" : i.pointer}: ${i.message}`;
}

/**
 * Checks a parsed configuration value and builds the typed configuration.
 * ```ts
 * parseConfig({ cleanup: { providers: { file: { type: "file", root: "/srv/work" } } } }, "x.json")
 * // { ok: true, config: { file: "x.json", providers: Map { "file" => { type: "file", root: "/srv/work", ... } } } }
 * ```
 */
export function parseConfig(
  value: JsonValue,
  file: string,
): { ok: true; config: CleanupConfig } | { ok: false; issues: ConfigIssue[]; issueCount: number } {
  // Issue 12: a config may hold a million unknown members; the first issues are kept, all counted.
  const found = new FirstN<ConfigIssue>(MAX_LISTED_PROBLEMS);
  const providers = new Map<string, ProviderConfig>();
  const bad: Bad = (pointer, message) => {
    found.add({ pointer, message });
  };
  bad.count = () => found.count;
  const refused = () => ({ ok: false as const, issues: [...found.items], issueCount: found.count });

  if (!isJsonObject(value)) {
    bad("", "the configuration must be a JSON object");
    return refused();
  }
  for (const k of Object.keys(value)) {
    if (k !== "cleanup" && k !== "$schema") bad(ptr(k), `unknown member ${JSON.stringify(k)} (expected "cleanup")`);
  }
  const cleanup = value.cleanup;
  if (cleanup === undefined) {
    bad("", `no "cleanup" member: add {"cleanup": {"providers": {...}}} (see docs/cleanup.md)`);
  } else if (!isJsonObject(cleanup)) {
    bad("/cleanup", "must be an object");
  } else {
    for (const k of Object.keys(cleanup)) {
      if (k !== "providers") bad(ptr("cleanup", k), `unknown member ${JSON.stringify(k)} (expected "providers")`);
    }
    const list = cleanup.providers;
    if (!isJsonObject(list)) {
      bad("/cleanup/providers", list === undefined ? "missing: map each resource kind to a provider" : "must be an object");
    } else {
      for (const [kind, spec] of Object.entries(list)) {
        const at = ptr("cleanup", "providers", kind);
        if (!KIND.test(kind)) {
          bad(at, `${JSON.stringify(kind)} is not a resource kind (lower-case, dotted, e.g. compute.pod)`);
          continue;
        }
        const p = parseProvider(kind, spec, at, bad);
        if (p !== undefined) providers.set(kind, p);
      }
    }
  }

  // The published schema is the contract: the hand checks above must never accept more.
  if (found.count === 0 && !validateConfigSchema(value)) {
    for (const e of validateConfigSchema.errors ?? []) found.add(schemaIssue(e));
  }
  if (found.count > 0) return refused();
  return { ok: true, config: { file, providers } };
}

/**
 * Every problem of a configuration value, by hand checks and by the published schema; empty when
 * it is valid.
 * ```ts
 * validateConfig({ cleanup: { providers: { file: { type: "rm" } } } })
 * // [{ pointer: "/cleanup/providers/file/type", message: 'unknown provider type "rm" (expected command, file or postgres)' }]
 * ```
 */
export function validateConfig(value: JsonValue): ConfigIssue[] {
  const r = parseConfig(value, "");
  return r.ok ? [] : r.issues;
}

function schemaIssue(e: SchemaError): ConfigIssue {
  const params = Object.entries(e.params)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(", ");
  return { pointer: e.instancePath, message: `breaks the config schema (${e.keyword}${params ? `: ${params}` : ""})` };
}

/** Records an issue; `count` tells how many were recorded so far. */
interface Bad {
  (pointer: string, message: string): void;
  count?: () => number;
}

function countIssues(bad: Bad): number {
  return bad.count?.() ?? 0;
}

const COMMON_KEYS = ["type", "retries", "retryDelayMs"];
const KEYS: Record<string, readonly string[]> = {
  command: [...COMMON_KEYS, "argv", "idPattern", "patterns", "env", "absentExitCodes", "retryExitCodes", "timeoutMs"],
  file: [...COMMON_KEYS, "root"],
  postgres: [...COMMON_KEYS, "urlEnv", "idPattern", "timeoutMs"],
};

function parseProvider(kind: string, spec: JsonValue, at: string, bad: Bad): ProviderConfig | undefined {
  if (!isJsonObject(spec)) {
    bad(at, "must be an object with a type (command, file or postgres)");
    return undefined;
  }
  const type = spec.type;
  if (typeof type !== "string" || !Object.hasOwn(KEYS, type)) {
    bad(
      `${at}/type`,
      type === undefined
        ? "missing provider type (command, file or postgres)"
        : `unknown provider type ${JSON.stringify(type)} (expected command, file or postgres)`,
    );
    return undefined;
  }
  const before = countIssues(bad);
  for (const k of Object.keys(spec)) {
    if (!KEYS[type]!.includes(k)) bad(`${at}/${esc(k)}`, `unknown member ${JSON.stringify(k)} for a ${type} provider`);
  }
  const retry: RetrySettings = {
    retries: int(spec, "retries", at, bad, 0, 10) ?? DEFAULT_RETRIES,
    retryDelayMs: int(spec, "retryDelayMs", at, bad, 0, 60_000) ?? DEFAULT_RETRY_DELAY_MS,
  };

  let out: ProviderConfig | undefined;
  if (type === "command") out = parseCommand(spec, at, bad, retry);
  else if (type === "file") out = parseFile(spec, at, bad, retry);
  else {
    if (kind !== "db.branch") {
      bad(`${at}/type`, `the postgres provider drops database branches only: use it for kind db.branch, not ${kind}`);
    }
    out = parsePostgres(spec, at, bad, retry);
  }
  return countIssues(bad) === before ? out : undefined;
}

function parseCommand(spec: JsonObject, at: string, bad: Bad, retry: RetrySettings): CommandProviderConfig | undefined {
  const argv = spec.argv;
  const args: string[] = [];
  if (!isJsonArray(argv) || argv.length === 0) {
    bad(`${at}/argv`, "must be a non-empty array of strings: the program and its arguments (no shell is used)");
  } else {
    argv.forEach((a, i) => {
      if (typeof a !== "string" || a === "") bad(`${at}/argv/${i}`, "must be a non-empty string");
      else args.push(a);
    });
  }
  const idPattern = regex(spec, "idPattern", at, bad, true);
  const patterns = new Map<string, RegExp>();
  if (spec.patterns !== undefined) {
    if (!isJsonObject(spec.patterns)) bad(`${at}/patterns`, "must be an object of name: pattern");
    else {
      for (const [name, p] of Object.entries(spec.patterns)) {
        const r = regexValue(p, `${at}/patterns/${esc(name)}`, bad);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad(`${at}/patterns/${esc(name)}`, "not a placeholder name");
        else if (BUILT_IN_PLACEHOLDERS.has(name)) bad(`${at}/patterns/${esc(name)}`, `{${name}} is built in: use idPattern for the id`);
        else if (r !== undefined) patterns.set(name, r);
      }
    }
  }
  if (args.length > 0) {
    if (/\{[^}]*\}/.test(args[0]!)) {
      bad(`${at}/argv/0`, "the program takes no placeholder: it must be fixed in the configuration");
    }
    args.forEach((a, i) => {
      for (const m of a.matchAll(PLACEHOLDER)) {
        const name = m[1]!;
        if (!BUILT_IN_PLACEHOLDERS.has(name) && !patterns.has(name)) {
          bad(`${at}/argv/${i}`, `placeholder {${name}} has no pattern: add "patterns": {"${name}": "..."}`);
        }
      }
    });
    if (!args.some((a) => a.includes("{id}"))) {
      bad(`${at}/argv`, "no {id} placeholder: the command would not say which resource to destroy");
    }
  }
  const env = stringList(spec, "env", at, bad, (v) => ENV_NAME.test(v), "an environment variable name");
  const absentExitCodes = intList(spec, "absentExitCodes", at, bad);
  const retryExitCodes = intList(spec, "retryExitCodes", at, bad);
  for (const c of absentExitCodes) {
    if (retryExitCodes.includes(c)) bad(`${at}/retryExitCodes`, `exit code ${c} cannot mean both "already gone" and "retry"`);
  }
  const timeoutMs = int(spec, "timeoutMs", at, bad, 1, 3_600_000) ?? DEFAULT_TIMEOUT_MS;
  if (idPattern === undefined) return undefined;
  return { type: "command", argv: args, idPattern, patterns, env, absentExitCodes, retryExitCodes, timeoutMs, ...retry };
}

function parseFile(spec: JsonObject, at: string, bad: Bad, retry: RetrySettings): FileProviderConfig | undefined {
  const root = spec.root;
  if (typeof root !== "string" || !root.startsWith("/")) {
    bad(`${at}/root`, "must be an absolute path to the folder inside which files may be deleted");
    return undefined;
  }
  if (root.includes("\0")) {
    bad(`${at}/root`, "must not contain a NUL character");
    return undefined;
  }
  const normalized = path.resolve(root);
  if (normalized === "/") {
    bad(`${at}/root`, "the filesystem root cannot be a cleanup root");
    return undefined;
  }
  return { type: "file", root: normalized, ...retry };
}

function parsePostgres(spec: JsonObject, at: string, bad: Bad, retry: RetrySettings): PostgresProviderConfig | undefined {
  const urlEnv = spec.urlEnv;
  if (typeof urlEnv !== "string" || !ENV_NAME.test(urlEnv)) {
    bad(
      `${at}/urlEnv`,
      typeof urlEnv === "string" && urlEnv.includes("://")
        ? "must name an environment variable holding the URL, never the URL itself (it would put a password in a file)"
        : "must name the environment variable that holds the connection URL, e.g. DATABASE_URL",
    );
  }
  const idPattern = spec.idPattern === undefined ? undefined : regex(spec, "idPattern", at, bad, true);
  const timeoutMs = int(spec, "timeoutMs", at, bad, 1, 3_600_000) ?? DEFAULT_TIMEOUT_MS;
  if (typeof urlEnv !== "string") return undefined;
  return { type: "postgres", urlEnv, ...(idPattern !== undefined ? { idPattern } : {}), timeoutMs, ...retry };
}

// --- small readers -------------------------------------------------------------------------------

function ptr(...tokens: string[]): string {
  return tokens.map((t) => "/" + esc(t)).join("");
}

function esc(t: string): string {
  return t.replace(/~/g, "~0").replace(/\//g, "~1");
}

function int(spec: JsonObject, key: string, at: string, bad: Bad, min: number, max: number): number | undefined {
  const v = spec[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    bad(`${at}/${key}`, `must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return v;
}

function intList(spec: JsonObject, key: string, at: string, bad: Bad): number[] {
  const v = spec[key];
  if (v === undefined) return [];
  if (!isJsonArray(v)) {
    bad(`${at}/${key}`, "must be an array of exit codes (1 to 255)");
    return [];
  }
  const out: number[] = [];
  v.forEach((c, i) => {
    if (typeof c !== "number" || !Number.isInteger(c) || c < 1 || c > 255) bad(`${at}/${key}/${i}`, "must be an exit code from 1 to 255");
    else if (out.includes(c)) bad(`${at}/${key}/${i}`, `exit code ${c} is listed twice`);
    else out.push(c);
  });
  return out;
}

function stringList(spec: JsonObject, key: string, at: string, bad: Bad, ok: (v: string) => boolean, what: string): string[] {
  const v = spec[key];
  if (v === undefined) return [];
  if (!isJsonArray(v)) {
    bad(`${at}/${key}`, `must be an array, each item ${what}`);
    return [];
  }
  // A Set, not out.includes: a list of a million names must not take a million squared steps.
  const out = new Set<string>();
  v.forEach((s, i) => {
    if (typeof s !== "string" || !ok(s)) bad(`${at}/${key}/${i}`, `must be ${what}`);
    else if (out.has(s)) bad(`${at}/${key}/${i}`, `${s} is listed twice`);
    else out.add(s);
  });
  return [...out];
}

function regex(spec: JsonObject, key: string, at: string, bad: Bad, required: boolean): RegExp | undefined {
  const v = spec[key];
  if (v === undefined) {
    if (required) bad(`${at}/${key}`, "missing: every id must match a declared pattern before it is used");
    return undefined;
  }
  return regexValue(v, `${at}/${key}`, bad);
}

/** Compiles a pattern anchored on both ends, whatever the user wrote (`a|b` must not match `xb`). */
function regexValue(v: JsonValue, at: string, bad: Bad): RegExp | undefined {
  if (typeof v !== "string" || v === "") {
    bad(at, "must be a non-empty regular expression");
    return undefined;
  }
  try {
    return new RegExp(`^(?:${v})$`, "u");
  } catch (e) {
    bad(at, `not a valid regular expression: ${(e as Error).message}`);
    return undefined;
  }
}
