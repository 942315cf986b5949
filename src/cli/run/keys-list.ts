/**
 * `imladri keys list`: the keys as the log derives them, and whether the log verifies. Exit 0
 * when it does, 1 when it does not (DESIGN §8: a malformed keyring is `invalid`), with every
 * finding.
 */
import { printable } from "../../core/text/printable.js";
import { escapeStrings, printJson, printLine } from "../output.js";
import type { CommandContext } from "../context.js";
import { droppedLines, formatFinding } from "./verify.js";
import { parseRoot, readKeyringFile } from "./keys-file.js";
import { keyLines } from "./keys-output.js";

export interface KeysListOptions {
  keyring: string;
  root?: string;
}

export async function runKeysList(ctx: CommandContext, opts: KeysListOptions): Promise<number> {
  const { replay } = readKeyringFile(ctx.crypto, opts.keyring, parseRoot(opts.root));
  const keys = replay.keys.map((k) => k.jwk);
  const code = replay.ok ? 0 : 1;
  if (ctx.json) {
    printJson({ keyring: opts.keyring, verifies: replay.ok, entries: replay.entries, root: replay.root, pinned: replay.pinned, keys, findings: replay.findings, dropped: replay.dropped });
    return code;
  }
  const { c } = ctx;
  const entries = `${replay.entries} entr${replay.entries === 1 ? "y" : "ies"}`;
  printLine(`${replay.ok ? c.green("log verifies") : c.red.bold("log does NOT verify")}  ${printable(opts.keyring)} (${entries})`);
  if (replay.root.length > 0) {
    printLine(`  root  ${printable(replay.root.join(", "))} ${replay.pinned ? (replay.ok ? "(pinned with --root)" : "") : c.dim("(trusted as given: pin it with --root)")}`.trimEnd());
  }
  if (keys.length > 0) for (const line of keyLines(c, escapeStrings(keys))) printLine(line);
  const shown = replay.findings.filter((f) => f.code !== "keyring.root-unpinned");
  if (shown.length > 0) {
    printLine("  findings:");
    for (const f of shown) printLine("    " + formatFinding(c, f));
    for (const line of droppedLines(replay.dropped)) printLine(c.dim("    " + line));
  }
  if (!replay.ok) printLine(c.red(`  no key of this keyring is trusted until the log verifies`));
  return code;
}
