/**
 * The `command` provider (DESIGN §10): runs an argv template without a shell.
 *
 * Every value put into the template is checked before substitution: the id against idPattern,
 * any other `{name}` against patterns.name, both anchored on both ends; a value starting with
 * `-` (it would be read as an option: `--all`), an empty value, or one with a NUL or a newline
 * is refused whatever the pattern says. The program itself is fixed in the configuration. The
 * command sees only PATH and the environment variables the configuration names; their values
 * come from imladri's own environment, never from the configuration.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CommandProviderConfig } from "../config.js";
import type { Leftover } from "../plan.js";
import { errorText, redactUrls, type Outcome, type Provider } from "./types.js";

/** Values longer than this are refused before any pattern runs (bounds a slow pattern). */
const MAX_VALUE_LENGTH = 1024;
/** After SIGTERM on a timeout, how long the command has before SIGKILL. */
const KILL_GRACE_MS = 2000;
/** Output kept for the error message of a failed command. */
const MAX_OUTPUT = 8192;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export class CommandProvider implements Provider {
  readonly type = "command";
  readonly label: string;
  blocked: string | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;

  constructor(
    private readonly config: CommandProviderConfig,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.label = `command ${path.basename(config.argv[0]!)}`;
    this.timeoutMs = config.timeoutMs;
    this.retries = config.retries;
    this.retryDelayMs = config.retryDelayMs;
  }

  async preflight(): Promise<void> {
    const unset = this.config.env.filter((name) => this.env[name] === undefined);
    if (unset.length > 0) {
      this.blocked = `environment variable${unset.length > 1 ? "s" : ""} ${unset.join(", ")} named in the config ${unset.length > 1 ? "are" : "is"} not set`;
      return;
    }
    const program = this.config.argv[0]!;
    if (findProgram(program, this.env.PATH) === undefined) {
      this.blocked = `program ${JSON.stringify(program)} not found${program.includes("/") ? "" : " on PATH"} or not executable`;
    }
  }

  vet(leftover: Leftover): string | undefined {
    const r = substitute(this.config, leftover);
    return "refusal" in r ? r.refusal : undefined;
  }

  /** The argv that would run for a leftover, or the refusal. */
  argvFor(leftover: Leftover): { argv: string[] } | { refusal: string } {
    return substitute(this.config, leftover);
  }

  async destroy(leftover: Leftover, signal: AbortSignal): Promise<Outcome> {
    const sub = substitute(this.config, leftover);
    if ("refusal" in sub) return { result: "failed", error: `refused: ${sub.refusal}`, transient: false };
    const [program, ...args] = sub.argv as [string, ...string[]];
    const env: NodeJS.ProcessEnv = {};
    if (this.env.PATH !== undefined) env.PATH = this.env.PATH;
    for (const name of this.config.env) {
      const v = this.env[name];
      if (v === undefined) return { result: "failed", error: `environment variable ${name} is not set`, transient: false };
      env[name] = v;
    }
    const run = await runProcess(program, args, env, signal);
    if (run.spawnError !== undefined) {
      return { result: "failed", error: `cannot run ${program}: ${run.spawnError}`, transient: false };
    }
    if (run.timedOut) {
      return { result: "failed", error: `timed out after ${this.timeoutMs} ms${run.signal ? ` (stopped with ${run.signal})` : ""}`, transient: true };
    }
    if (run.code === 0) return { result: "ok" };
    if (run.code !== null && this.config.absentExitCodes.includes(run.code)) {
      return { result: "absent", detail: `exit status ${run.code}` };
    }
    const what = run.code !== null ? `exit status ${run.code}` : `killed by ${run.signal ?? "a signal"}`;
    const said = firstLine(run.stderr) ?? firstLine(run.stdout);
    return {
      result: "failed",
      error: `${path.basename(program)}: ${what}${said ? `: ${said}` : ""}`,
      transient: run.code !== null && this.config.retryExitCodes.includes(run.code),
    };
  }
}

/**
 * Fills the template for one leftover, or says why it must not run. Pure: pinned by unit tests.
 */
