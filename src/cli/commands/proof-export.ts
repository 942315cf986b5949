import { Command, Option } from "commander";
import { commandContext } from "../context.js";

export function registerProofExport(proof: Command): void {
  proof
    .command("export")
    .description("turn an event log into a signed, hash-chained proof bundle")
    .requiredOption("--log <events.jsonl|->", "the agent runtime's event log (JSON Lines), or - for standard input")
    .requiredOption("--out <file>", "where to write the bundle")
    .option("--key-file <jwk>", "private signing key (a 0600 JWK file); default: the IMLADRI_SIGNING_KEY variable")
    .option("--unsigned", "write an unsigned bundle when no key is given (it can never verify)")
    .option("--chain <id>", "chain id (default: the continued bundle's, else a new random one)")
    .option("--tenant <t>", "issuer tenant recorded in the statement")
    .option("--workspace <w>", "issuer workspace recorded in the statement")
    .addOption(new Option("--format <form>", "bundle form (default: jsonl for a .jsonl output, else json)").choices(["json", "jsonl"]))
    .option("--continue <bundle>", "extend an earlier full bundle of the same log: its seeds are reused, so the chain continues")
    .option("--force", "replace an existing output file")
    .option("--allow-secrets", "export even when the detectors find credentials in the events (they are refused by default)")
    .addHelpText(
      "after",
      `
Examples:
  imladri proof export --log events.jsonl --key-file signer.jwk --out proof.json
  IMLADRI_SIGNING_KEY="$(cat signer.jwk)" imladri proof export --log - --out proof.jsonl < events.jsonl
  imladri proof export --log events.jsonl --key-file signer.jwk --continue proof-monday.json --out proof-tuesday.json

Every event is checked first (strict JSON, schema, unique ids); if any is bad, every bad line is
listed and nothing is written (exit 65). The redaction detectors scan every event: credentials
(keys, tokens, passwords in URLs) refuse the export (exit 1, each finding masked) unless
--allow-secrets; personal data such as e-mail is reported as a warning.`,
    )
    .action(async (opts, cmd: Command) => {
      const { runExport } = await import("../run/export.js");
      await runExport(commandContext(cmd), opts);
    });
}
