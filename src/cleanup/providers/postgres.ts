/**
 * The `postgres` provider (DESIGN §10): drops a database branch made with
 * `CREATE DATABASE <branch> TEMPLATE <source>`.
 *
 * It drops a database only when all of this holds, checked in this order:
 * - the log records it as a `db.branch` created with a `source` (a database the runtime did not
 *   record as a branch can never be named here);
 * - the name is a plain identifier (letters, digits, `_`, `-`, at most 63 bytes) matching the
 *   optional idPattern, and is quoted as an identifier in the statement;
 * - it is neither its source nor the database the URL connects to (compared exactly and
 *   case-insensitively), nor `postgres`, `template0` or `template1`, nor a template;
 * - a database with exactly that name exists in pg_database. When none does but one differs
 *   only in case (an unquoted CREATE folds names to lower case), the provider refuses to guess.
 * Then it terminates the branch's sessions with pg_terminate_backend and runs DROP DATABASE
 * (WITH (FORCE) on PostgreSQL 13 and later, which also refuses new sessions meanwhile). A
 * branch that is already gone is `absent`. The source database is never connected to.
 *
 * The connection URL is read from the environment variable the config names (never from the
 * config file) and never printed. The `pg` driver is imported only when this provider is used.
 */
import { createRequire } from "node:module";
import type { PostgresProviderConfig } from "../config.js";
import type { Leftover } from "../plan.js";
import { errorText, type Outcome, type Provider } from "./types.js";

/** Names PostgreSQL keeps for itself: never dropped, whatever the log says. */
const RESERVED = new Set(["postgres", "template0", "template1"]);
/** A conservative identifier: ASCII letters, digits, `_` and `-`, first a letter or `_`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

// SQLSTATE classes and codes worth retrying: connection trouble, resource shortage, shutdown,
// a database still in use (a session raced the terminate), serialization and deadlock.
const TRANSIENT_CLASSES = new Set(["08", "53", "57"]);
const TRANSIENT_CODES = new Set(["55006", "40001", "40P01"]);
const TRANSIENT_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

type PgModule = typeof import("pg");
type PgClient = InstanceType<PgModule["Client"]>;

export class PostgresProvider implements Provider {
  readonly type = "postgres";
  readonly label: string;
  blocked: string | undefined;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  private pg: PgModule | undefined;

  constructor(
    private readonly config: PostgresProviderConfig,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.label = `postgres $${config.urlEnv}`;
    this.timeoutMs = config.timeoutMs;
    this.retries = config.retries;
    this.retryDelayMs = config.retryDelayMs;
  }

  async preflight(): Promise<void> {
    const url = this.env[this.config.urlEnv];
    if (url === undefined || url === "") {
      this.blocked = `environment variable ${this.config.urlEnv} (the connection URL) is not set`;
      return;
    }
    try {
      this.pg = loadPg();
    } catch (e) {
      this.blocked = `the pg package cannot be loaded (${errorText(e)}): run npm install pg`;
    }
  }

  vet(leftover: Leftover): string | undefined {
    return vetBranch(leftover, this.config.idPattern);
  }

  async destroy(leftover: Leftover, signal: AbortSignal): Promise<Outcome> {
    const refusal = this.vet(leftover);
    if (refusal !== undefined) return { result: "failed", error: `refused: ${refusal}`, transient: false };
    if (this.pg === undefined) await this.preflight();
    const pg = this.pg;
    if (pg === undefined || this.blocked !== undefined) {
      return { result: "failed", error: this.blocked ?? "the pg package is not loaded", transient: false };
    }
    const branch = leftover.id;
    const source = leftover.resource.source as string;
    const client: PgClient = new pg.Client({
      connectionString: this.env[this.config.urlEnv],
      connectionTimeoutMillis: this.timeoutMs,
      application_name: "imladri-cleanup",
    });
    // Swallow late socket errors once the attempt is over; each query's error is handled below.
    client.on("error", () => {});
    const onAbort = (): void => {
      void client.end().catch(() => {});
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await client.connect();
      const current = (await client.query<{ db: string; v: string }>(
        "SELECT current_database() AS db, current_setting('server_version_num') AS v",
      )).rows[0]!;
      if (sameName(current.db, branch)) {
        return refuse(`${JSON.stringify(branch)} is the database the connection URL opens: it is never dropped`);
      }
      if (sameName(source, branch)) return refuse(`${JSON.stringify(branch)} is its own source`);
      const rows = (await client.query<{ datname: string; datistemplate: boolean }>(
        "SELECT datname, datistemplate FROM pg_database WHERE lower(datname) = lower($1)",
        [branch],
      )).rows;
      const exact = rows.find((r) => r.datname === branch);
      if (exact === undefined) {
        if (rows.length > 0) {
          const names = rows.map((r) => JSON.stringify(r.datname)).join(", ");
          return refuse(`no database is named exactly ${JSON.stringify(branch)}, but ${names} differ only in case: refusing to guess`);
        }
        return { result: "absent" };
      }
      if (exact.datistemplate) return refuse(`${JSON.stringify(branch)} is a template database`);

      await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [
        branch,
      ]);
      const force = Number(current.v) >= 130000 ? " WITH (FORCE)" : "";
      try {
        await client.query(`DROP DATABASE ${quoteIdentifier(branch)}${force}`);
      } catch (e) {
        // 3D000 invalid_catalog_name: someone dropped it between the check and the statement.
        if ((e as { code?: string }).code === "3D000") return { result: "absent" };
        throw e;
      }
      return { result: "ok" };
    } catch (e) {
      if (signal.aborted) return { result: "failed", error: `timed out after ${this.timeoutMs} ms`, transient: true };
      return { result: "failed", error: `postgres: ${describePgError(e)}`, transient: isTransient(e) };
    } finally {
      signal.removeEventListener("abort", onAbort);
      await client.end().catch(() => {});
    }
  }
}

/**
 * `require("pg")` (pg is CommonJS), not `import("pg")`: the installed command runs as one script
 * compiled from a V8 code cache (bin/load-cli.js), where a dynamic import() fails with "A dynamic
 * import callback was not specified" (issue 12). require resolves pg from this module's own
 * location (scripts/build-cli.mjs keeps each module's import.meta.url), as import would.
 */
