/**
 * The terminal side of `imladri cleanup`: prints the plan, asks for confirmation, prints each
 * attempt as it ends and the summary (or one `--json` document), and returns the exit code. The
 * work is src/cleanup's (an io-level module below the CLI); its errors become exit codes in
 * src/cli/errors.ts like every other command's.
 */
import * as readline from "node:readline";
import type { ChalkInstance } from "chalk";
import { colorEnabled, makeChalk, printJson, printLine } from "../output.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { emitReport, reportOnStdout, reportRequest, type ReportCliOptions } from "../report-options.js";
import { VERSION } from "../version.js";
import { cleanupCheckReport } from "../../cleanup/report.js";
import { renderAttempt, renderPlan, renderSkip, renderSummary, reportJson } from "../../cleanup/render.js";
import { runCleanup } from "../../cleanup/run.js";

/** The command's own options, as commander parses them. */
export interface CleanupCliOptions extends ReportCliOptions {
  log: string;
  config: string;
  apply?: boolean;
  yes?: boolean;
  check?: boolean;
  only: string[];
}

export async function runCleanupCli(opts: CleanupCliOptions, globals: { json?: boolean; color?: boolean }): Promise<number> {
  const json = Boolean(globals.json);
  if (opts.reportFormat !== undefined && !opts.check) throw new CliError(ExitCode.usage, "--report-format goes with --check (a report of what is left)");
  const report = reportRequest(opts, json);
  const c = makeChalk(colorEnabled(globals.color, process.stdout));
  const ce = makeChalk(colorEnabled(globals.color, process.stderr));
  // Ctrl-C once: finish the action under way (its outcome is recorded), then stop. Twice: now
  // (the log then holds a started without an outcome, which the next run resumes).
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write(ce.yellow("\nstopping after the current action (Ctrl-C again to quit now)\n"));
  };
  process.on("SIGINT", onSigint);
  try {
    const code = await run(opts, json, c, ce, () => stop, report);
    return stop && code === 0 ? 1 : code;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

async function run(
  opts: CleanupCliOptions,
  json: boolean,
  c: ChalkInstance,
  ce: ChalkInstance,
  shouldStop: () => boolean,
  report: ReturnType<typeof reportRequest>,
): Promise<number> {
  // A report on stdout replaces the usual output (it would corrupt the report).
  const silent = json || reportOnStdout(report);
  const say = (line: string): void => {
    // printLine shows any control character left in a line escaped (render.ts escapes data too).
    if (!silent) printLine(line);
  };
  const out = await runCleanup(
    {
      log: opts.log,
      config: opts.config,
      apply: Boolean(opts.apply),
      yes: Boolean(opts.yes),
      check: Boolean(opts.check),
      only: opts.only,
      env: process.env,
      interactive: Boolean(process.stdin.isTTY),
      shouldStop,
    },
    {
      onPlan: (p) => renderPlan(p, c).forEach(say),
      confirm: (count) =>
        ask(ce.bold(`Destroy ${count} resource${count === 1 ? "" : "s"} listed above? This cannot be undone. Type yes to go on: `)),
      onAttempt: (row, record, willRetry) => say(renderAttempt(row, record, willRetry, c)),
      onRow: (r) => {
        const line = renderSkip(r, c);
        if (line !== undefined) say(line);
      },
    },
  );
  if (json && !reportOnStdout(report)) printJson(reportJson(out));
  else renderSummary(out, c).forEach(say);
  if (report !== undefined) emitReport(report, cleanupCheckReport(out, VERSION));
  return out.exitCode;
}

/** Asks on the terminal (prompt on stderr, so stdout stays the report); true only for "yes". */
function ask(prompt: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.on("close", () => {
      if (!answered) resolve(false);
    });
    rl.question(prompt, (answer) => {
      answered = true;
      rl.close();
      resolve(answer.trim().toLowerCase() === "yes");
    });
  });
}
