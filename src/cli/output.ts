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

export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
}

export function printLine(line = ""): void {
  process.stdout.write(line + "\n");
}