function loadPg(): PgModule {
  const mod = createRequire(import.meta.url)("pg") as PgModule & { default?: PgModule };
  return mod.default ?? mod;
}

function refuse(reason: string): Outcome {
  return { result: "failed", error: `refused: ${reason}`, transient: false };
}

/** Case-insensitive: an unquoted name in SQL is folded to lower case, so "Src" may be src. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The checks that need no server: a recorded branch with a source, a valid identifier that is
 * not its source nor a reserved name. Pure; pinned by unit tests.
 */
export function vetBranch(leftover: Pick<Leftover, "kind" | "id" | "resource">, idPattern?: RegExp): string | undefined {
  const name = leftover.id;
  const shown = JSON.stringify(name.length <= 80 ? name : name.slice(0, 77) + "...");
  if (leftover.kind !== "db.branch") return `the postgres provider drops db.branch resources only, not ${leftover.kind}`;
  const source = leftover.resource.source;
  if (typeof source !== "string" || source === "") {
    return `${shown} was not recorded as a branch: its create event has no resource.source`;
  }
  if (!IDENTIFIER.test(name)) {
    return `${shown} is not a plain database identifier (letters, digits, _ and -, at most 63, first a letter or _)`;
  }
  if (idPattern !== undefined && !idPattern.test(name)) return `${shown} does not match idPattern`;
  if (sameName(name, source)) return `${shown} is its own source ${JSON.stringify(source)}: the source is never dropped`;
  if (RESERVED.has(name.toLowerCase())) return `${shown} is a database PostgreSQL keeps for itself`;
  return undefined;
}

/** A double-quoted SQL identifier (embedded quotes doubled; the identifier rule excludes them anyway). */
export function quoteIdentifier(name: string): string {
  if (name.includes("\0")) throw new Error("an identifier cannot contain NUL");
  return `"${name.replace(/"/g, '""')}"`;
}

function describePgError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const code = typeof err.code === "string" ? err.code : undefined;
  const text = errorText(e);
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? `${text} (SQLSTATE ${code})` : text;
}

function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") {
    if (TRANSIENT_ERRNO.has(code) || TRANSIENT_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_CLASSES.has(code.slice(0, 2))) return true;
  }
  const message = e instanceof Error ? e.message : "";
  return /Connection terminated|timeout expired|ECONNRESET/i.test(message);
}
