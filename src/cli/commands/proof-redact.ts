import { Command, Option } from "commander";
import { collect, commandContext } from "../context.js";

export function registerProofRedact(proof: Command): Command {
  return proof
    .command("redact")
    .description("make an auditor share that hides customer data yet still verifies against the issuer's signature")
    .argument("<bundle>", "a full bundle or a share (a share can be redacted further, never un-redacted)")
    .option("--out <share>", "where to write the share")
    .option("--policy <auditor|strict|file.json>", "the redaction policy (default: auditor)")
    .option("--redact <[seq:]pointer>", "also redact this pointer (with * for any name or index), in every event or in one; repeatable", collect, [])
    .option("--elide <seq|type-glob>", "also elide this event, or every event of matching type; repeatable", collect, [])
    .option("--accept <finding-id>", "accept a detector finding: the value stays disclosed and the acceptance is recorded in the share; repeatable", collect, [])
    .option("--key-file <jwk>", "the redactor's private key (a 0600 JWK file): signs the redaction block")
    .addOption(new Option("--format <form>", "share form (default: jsonl for a .jsonl output, else json)").choices(["json", "jsonl"]))
    .option("--dry-run", "print what would be hidden and the findings; write nothing")
    .option("--force", "replace an existing output file")
    .addHelpText(
      "after",
      `
Examples:
  imladri proof redact proof.json --out share.json
  imladri proof redact proof.json --policy strict --out share.jsonl --key-file redactor.jwk
  imladri proof redact proof.json --redact 3:/decision/reason --elide agent.* --dry-run
  imladri proof redact share.json --redact /resource/id --out share-narrow.json

Detectors scan everything the share would still disclose (keys, tokens, JWTs, passwords in URLs,
e-mail, card numbers, IBANs); any finding not accepted blocks the share (exit 1, nothing written)
and is listed masked with how to redact or accept it. See docs/redaction.md.`,
    )
    .action(async (bundle: string, opts, cmd: Command) => {
      const { runRedact } = await import("../run/redact.js");
      process.exitCode = await runRedact(commandContext(cmd), bundle, opts);
    });
}
