/** One provider object per configured resource kind. */
import type { CleanupConfig } from "../config.js";
import { CommandProvider } from "./command.js";
import { FileProvider } from "./file.js";
import { PostgresProvider } from "./postgres.js";
import type { Provider } from "./types.js";

export type { Outcome, Provider } from "./types.js";

/**
 * Builds the providers the plan needs and runs their preflight checks (env vars set, root
 * folder present, driver loadable). A provider that fails them is `blocked`, and the plan says why.
 */
export async function createProviders(
  config: CleanupConfig,
  env: NodeJS.ProcessEnv,
  /** Only these kinds are checked (and, for postgres, only then is the driver imported). */
  needed: ReadonlySet<string>,
): Promise<Map<string, Provider>> {
  const out = new Map<string, Provider>();
  for (const [kind, c] of config.providers) {
    if (!needed.has(kind)) continue;
    const p: Provider =
      c.type === "command" ? new CommandProvider(c, env) : c.type === "file" ? new FileProvider(c) : new PostgresProvider(c, env);
    await p.preflight();
    out.set(kind, p);
  }
  return out;
}
