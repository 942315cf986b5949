/**
 * The postgres provider against a real PostgreSQL server, started on loopback by the test
 * (test/support/postgres.ts; scripts/ci-postgres.sh installs the binaries on a clean machine),
 * driven through the built command `bin/imladri.js cleanup ...` as a user runs it: the provider
 * once failed to load pg only there (issue 12, item 3).
 */
import * as path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quoteIdentifier, vetBranch } from "../../src/cleanup/providers/postgres.js";
import { imladri, type RunResult } from "../support/cli.js";
import { startPostgres, type PgServer } from "../support/postgres.js";
import { ensureBuilt } from "./built-cli.js";
import { appended, create, results, tempDir, writeConfig, writeLog } from "./helpers.js";

let server: PgServer;
let admin: pg.Client;

beforeAll(async () => {
  ensureBuilt();
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin?.end().catch(() => {});
  server?.stop();
});

async function databases(): Promise<string[]> {
  const r = await admin.query<{ datname: string }>("SELECT datname FROM pg_database ORDER BY datname");
  return r.rows.map((row) => row.datname);
}

async function makeSource(name: string, rows: number): Promise<void> {
  await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  const c = new pg.Client({ connectionString: server.url(name) });
  await c.connect();
  await c.query("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)");
  for (let i = 1; i <= rows; i++) await c.query("INSERT INTO customers VALUES ($1, $2)", [i, `customer ${i}`]);
  await c.end();
}

async function countRows(db: string): Promise<number> {
  const c = new pg.Client({ connectionString: server.url(db) });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM customers")).rows[0]!.n);
  } finally {
    await c.end();
  }
}

/** `imladri cleanup` in `dir` (its events.jsonl and imladri.config.json), with `env` added. */
function cli(dir: string, args: string[], env: Record<string, string>): RunResult {
  return imladri(["cleanup", "--log", "events.jsonl", ...args], { cwd: dir, env: { DATABASE_URL: undefined, ...env } });
}

function setup(urlEnv = "DATABASE_URL", extra: Record<string, unknown> = {}): string {
  const dir = tempDir();
  writeConfig(path.join(dir, "imladri.config.json"), { "db.branch": { type: "postgres", urlEnv, retryDelayMs: 0, ...extra } });
  return dir;
}

