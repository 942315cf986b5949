/**
 * Terminal output: chalk honouring NO_COLOR, --no-color and non-TTY (DESIGN §11), and the one
 * place that prints lines, errors and JSON documents.
 *
 * What a person reads can be trusted (issue 11): every line goes through `terminalLine`, which
 * shows any control character in it as a visible escape (`printable`), keeping only the colour
 * codes of a stream that is coloured. Text from data is also passed through `printable` where it
 * is put into a line, so a colour code in the data cannot pass as ours on a coloured terminal.
 */
import { Chalk, type ChalkInstance } from "chalk";
import { printable } from "../core/text/printable.js";
import { isStdout } from "../io/stdout.js";

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

/** The process-wide output settings, set once by main from the command line. */
const settings = {
  /** `--no-color` was given. */
  noColor: false,
  /** stdout carries data (`--out -`): every human line and JSON summary goes to stderr. */
  stdoutTaken: false,
  /** A JSON document has been printed: with --json an error then adds none (one document). */
  jsonPrinted: false,
  /** `-q/--quiet`: print nothing but errors. */
  quiet: false,
};

export function setNoColor(noColor: boolean): void {
  settings.noColor = noColor;
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
export function setQuiet(on: boolean): void {
  settings.quiet = on;
}

export function isQuiet(): boolean {
  return settings.quiet;
}

/** Colours for stderr, as the command line asks (errors before a command's context exists). */
export function stderrChalk(): ChalkInstance {
  return makeChalk(colorEnabled(!settings.noColor, process.stderr));
}

/** chalk's colour codes (SGR), the only escape sequences a line of ours may hold. */
const SGR = /\u001b\[[0-9;]{0,16}m/g;

/**
 * A line made safe for a terminal: every control character is shown escaped; colour codes are
 * kept only when the stream is coloured (then they are chalk's or a missed piece of data's, and a
 * piece of data can at most change a colour, never move the cursor, clear or retitle the screen).
 */
export function terminalLine(line: string, keepColour: boolean): string {
  if (!keepColour) return printable(line);
  let out = "";
  let from = 0;
  for (const m of line.matchAll(SGR)) {
    out += printable(line.slice(from, m.index)) + m[0];
    from = m.index + m[0].length;
  }
  return out + printable(line.slice(from));
}

/**
 * A copy of a report with every string in it passed through `printable`: what a command hands to
 * its human printer, so every field from data is escaped before it meets colour codes.
 */
export function escapeStrings<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map(escapeStrings) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeStrings(v);
    return out as T;
  }
  return value;
}

/**
 * `--out -` (issue 11): true when the output is standard output, which is then handed to the data;
 * from now on human lines and JSON summaries (the report) go to stderr.
 */
export function outputToStdout(out: string | undefined): boolean {
  if (!isStdout(out)) return false;
  settings.stdoutTaken = true;
  return true;
}

function summaryStream(): NodeJS.WriteStream {
  return settings.stdoutTaken ? process.stderr : process.stdout;
}

function writeLine(stream: NodeJS.WriteStream, line: string): void {
  stream.write(terminalLine(line, colorEnabled(!settings.noColor, stream)) + "\n");
}

/**
 * JSON.stringify escapes C0 controls but leaves DEL, C1 controls and bidirectional controls raw;
 * outside strings JSON text holds none of them, so escaping them here keeps the same document.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One JSON document, with no raw control character (issue 11): the same value, escaped. */
export function printJson(doc: unknown, options: { evenIfQuiet?: boolean } = {}): void {
  // --quiet prints nothing but errors: an error document is printed all the same.
  if (settings.quiet && !options.evenIfQuiet) return;
  settings.jsonPrinted = true;
  summaryStream().write(JSON.stringify(doc, null, 2).replace(RAW_IN_JSON, printable) + "\n");
}

/** True once a JSON document has been printed. */
export function jsonPrinted(): boolean {
  return settings.jsonPrinted;
}

/** A line of a command's report: stdout, or stderr when stdout carries data (`--out -`). */
export function printLine(line = ""): void {
  if (settings.quiet) return;
  writeLine(summaryStream(), line);
}

/** A line on stderr: errors, warnings, notes. */
export function printErrorLine(line: string): void {
  writeLine(process.stderr, line);
}
