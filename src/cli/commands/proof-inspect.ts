import { Command } from "commander";
import { commandContext } from "../context.js";

export function registerProofInspect(proof: Command): Command {
  return proof
    .command("inspect")
    .description("show what happened in a bundle or share, for a person (never claims validity: use verify)")
    .argument("<bundle>", "a bundle or share, JSON or JSON Lines form")
    .addHelpText(
      "after",
      `
Examples:
  imladri proof inspect proof.json
  imladri proof inspect share.jsonl --json`,
    )
    .action(async (bundle: string, _opts, cmd: Command) => {
      const { runInspect } = await import("../run/inspect.js");
      await runInspect(commandContext(cmd), bundle);
    });
}
