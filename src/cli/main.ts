/**
 * The `imladri` command line: a thin layer over the pure core. Each command lives in its own
 * file under commands/ and imports what it needs lazily, so `--version` and small runs start fast.
 */
import { Command, CommanderError } from "commander";
import { CliError, toCliError, type ErrorCode } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { jsonPrinted, printErrorLine, printJson, setNoColor, setQuiet, stderrChalk } from "./output.js";
import { printable } from "../core/text/printable.js";
import { registerProofCommands } from "./commands/proof.js";
import { registerKeysCommands } from "./commands/keys.js";
import { registerCleanupCommand } from "./commands/cleanup.js";
import { registerVerifierPageCommand } from "./commands/verifier-page.js";
import { VERSION } from "./version.js";
import { youngGeneration } from "../io/young-generation.js";

export function buildProgram(json = false): Command {
  const program = new Command("imladri")
    .description(
      "Signed, hash-chained proof bundles from an AI agent runtime's audit log:\n" +
        "export, verify, redact into auditor shares, rotate keys, and clean up what workflows left running.",
    )
    .option("-V, --version", "print the version")
    .option("--json", "print one machine-readable JSON document (errors too: {\"error\":{...}})")
    .option("--no-color", "do not color the output (NO_COLOR is honoured too)")
    .option("-q, --quiet", "print nothing but errors; the exit code is the verdict")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      "after",
      `
Examples:
  imladri proof export --log events.jsonl --key-file signer.jwk --out proof.json
  imladri proof verify proof.json --key signer.pub.jwk
  imladri proof inspect proof.json
  imladri cleanup --log events.jsonl

Exit codes: 0 verified/ok, 1 invalid, 2 insufficient evidence, 3 leftovers (cleanup --check),
64 usage, 65 bad data, 66 missing input, 70 internal error, 73 cannot create output, 74 I/O error.

The proof format, the verdicts and every finding code: docs/spec.md (in the package).`,
    );
  // Issue 11: with --json the version is a JSON document too.
  program.on("option:version", () => {
    if (json) printJson({ version: VERSION });
    else process.stdout.write(VERSION + "\n");
    throw new CommanderError(0, "commander.version", VERSION);
  });
  program.hook("preAction", (_program, action) => {
    setQuiet(Boolean((action.optsWithGlobals() as { quiet?: boolean }).quiet));
  });
  registerProofCommands(program);
  registerKeysCommands(program);
  registerCleanupCommand(program);
  registerVerifierPageCommand(program);
  applyToAll(program, (cmd) => {
    cmd.exitOverride();
    // Commander's messages quote what was typed (an unknown option may hold control characters).
    cmd.configureOutput({ outputError: (str, write) => write(str.split("\n").map(printable).join("\n")) });
  });
  return program;
}

function applyToAll(cmd: Command, f: (c: Command) => void): void {
  f(cmd);
  for (const sub of cmd.commands) applyToAll(sub, f);
}

/**
 * A reader that goes away early (`imladri proof inspect x | head`) is not an error: stop quietly,
 * like other Unix tools, instead of dying with an EPIPE stack trace.
 */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
      throw e;
    });
  }
}

/** The global flags main needs before commander has parsed anything (for errors in parsing). */
function globalFlags(argv: readonly string[]): { json: boolean; noColor: boolean } {
  const end = argv.indexOf("--");
  const flags = end === -1 ? argv : argv.slice(0, end);
  return { json: flags.includes("--json"), noColor: flags.includes("--no-color") };
}

/**
 * `imladri help proof verify` shows proof verify's help (commander would show the proof group's):
 * it is read as `imladri proof verify --help`.
 */
function helpAsFlag(argv: readonly string[]): string[] {
  const at = argv.findIndex((a) => !a.startsWith("-"));
  if (at === -1 || argv[at] !== "help" || at === argv.length - 1) return [...argv];
  return [...argv.slice(0, at), ...argv.slice(at + 1), "--help"];
}

/**
 * Holds V8's young generation at 8 MB in a streaming run (src/io/young-generation.ts). Called by
 * bin/imladri.js, which owns its process; not by main, which tests and the build also call
 * in-process.
 */
export function holdYoungGeneration(): void {
  youngGeneration.enable();
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const flags = globalFlags(argv);
  setNoColor(flags.noColor);
  const program = buildProgram(flags.json);
  try {
    await program.parseAsync(helpAsFlag(argv), { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return reportError(e, flags.json);
  }
}

/** Commander's error codes, as the stable codes of `--json` errors (README). */
const USAGE_CODES: ReadonlyMap<string, ErrorCode> = new Map<string, ErrorCode>([
  ["commander.unknownOption", "usage.unknown-option"],
  ["commander.unknownCommand", "usage.unknown-command"],
  ["commander.missingArgument", "usage.missing-argument"],
  ["commander.missingMandatoryOptionValue", "usage.missing-option"],
  ["commander.optionMissingArgument", "usage.missing-option"],
  ["commander.invalidArgument", "usage.invalid-value"],
  ["commander.excessArguments", "usage.excess-arguments"],
  // A group (`imladri`, `imladri proof`) run without a command: its help went to stderr.
  ["commander.help", "usage.missing-command"],
]);

/**
 * Every outcome that is not a command's own report: one human line on stderr and, with --json,
 * exactly one JSON document on stdout (none if the command already printed one).
 */
function reportError(thrown: unknown, json: boolean): number {
  const e = toCliError(thrown);
  if (e instanceof CommanderError) {
    // --help, `imladri help`, --version: what was asked for, exit 0.
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || (e.code === "commander.help" && e.exitCode === 0)) return 0;
    // Commander already printed its one-line message (or the group's help, to stderr).
    const message = e.code === "commander.help" ? "missing command: the help above lists them" : e.message.replace(/^error: /, "");
    if (e.code === "commander.help") printErrorLine("imladri: " + message);
    return jsonError(json, USAGE_CODES.get(e.code) ?? "usage", ExitCode.usage, message);
  }
  const c = stderrChalk();
  if (e instanceof CliError) {
    printErrorLine(c.red("imladri: ") + printable(e.message));
    for (const d of e.details) printErrorLine("  " + printable(d));
    return jsonError(json, e.code, e.exitCode, e.message, e.details);
  }
  // A bug, not a user error: still one line by default; the stack only on request.
  const message = e instanceof Error ? e.message : String(e);
  printErrorLine(c.red("imladri: internal error: ") + printable(message));
  if (process.env.IMLADRI_DEBUG) printErrorLine(String((e as Error)?.stack));
  return jsonError(json, "internal", ExitCode.internal, `internal error: ${message}`);
}

function jsonError(json: boolean, code: ErrorCode, exit: number, message: string, details: readonly string[] = []): number {
  if (json && !jsonPrinted()) printJson({ error: { code, exit, message, ...(details.length > 0 ? { details } : {}) } }, { evenIfQuiet: true });
  return exit;
}