describe("postgres provider (pure checks)", () => {
  const l = (id: string, source?: string) => ({ kind: "db.branch", id, resource: { kind: "db.branch", id, ...(source ? { source } : {}) } as never });
  it("accepts a recorded branch with a plain name", () => {
    expect(vetBranch(l("feature_x-1", "main"))).toBeUndefined();
  });
  it("refuses a database not recorded as a branch, its own source, reserved and odd names", () => {
    expect(vetBranch(l("scratch"))).toContain("not recorded as a branch");
    expect(vetBranch(l("main", "main"))).toContain("its own source");
    expect(vetBranch(l("Main", "main"))).toContain("its own source");
    expect(vetBranch(l("template1", "main"))).toContain("keeps for itself");
    expect(vetBranch(l('x"; DROP DATABASE main; --', "main"))).toContain("not a plain database identifier");
    expect(vetBranch(l("a".repeat(64), "main"))).toContain("not a plain database identifier");
  });
  it("quotes identifiers", () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});

describe("postgres provider (real server)", () => {
  it("drops the recorded branches, terminating their sessions, and leaves the source with its rows", async () => {
    await makeSource("src", 3);
    await admin.query("CREATE DATABASE b1 TEMPLATE src");
    await admin.query("CREATE DATABASE b2 TEMPLATE src");
    expect(await countRows("b1")).toBe(3);
    // A session left open on b1 by the workflow: it must be terminated, not block the drop.
    const lingering = new pg.Client({ connectionString: server.url("b1") });
    lingering.on("error", () => {});
    await lingering.connect();

    const dir = setup();
    writeLog(path.join(dir, "events.jsonl"), [create("db.branch", "b1", { source: "src", provider: "postgres" }), create("db.branch", "b2", { source: "src" })]);
    const env = { DATABASE_URL: server.url() };
    const plan = cli(dir, [], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/db\.branch\s+b2\s+postgres .*destroy[\s\S]*db\.branch\s+b1\s+postgres .*destroy/);
    expect(plan.stdout + plan.stderr).not.toContain("cannot be loaded");
    expect(await databases()).toContain("b1");

    const out = cli(dir, ["--apply", "--yes"], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const dbs = await databases();
    expect(dbs).not.toContain("b1");
    expect(dbs).not.toContain("b2");
    expect(dbs).toContain("src");
    expect(await countRows("src")).toBe(3);
    expect(results(path.join(dir, "events.jsonl"))).toEqual(["b2:started", "b2:ok", "b1:started", "b1:ok"]);
    await expect(lingering.query("SELECT 1")).rejects.toThrow();
    await lingering.end().catch(() => {});

    // Run again: nothing left; the log's evidence is complete.
    expect(cli(dir, ["--check"], env).code).toBe(0);
  });

  it("answers absent for a branch that is already gone", async () => {
    const dir = setup();
    writeLog(path.join(dir, "events.jsonl"), [create("db.branch", "gone_branch", { source: "src" })]);
    const out = cli(dir, ["--apply", "--yes"], { DATABASE_URL: server.url() });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(results(path.join(dir, "events.jsonl"))).toEqual(["gone_branch:started", "gone_branch:absent"]);
  });

  it("never drops a database that is not a recorded branch, its source, the connected one, a template, or a case-folded guess", async () => {
    await makeSource("src2", 2);
    await admin.query("CREATE DATABASE scratch");
    await admin.query("CREATE DATABASE maint");
    await admin.query("CREATE DATABASE casefold TEMPLATE src2");
    await admin.query("CREATE DATABASE tmpl TEMPLATE src2");
    await admin.query("ALTER DATABASE tmpl IS_TEMPLATE true");
    const dir = setup();
    writeLog(path.join(dir, "events.jsonl"), [
      create("db.branch", "scratch"), // no source: not a branch
      create("db.branch", "src2", { source: "src2" }), // its own source
      create("db.branch", "maint", { source: "src2" }), // the database the URL connects to
      create("db.branch", "CaseFold", { source: "src2" }), // only "casefold" exists
      create("db.branch", "tmpl", { source: "src2" }), // a template
      create("db.branch", 'x"; DROP DATABASE src2; --', { source: "src2" }),
    ]);
    const before = await databases();
    const out = cli(dir, ["--apply", "--yes"], { DATABASE_URL: server.url("maint") });
    expect(out.code, out.stdout + out.stderr).toBe(1);
    expect(await databases()).toEqual(before);
    expect(await countRows("src2")).toBe(2);
    const errors = Object.fromEntries(
      appended(path.join(dir, "events.jsonl"))
        .filter((e) => (e.cleanup as { result: string }).result === "failed")
        .map((e) => [(e.resource as { id: string }).id, String((e.cleanup as { error: string }).error)]),
    );
    expect(errors.scratch).toContain("not recorded as a branch");
    expect(errors.src2).toContain("its own source");
    expect(errors.maint).toContain("the database the connection URL opens");
    expect(errors.CaseFold).toContain("differ only in case");
    expect(errors.tmpl).toContain("template");
    expect(errors['x"; DROP DATABASE src2; --']).toContain("not a plain database identifier");
  });

  it("skips db.branch when the URL variable is unset, and never reads a URL from the config", async () => {
    await admin.query("CREATE DATABASE b3 TEMPLATE src");
    const dir = setup("IMLADRI_TEST_NO_SUCH_URL");
    writeLog(path.join(dir, "events.jsonl"), [create("db.branch", "b3", { source: "src" })]);
    const out = cli(dir, ["--apply", "--yes"], { DATABASE_URL: server.url() });
    expect(out.code).toBe(1);
    expect(out.stdout + out.stderr).toContain("IMLADRI_TEST_NO_SUCH_URL");
    expect(await databases()).toContain("b3");
  });

  it("a down server: retried, then failed recorded without the password; the next run resumes cleanly once it is up", async () => {
    await admin.query("CREATE DATABASE b4 TEMPLATE src");
    const dir = setup("DATABASE_URL", { retries: 1, timeoutMs: 5000 });
    const log = path.join(dir, "events.jsonl");
    writeLog(log, [create("db.branch", "b4", { source: "src" })]);
    // Nothing listens on port 1: the server is down as far as cleanup can tell.
    const out = cli(dir, ["--apply", "--yes"], { DATABASE_URL: "postgresql://imladri:hunter2@127.0.0.1:1/postgres" });
    expect(out.code).toBe(1);
    expect(out.stdout + out.stderr).not.toContain("hunter2");
    const failed = appended(log).filter((e) => (e.cleanup as { result: string }).result === "failed");
    expect(failed).toHaveLength(2);
    expect(String((failed[0]!.cleanup as { error: string }).error)).toContain("ECONNREFUSED");
    for (const e of failed) expect(JSON.stringify(e)).not.toContain("hunter2");
    expect(await databases()).toContain("b4");

    const again = cli(dir, ["--apply", "--yes"], { DATABASE_URL: server.url() });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(results(log)).toEqual(["b4:started", "b4:failed", "b4:started", "b4:failed", "b4:started", "b4:ok"]);
    expect(await databases()).not.toContain("b4");
    expect(await countRows("src")).toBe(3);
    expect(cli(dir, ["--check"], { DATABASE_URL: server.url() }).code).toBe(0);
  });
});
