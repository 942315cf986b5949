/**
 * `imladri verifier-page`: copies the page built by scripts/build-page.mjs (shipped in the package
 * as dist/verify-proof.html) to --out, atomically and never over an existing file without --force
 * (DESIGN §11). The page is prebuilt so an installed package needs no bundler.
 */
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { outputToStdout, printJson, printLine } from "../output.js";
import { writeOutput } from "../../io/stdout.js";
import type { CommandContext } from "../context.js";
import { assertWritable } from "../../io/files.js";
import { toHex } from "../../core/encoding/hex.js";
import { printable } from "../../core/text/printable.js";

/** dist/cli/run/verifier-page.js -> dist/verify-proof.html */
export const SHIPPED_PAGE = fileURLToPath(new URL("../../verify-proof.html", import.meta.url));

export function runVerifierPage(ctx: CommandContext, opts: { out: string; force?: boolean }): void {
  const force = Boolean(opts.force);
  const toStdout = outputToStdout(opts.out);
  if (!toStdout) assertWritable(opts.out, { force, what: "verifier page" });
  let page: Uint8Array;
  try {
    page = fs.readFileSync(SHIPPED_PAGE);
  } catch {
    throw new CliError(ExitCode.noInput, `the verifier page is missing from this installation (${SHIPPED_PAGE}); build it with: npm run build`);
  }
  writeOutput(opts.out, [page], { force, what: "verifier page" });
  const sha256 = "sha256:" + toHex(ctx.crypto.sha256(page));
  if (ctx.json) {
    printJson({ out: opts.out, bytes: page.length, sha256 });
    return;
  }
  printLine(`wrote the verifier page ${toStdout ? "to stdout" : printable(opts.out)} (${Math.round(page.length / 1024)} KB)`);
  printLine(`  sha256    ${sha256}`);
  printLine(`  open it in a browser (file:// works), drop a bundle or share and the signer's public key`);
}
