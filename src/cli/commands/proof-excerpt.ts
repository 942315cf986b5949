import { Command, Option } from "commander";
import { collect, commandContext } from "../context.js";

export function registerProofExcerpt(proof: Command): Command {
  return proof
    .command("excerpt")
    .description("share a few events of a large bundle, redacted, each with its proof of inclusion in the signed event tree")
    .argument("<bundle>", "a v2 bundle, share or excerpt (JSON or JSON Lines form)")
    .option("--seq <n|a-b>", "an event, or a range of events, to show; repeatable", collect, [])
    .option("--type <glob>", "show every event of matching type (e.g. tool.call, authority.*); repeatable", collect, [])
    .option("--blocked", "show every tool.call whose decision is blocked")
    .requiredOption("--out <file>", "where to write the excerpt")
    .option("--policy <auditor|strict|file.json>", "the redaction policy applied to the chosen events (default: auditor)")
    .option("--redact <[seq:]pointer>", "also redact this pointer (with * for any name or index), in every chosen event or in one; repeatable", collect, [])
    .option("--accept <finding-id>", "accept a detector finding: the value stays disclosed and the acceptance is recorded; repeatable", collect, [])
    .option("--key-file <jwk>", "the redactor's private key (a 0600 JWK file): signs the redaction block")
    .addOption(new Option("--format <form>", "excerpt form (default: jsonl for a .jsonl output, else json)").choices(["json", "jsonl"]))
    .option("--force", "replace an existing output file")
    .addHelpText(
      "after",
      `
Examples:
  imladri proof excerpt proof.jsonl --seq 17 --seq 40-42 --out excerpt.json
  imladri proof excerpt proof.jsonl --blocked --policy strict --out blocked.json --key-file redactor.jwk
  imladri proof verify excerpt.json --key signer.pub.jwk

An excerpt holds only the chosen events (about log2(n) hashes each prove them); the rest are not
in the file, so every --require check on it is unmet. The chosen events are redacted and scanned
exactly as proof redact does (a finding blocks until redacted or accepted). See docs/spec.md.`,
    )
    .action(async (bundle: string, opts, cmd: Command) => {
      const { runExcerpt } = await import("../run/excerpt.js");
      process.exitCode = await runExcerpt(commandContext(cmd), bundle, opts);
    });
}
