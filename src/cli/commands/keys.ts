import type { Command } from "commander";
import { commandContext } from "../context.js";
import { usageError } from "../errors.js";

/** Issue 11: `--out-key -` is refused; a private key never goes to standard output. */
function refuseKeyToStdout(outKey: string): void {
  if (outKey === "-") throw usageError("--out-key -: a private key is never written to standard output; give a file path (it is written with mode 0600)", "usage.invalid-value");
}

/** `imladri keys init|rotate|revoke|list` (DESIGN §7, docs/keys.md). The work is in src/cli/run/keys-*.ts. */
export function registerKeysCommands(program: Command): void {
  const keys = program
    .command("keys")
    .description("create, rotate, revoke and list signing keys in a keyring (public keys and their signed rotation log)")
    .addHelpText(
      "after",
      `
Examples:
  imladri keys init --keyring keyring.json --out-key signer.jwk
  imladri keys list --keyring keyring.json
  imladri proof verify proof.json --keyring keyring.json --root <kid>`,
    );

  keys
    .command("init")
    .description("start a keyring: generate the first Ed25519 key; log entry 0 adds it, signed by it")
    .requiredOption("--keyring <file>", "the new keyring (public; commit it, give it to verifiers)")
    .requiredOption("--out-key <file>", "where to write the new private key (mode 0600; never overwritten)")
    .addHelpText(
      "after",
      `
Examples:
  imladri keys init --keyring keyring.json --out-key signer.jwk

Neither file may exist. Keep the private key in a secret store; sign with --key-file or
IMLADRI_SIGNING_KEY. Exit 73 when an output exists.`,
    )
    .action(async (opts, cmd: Command) => {
      refuseKeyToStdout(opts.outKey);
      const { runKeysInit } = await import("../run/keys-init.js");
      process.exitCode = await runKeysInit(commandContext(cmd), opts);
    });

  keys
    .command("rotate")
    .description("add a new key and retire the signing key (or revoke it), in one entry signed by both")
    .requiredOption("--keyring <file>", "the keyring to extend (replaced atomically)")
    .option("--key-file <jwk>", "the current, active private key (a 0600 JWK file); default: the IMLADRI_SIGNING_KEY variable")
    .requiredOption("--out-key <file>", "where to write the new private key (mode 0600; never overwritten)")
    .option("--revoke-old", "revoke the current key instead of retiring it: every bundle it signed becomes invalid")
    .option("--reason <text>", "why the old key is revoked (with --revoke-old; recorded in the keyring)")
    .option("--root <kid>", "refuse the keyring unless its entry 0 adds this key")
    .addHelpText(
      "after",
      `
Examples:
  imladri keys rotate --keyring keyring.json --key-file signer.jwk --out-key signer-2027.jwk
  imladri keys rotate --keyring keyring.json --key-file leaked.jwk --out-key new.jwk --revoke-old --reason "key leaked in CI log"

A retired key still verifies the bundles it signed; a revoked key makes them invalid.`,
    )
    .action(async (opts, cmd: Command) => {
      refuseKeyToStdout(opts.outKey);
      const { runKeysRotate } = await import("../run/keys-rotate.js");
      process.exitCode = await runKeysRotate(commandContext(cmd), opts);
    });

  keys
    .command("revoke")
    .description("revoke a key at once (e.g. it leaked): every bundle it signed becomes invalid")
    .argument("<kid>", "the key to revoke, as keys list prints it")
    // One kid in 64 starts with "-" (base64url); without this commander would read it as an
    // option. A mistyped option still fails: as a second argument, or as a kid that is not one.
    .allowUnknownOption()
    .requiredOption("--keyring <file>", "the keyring to extend (replaced atomically)")
    .option("--key-file <jwk>", "an active private key to sign the entry (a 0600 JWK file); default: the IMLADRI_SIGNING_KEY variable")
    .requiredOption("--reason <text>", "why (recorded in the keyring)")
    .option("--root <kid>", "refuse the keyring unless its entry 0 adds this key")
    .addHelpText(
      "after",
      `
Examples:
  imladri keys revoke MnaSXunLpXEgYdM6AB8Rs7EW1LOtxiA5YXqtvd-W3S4 --keyring keyring.json --key-file signer-2027.jwk --reason "laptop stolen"`,
    )
    .action(async (kid: string, opts, cmd: Command) => {
      const { runKeysRevoke } = await import("../run/keys-revoke.js");
      process.exitCode = await runKeysRevoke(commandContext(cmd), kid, opts);
    });

  keys
    .command("list")
    .description("list the keys as the log derives them, and whether the log verifies (exit 1 if not)")
    .requiredOption("--keyring <file>", "the keyring")
    .option("--root <kid>", "check that entry 0 adds this key")
    .addHelpText(
      "after",
      `
Examples:
  imladri keys list --keyring keyring.json
  imladri keys list --keyring keyring.json --root MnaSXunLpXEgYdM6AB8Rs7EW1LOtxiA5YXqtvd-W3S4 --json`,
    )
    .action(async (opts, cmd: Command) => {
      const { runKeysList } = await import("../run/keys-list.js");
      process.exitCode = await runKeysList(commandContext(cmd), opts);
    });
}
