import { Command } from "commander";
import { collect, commandContext } from "../context.js";
import { addReportOptions } from "../report-options.js";

export function registerProofVerify(proof: Command): Command {
  const verify = proof
    .command("verify")
    .description("recompute every digest, link and signature of a bundle or share and give the verdict")
    .argument("<bundle>", "a bundle or share, JSON or JSON Lines form")
    .option("--key <jwk>", "a trusted public key (JWK file); repeat for more", collect, [])
    .option("--keyring <file>", "trusted keys from a keyring: its rotation log is replayed and checked first (docs/spec.md §7)")
    .option("--root <kid>", "with --keyring: refuse the keyring unless its entry 0 adds this key (pin it in CI)")
    .option("--min-signatures <n>", "valid signatures by distinct trusted keys required (default 1)")
    .option("--require <check>", "an evidence check that must hold: cleanup, decisions, no-elided; repeatable", collect, [])
    .option("--since <earlier>", "check that this bundle extends an earlier one (same chain, its head at its length)")
    .option("--threads <n>", "threads that parse and digest the records of a JSON Lines file, the main one and n - 1 workers: 1 for no workers; default auto (two for files of 32 MB or more, when the machine has a core idle)");
  return addReportOptions(verify)
    .addHelpText(
      "after",
      `
Examples:
  imladri proof verify proof.json --key signer.pub.jwk
  imladri proof verify proof.json --keyring keyring.json --root <kid of its first key>
  imladri proof verify share.jsonl --key signer.pub.jwk --require decisions --json
  imladri proof verify proof-tuesday.json --key signer.pub.jwk --since proof-monday.json
  imladri proof verify proof.json --keyring keyring.json --report-format sarif --report imladri.sarif

Verdicts (docs/spec.md §8): verified (exit 0), invalid (1), insufficient_evidence (2: no trusted key
signed it, or a --require check is unmet). Usage 64, bad key file or not a bundle at all 65, missing file 66,
internal error 70 (e.g. a worker thread failed: no verdict is given; --threads 1 avoids them).`,
    )
    .action(async (bundle: string, opts, cmd: Command) => {
      const { runVerify } = await import("../run/verify.js");
      process.exitCode = await runVerify(commandContext(cmd), bundle, opts);
    });
}
