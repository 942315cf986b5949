import type { Command } from "commander";
import { commandContext } from "../context.js";

/** `imladri verifier-page`: writes the self-contained browser verifier (docs/browser-verifier.md). */
export function registerVerifierPageCommand(program: Command): void {
  program
    .command("verifier-page")
    .description("write the offline verifier page: one HTML file an auditor opens in a browser to verify a bundle or share")
    .requiredOption("--out <file>", "where to write the page, e.g. verify-proof.html")
    .option("--force", "replace an existing output file")
    .addHelpText(
      "after",
      `
Examples:
  imladri verifier-page --out verify-proof.html
  imladri verifier-page --out verify-proof.html --force --json

The page runs the same verification code as \`imladri proof verify\` (with the portable @noble
crypto), works from file://, and its Content-Security-Policy allows no network access. The
command prints the page's sha256 so an auditor can check they were given this exact page.`,
    )
    .action(async (opts: { out: string; force?: boolean }, cmd: Command) => {
      const { runVerifierPage } = await import("../run/verifier-page.js");
      runVerifierPage(commandContext(cmd), opts);
    });
}
