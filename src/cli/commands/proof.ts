import type { Command } from "commander";
import { registerProofExport } from "./proof-export.js";
import { registerProofVerify } from "./proof-verify.js";
import { registerProofInspect } from "./proof-inspect.js";
import { registerProofRedact } from "./proof-redact.js";
import { registerProofCheckpoint } from "./proof-checkpoint.js";
import { registerProofExcerpt } from "./proof-excerpt.js";

export function registerProofCommands(program: Command): void {
  const proof = program
    .command("proof")
    .description("export, verify, inspect, redact, excerpt and checkpoint proof bundles")
    .addHelpText(
      "after",
      `
Examples:
  imladri proof export --log events.jsonl --key-file signer.jwk --out proof.json
  imladri proof verify proof.json --key signer.pub.jwk
  imladri proof redact proof.json --policy auditor --out share.json
  imladri proof excerpt proof.json --seq 17 --blocked --out excerpt.json
  imladri proof checkpoint proof.json --since proof-last-month.json --out proof.checkpoint.json`,
    );
  registerProofExport(proof);
  registerProofVerify(proof);
  registerProofInspect(proof);
  registerProofRedact(proof);
  registerProofExcerpt(proof);
  registerProofCheckpoint(proof);
}
