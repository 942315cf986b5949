import { Command } from "commander";
import { commandContext } from "../context.js";

export function registerProofCheckpoint(proof: Command): Command {
  return proof
    .command("checkpoint")
    .description("write a bundle's signed header alone (a few hundred bytes), optionally with a proof that it extends an earlier bundle")
    .argument("<bundle>", "a v2 bundle or share (JSON or JSON Lines form)")
    .requiredOption("--out <file>", "where to write the checkpoint (one JSON line)")
    .option("--since <earlier>", "add the RFC 9162 consistency proof from this earlier bundle, share, excerpt or checkpoint of the same chain")
    .option("--force", "replace an existing output file")
    .addHelpText(
      "after",
      `
Examples:
  imladri proof checkpoint proof-june.jsonl --out june.checkpoint.json
  imladri proof checkpoint proof-june.jsonl --since proof-may.json --out june.checkpoint.json
  imladri proof verify june.checkpoint.json --key signer.pub.jwk --since may.checkpoint.json

A checkpoint shows no events: verifying one checks its signatures and its consistency proof, and
every --require check on it is unmet. With --since, the bundle must extend the earlier one (same
chain, the same first events), else nothing is written (exit 65). See docs/spec.md.`,
    )
    .action(async (bundle: string, opts, cmd: Command) => {
      const { runCheckpoint } = await import("../run/checkpoint.js");
      process.exitCode = await runCheckpoint(commandContext(cmd), bundle, opts);
    });
}
