/**
 * `imladri keys rotate`: a new key is added and the signing key retired (or revoked with
 * --revoke-old), in one entry signed by both (DESIGN §7). The new private key is written first:
 * if the keyring write then fails, an unused key file is left, never a keyring naming a key whose
 * private part was lost.
 */
import { generatePrivateKey } from "../../core/keyring/generate.js";
import { extendKeyring, type KeyChange } from "../../core/keyring/sign.js";
import { formatTimestamp } from "../../core/time.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { printJson, printLine } from "../output.js";
import { warn, type CommandContext } from "../context.js";
import { assertNewKeyPath, loadActiveSigner, loadKeyringForChange, parseRoot, replaceKeyring, withKeyringLock, writePrivateKeyFile } from "./keys-file.js";
import { orphanKeyNote, refuseUnwritable } from "./keys-output.js";

export interface KeysRotateOptions {
  keyring: string;
  keyFile?: string;
  outKey: string;
  revokeOld?: boolean;
  reason?: string;
  root?: string;
}

export async function runKeysRotate(ctx: CommandContext, opts: KeysRotateOptions): Promise<number> {
  const { crypto } = ctx;
  if (opts.revokeOld && (opts.reason === undefined || opts.reason.trim() === "")) {
    throw new CliError(ExitCode.usage, "--revoke-old needs --reason <text>: the reason is recorded in the keyring for auditors");
  }
  if (!opts.revokeOld && opts.reason !== undefined) {
    throw new CliError(ExitCode.usage, "--reason goes with --revoke-old (a retired key has no reason recorded)");
  }
  assertNewKeyPath(opts.outKey, [opts.keyring, ...(opts.keyFile !== undefined ? [opts.keyFile] : [])]);
  const root = parseRoot(opts.root);
  // Read, decided and written under the keyring's lock: a concurrent change is never lost.
  const { old, key, write } = await withKeyringLock(opts.keyring, "keys rotate", async () => {
    const loaded = loadKeyringForChange(crypto, opts.keyring, root);
    const old = loadActiveSigner(crypto, opts.keyFile, loaded);
    const key = generatePrivateKey(crypto);
    const change: KeyChange = opts.revokeOld ? { add: [key], revoke: [{ kid: old.kid, reason: opts.reason! }] } : { add: [key], retire: [old.kid] };
    const write = extendKeyring(crypto, loaded.keyring, change, [old], formatTimestamp(new Date()));
    if (!write.ok) refuseUnwritable(write.findings);
    writePrivateKeyFile(opts.outKey, key);
    orphanKeyNote(opts.outKey, () => replaceKeyring(loaded, write.keyring));
    return { old, key, write };
  });
  for (const f of write.findings) if (f.effect === "warning") warn(ctx, `${opts.keyring}: ${f.message}`);

  const oldStatus = opts.revokeOld ? "revoked" : "retired";
  const seq = write.keyring.log.length - 1;
  if (ctx.json) {
    printJson({ keyring: opts.keyring, seq, added: [{ kid: key.kid, privateKeyFile: opts.outKey }], [oldStatus]: [old.kid] });
    return 0;
  }
  const { c } = ctx;
  printLine(`${c.green("rotated")} ${opts.keyring} (entry ${seq})`);
  printLine(`  new key   ${key.kid} active, private key in ${opts.outKey} (mode 0600)`);
  printLine(`  old key   ${old.kid} ${opts.revokeOld ? c.red("revoked") + `: every bundle it signed is now invalid` : "retired: bundles it signed still verify"}`);
  printLine(`  next: move ${opts.outKey} to your secret store, sign with it, and publish the updated keyring`);
  return 0;
}
