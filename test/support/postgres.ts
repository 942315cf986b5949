/**
 * A throwaway PostgreSQL server for the cleanup tests: `initdb` into a temp folder, started on a
 * free loopback port (no Unix socket outside the temp folder, trust auth on 127.0.0.1 only),
 * stopped and deleted by `stop()`.
 *
 * The binaries are found in $IMLADRI_PG_BIN, /usr/lib/postgresql/<newest>/bin, `pg_config
 * --bindir` or PATH. `scripts/ci-postgres.sh` installs them on a clean Debian machine.
 * initdb refuses to run as root, so as root the server runs as the `postgres` user (which the
 * Debian package creates) through runuser, in a folder that user owns.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface PgServer {
  port: number;
  /** Connection URL for a database (default `postgres`). */
  url(database?: string): string;
  /** Stops the server and deletes its folder. Safe to call twice. */
  stop(): void;
}

const USER = "imladri";

export function findPgBin(): string | undefined {
  const has = (dir: string): boolean => fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl"));
  const fromEnv = process.env.IMLADRI_PG_BIN;
  if (fromEnv && has(fromEnv)) return fromEnv;
  const base = "/usr/lib/postgresql";
  if (fs.existsSync(base)) {
    const versions = fs
      .readdirSync(base)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(path.join(base, v, "bin"))) return path.join(base, v, "bin");
  }
  const pgConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (pgConfig.status === 0 && has(pgConfig.stdout.trim())) return pgConfig.stdout.trim();
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir && has(dir)) return dir;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PgServer> {
  const bin = findPgBin();
  if (bin === undefined) {
    throw new Error("PostgreSQL is not installed (no initdb/pg_ctl found): run `bash scripts/ci-postgres.sh` as root, or set IMLADRI_PG_BIN");
  }
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const g = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (id.status !== 0 || g.status !== 0) {
      throw new Error("running as root and there is no postgres user to run initdb as (install the postgresql package)");
    }
    uid = Number(id.stdout.trim());
    gid = Number(g.stdout.trim());
  }
  // As root, under /tmp: the postgres user must be able to reach the folder (TMPDIR may not be).
  const dir = fs.mkdtempSync(path.join(asRoot ? "/tmp" : os.tmpdir(), "imladri-pg-"));
  if (uid !== undefined && gid !== undefined) fs.chownSync(dir, uid, gid);
  const data = path.join(dir, "data");

  const run = (program: string, args: string[]): SpawnSyncReturns<string> => {
    const full = path.join(bin, program);
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", full, ...args]] : [full, args];
    // Run from the temp folder: the postgres user may not be able to enter the test's cwd.
    return spawnSync(cmd, argv, { encoding: "utf8", cwd: dir, timeout: 120_000 });
  };
  const cleanupDir = (): void => fs.rmSync(dir, { recursive: true, force: true });

  const init = run("initdb", ["-D", data, "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  if (init.status !== 0) {
    cleanupDir();
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }

  let port = 0;
  let started = false;
  let lastError = "";
  for (let tries = 0; tries < 3 && !started; tries++) {
    port = await freePort();
    const opts = `-h 127.0.0.1 -p ${port} -k ${dir} -F -c max_connections=30`;
    const start = run("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"]);
    started = start.status === 0;
    if (!started) {
      let log = "";
      try {
        log = fs.readFileSync(path.join(dir, "server.log"), "utf8");
      } catch {
        // no log yet
      }
      lastError = `${start.stderr || start.stdout}\n${log.slice(-2000)}`;
    }
  }
  if (!started) {
    cleanupDir();
    throw new Error(`pg_ctl start failed: ${lastError}`);
  }

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    cleanupDir();
  };
  // A test process that dies without afterAll must not leave a server behind.
  process.on("exit", stop);
  return {
    port,
    url: (database = "postgres") => `postgresql://${USER}@127.0.0.1:${port}/${database}`,
    stop,
  };
}
