/**
 * Terminal output: chalk honouring NO_COLOR, --no-color and non-TTY (DESIGN §11), and the one
 * place that prints errors and JSON documents.
 */
import { Chalk, type ChalkInstance } from "chalk";

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

export function colorEnabled(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  return Boolean(stream.isTTY);
}

export function makeChalk(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

/**
 * `-q/--quiet`: nothing but errors. The usual output, warnings and progress go through the
 * functions here (and warn(), startProgress()), which say nothing while it is set; error messages
 * (main.ts) and a report asked for with --report-format are still written.
 */
let quiet = false;

export function setQuiet(on: boolean): void {
  quiet = on;
}

export function isQuiet(): boolean {
  return quiet;
}

export function printJson(doc: unknown): void {
  if (quiet) return;
  process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
}

export function printLine(line = ""): void {
  if (quiet) return;
  process.stdout.write(line + "\n");
}
