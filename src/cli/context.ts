/**
 * What every command needs from the environment: the crypto provider for Node, output settings
 * and the common way to print.
 */
import type { Command } from "commander";
import type { ChalkInstance } from "chalk";
import { nodeCrypto } from "../platform/node-crypto.js";
import type { CryptoProvider } from "../core/crypto/provider.js";
import { colorEnabled, isQuiet, makeChalk, printErrorLine } from "./output.js";
import { printable } from "../core/text/printable.js";

export interface CommandContext {
  crypto: CryptoProvider;
  json: boolean;
  /** Colors for stdout. */
  c: ChalkInstance;
  /** Colors for stderr (warnings, progress). */
  ce: ChalkInstance;
}

export function commandContext(cmd: Command): CommandContext {
  const g = cmd.optsWithGlobals() as { json?: boolean; color?: boolean };
  return {
    crypto: nodeCrypto,
    json: Boolean(g.json),
    c: makeChalk(colorEnabled(g.color, process.stdout)),
    ce: makeChalk(colorEnabled(g.color, process.stderr)),
  };
}

/** A warning on stderr; its message may quote data, so it is shown through `printable`. */
export function warn(ctx: CommandContext, message: string): void {
  if (isQuiet()) return;
  printErrorLine(ctx.ce.yellow("warning: ") + printable(message));
}

/** Collects repeated options (`--key a --key b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
