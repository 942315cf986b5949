/** `imladri keys init`: a new keyring whose entry 0 adds a freshly generated key (DESIGN §7). */
import { generatePrivateKey } from "../../core/keyring/generate.js";
import { createKeyring } from "../../core/keyring/sign.js";
import { formatTimestamp } from "../../core/time.js";
import { printJson, printLine } from "../output.js";
import type { CommandContext } from "../context.js";
import { assertNewKeyPath, assertNewPath, writeNewKeyring, writePrivateKeyFile } from "./keys-file.js";
import { orphanKeyNote, refuseUnwritable } from "./keys-output.js";

export interface KeysInitOptions {
  keyring: string;
  outKey: string;
}

export async function runKeysInit(ctx: CommandContext, opts: KeysInitOptions): Promise<number> {
  const { crypto } = ctx;
  // Both paths are checked before anything is generated or written, so a refusal leaves nothing.
  assertNewPath(opts.keyring, "keys init starts a new keyring and never replaces one: change it with keys rotate or keys revoke", "keyring");
  assertNewKeyPath(opts.outKey, [opts.keyring]);
  const key = generatePrivateKey(crypto);
  const write = createKeyring(crypto, [key], formatTimestamp(new Date()));
  if (!write.ok) refuseUnwritable(write.findings);
  writePrivateKeyFile(opts.outKey, key);
  orphanKeyNote(opts.outKey, () => writeNewKeyring(opts.keyring, write.keyring));
  if (ctx.json) {
    printJson({ keyring: opts.keyring, root: key.kid, added: [{ kid: key.kid, privateKeyFile: opts.outKey }] });
    return 0;
  }
  const { c } = ctx;
  printLine(`${c.green("created")} keyring ${opts.keyring} with root key ${key.kid}`);
  printLine(`  private key  ${opts.outKey} (mode 0600): keep it in a secret store, never in the repository`);
  printLine(`  pin it in CI: imladri proof verify proof.json --keyring ${opts.keyring} --root ${key.kid}`);
  return 0;
}