export function substitute(
  config: Pick<CommandProviderConfig, "argv" | "idPattern" | "patterns">,
  leftover: Pick<Leftover, "kind" | "id" | "resource">,
): { argv: string[] } | { refusal: string } {
  const values = new Map<string, string>();
  const check = (name: string, value: unknown, pattern: RegExp | undefined): string | undefined => {
    const label = name === "id" ? "id" : `{${name}} value`;
    if (typeof value !== "string") return `the resource has no string member ${JSON.stringify(name)} for {${name}}`;
    const shown = preview(value);
    if (value === "") return `empty ${label}`;
    if (value.startsWith("-")) return `${label} ${shown} starts with "-" and could be read as an option`;
    if (/[\0\n\r]/.test(value)) return `${label} ${shown} contains a NUL or line break`;
    if (value.length > MAX_VALUE_LENGTH) return `${label} is longer than ${MAX_VALUE_LENGTH} characters`;
    if (pattern !== undefined && !pattern.test(value)) {
      return `${label} ${shown} does not match ${name === "id" ? "idPattern" : `patterns.${name}`} ${sourceOf(pattern)}`;
    }
    values.set(name, value);
    return undefined;
  };
  // The id first, before anything else is looked at (idPattern is the main gate).
  const idRefusal = check("id", leftover.id, config.idPattern);
  if (idRefusal !== undefined) return { refusal: idRefusal };
  for (const arg of config.argv.slice(1)) {
    for (const m of arg.matchAll(PLACEHOLDER)) {
      const name = m[1]!;
      if (values.has(name)) continue;
      const refusal =
        name === "kind" ? check("kind", leftover.kind, undefined) : check(name, Object.hasOwn(leftover.resource, name) ? leftover.resource[name] : undefined, config.patterns.get(name));
      if (refusal !== undefined) return { refusal };
    }
  }
  const argv = [config.argv[0]!, ...config.argv.slice(1).map((a) => a.replace(PLACEHOLDER, (_m, name: string) => values.get(name) ?? _m))];
  return { argv };
}

function sourceOf(r: RegExp): string {
  // Shown as the user wrote it: without the anchors added at load.
  const s = r.source;
  return s.startsWith("^(?:") && s.endsWith(")$") ? s.slice(4, -2) : s;
}

function preview(value: string): string {
  const cps = Array.from(value);
  return JSON.stringify(cps.length <= 60 ? value : cps.slice(0, 57).join("") + "...");
}

function firstLine(text: string): string | undefined {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== "");
  if (line === undefined) return undefined;
  const clean = redactUrls(line.replace(/[\u0000-\u001f\u007f]/g, " "));
  return clean.length <= 200 ? clean : clean.slice(0, 199) + "…";
}

/** Looks a program up the way spawn will (PATH unless it has a slash). */
export function findProgram(program: string, pathVar: string | undefined): string | undefined {
  const candidates = program.includes("/")
    ? [path.resolve(program)]
    : (pathVar ?? "/usr/bin:/bin")
        .split(":")
        .filter((d) => d !== "")
        .map((d) => path.join(d, program));
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) {
        fs.accessSync(c, fs.constants.X_OK);
        return c;
      }
    } catch {
      // not this one
    }
  }
  return undefined;
}

interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: string;
}

/**
 * Runs a program without a shell; on abort, SIGTERM then SIGKILL. Completion is the child's
 * `exit` (not the pipes' close: a grandchild holding them must not keep the attempt open).
 */
function runProcess(program: string, args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(program, args, { shell: false, env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    const finish = (r: Omit<ProcessResult, "stdout" | "stderr" | "timedOut">): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (killTimer !== undefined) clearTimeout(killTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({ ...r, stdout, stderr, timedOut });
    };
    const onAbort = (): void => {
      timedOut = true;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.slice(0, MAX_OUTPUT - stdout.length);
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.slice(0, MAX_OUTPUT - stderr.length);
    });
    child.on("error", (e: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: e.code ?? errorText(e) }));
    child.on("exit", (code, sig) => finish({ code, signal: sig }));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}
