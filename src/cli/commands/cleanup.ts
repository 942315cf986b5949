import type { Command } from "commander";
import type { CleanupCliOptions } from "../run/cleanup.js";
import { addReportOptions } from "../report-options.js";

/** `imladri cleanup` (DESIGN §10, docs/cleanup.md). The terminal side is src/cli/run/cleanup.ts; the work is in src/cleanup/run.ts. */
export function registerCleanupCommand(program: Command): void {
  const cleanup = program
    .command("cleanup")
    .description("find what a workflow left running and destroy it, recording each outcome in the log (dry run unless --apply)")
    .requiredOption("--log <events.jsonl>", "the agent runtime's event log (JSON Lines); --apply appends to it")
    .option("--config <file>", "the providers of each resource kind", "imladri.config.json")
    .option("--apply", "destroy the leftovers (asks for confirmation on a terminal)")
    .option("--yes", "with --apply: do not ask (needed without a terminal, e.g. in CI)")
    .option("--check", "change nothing; exit 3 while anything is left (for CI)")
    .option("--only <kind>", "only this resource kind (repeatable), e.g. db.branch", (v: string, prev: string[]) => [...prev, v], [] as string[]);
  addReportOptions(cleanup)
    .addHelpText(
      "after",
      `
Examples:
  imladri cleanup --log events.jsonl                      # the plan; nothing changes
  imladri cleanup --log events.jsonl --check              # exit 3 while anything is left
  imladri cleanup --log events.jsonl --check --report-format junit --report cleanup.xml
  imladri cleanup --log events.jsonl --apply              # asks, then destroys
  imladri cleanup --log events.jsonl --apply --yes --only db.branch

Each attempt appends a resource.destroy event (started, then ok, absent or failed) to the log
with fsync, so an interrupted run resumes and the next proof export carries the evidence.
Exit codes: 0 nothing left, 1 something could not be destroyed (or has no provider),
3 --check found leftovers, 64 usage, 65 bad log or config, 66 missing log or config.`,
    )
    .action(async (opts: CleanupCliOptions, cmd: Command) => {
      const { runCleanupCli } = await import("../run/cleanup.js");
      process.exitCode = await runCleanupCli(opts, cmd.optsWithGlobals() as { json?: boolean; color?: boolean });
    });
}
