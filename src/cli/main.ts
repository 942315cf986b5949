/**
 * The `imladri` command line: a thin layer over the pure core. Each command lives in its own
 * file under commands/ and imports what it needs lazily, so `--version` and small runs start fast.
 */
import { Command, CommanderError } from "commander";
import { CliError, toCliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { colorEnabled, makeChalk, setQuiet } from "./output.js";
import { registerProofCommands } from "./commands/proof.js";
import { registerKeysCommands } from "./commands/keys.js";
import { registerCleanupCommand } from "./commands/cleanup.js";
import { registerVerifierPageCommand } from "./commands/verifier-page.js";
import { VERSION } from "./version.js";

export function buildProgram(): Command {
  const program = new Command("imladri")
    .description(
      "Signed, hash-chained proof bundles from an AI agent runtime's audit log:\n" +
        "export, verify, redact into auditor shares, rotate keys, and clean up what workflows left running.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .option("--json", "print one machine-readable JSON document")
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
  program.hook("preAction", (_program, action) => {
    setQuiet(Boolean((action.optsWithGlobals() as { quiet?: boolean }).quiet));
  });
  registerProofCommands(program);
  registerKeysCommands(program);
  registerCleanupCommand(program);
  registerVerifierPageCommand(program);
  applyToAll(program, (cmd) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: (str, write) => write(str) });
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

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return reportError(e, argv);
  }
}

function reportError(thrown: unknown, argv: string[]): number {
  const e = toCliError(thrown);
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    // Commander already printed its one-line message.
    return ExitCode.usage;
  }
  const c = makeChalk(colorEnabled(!argv.includes("--no-color"), process.stderr));
  if (e instanceof CliError) {
    process.stderr.write(c.red("imladri: ") + e.message + "\n");
    for (const d of e.details) process.stderr.write("  " + d + "\n");
    return e.exitCode;
  }
  // A bug, not a user error: still one line by default; the stack only on request.
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(c.red("imladri: internal error: ") + message + "\n");
  if (process.env.IMLADRI_DEBUG) process.stderr.write(String((e as Error)?.stack) + "\n");
  return ExitCode.internal;
}
