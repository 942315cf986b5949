/**
 * `imladri keys revoke <kid>`: an entry revoking one key, signed by an active key (DESIGN §7).
 * From then on a signature by the revoked key makes any bundle `invalid`, whenever it was made.
 */
import { isKid } from "../../core/jws/jwk.js";
import { extendKeyring } from "../../core/keyring/sign.js";
import { formatTimestamp } from "../../core/time.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { printJson, printLine } from "../output.js";
import { warn, type CommandContext } from "../context.js";
import { loadActiveSigner, loadKeyringForChange, parseRoot, replaceKeyring, withKeyringLock } from "./keys-file.js";
import { refuseUnwritable } from "./keys-output.js";

export interface KeysRevokeOptions {
  keyring: string;
  keyFile?: string;
  reason: string;
  root?: string;
}

export async function runKeysRevoke(ctx: CommandContext, kid: string, opts: KeysRevokeOptions): Promise<number> {
  const { crypto } = ctx;
  if (!isKid(kid)) throw new CliError(ExitCode.usage, `${JSON.stringify(kid.slice(0, 60))}: expected a kid (43 base64url characters, as keys list prints it)`);
  if (opts.reason.trim() === "") throw new CliError(ExitCode.usage, "--reason must say why (it is recorded in the keyring for auditors)");
  const root = parseRoot(opts.root);
  // Read, checked and written under the keyring's lock: a concurrent change is never lost, and a
  // key revoked meanwhile is refused as already revoked.
  const { signer, write } = await withKeyringLock(opts.keyring, "keys revoke", async () => {
    const loaded = loadKeyringForChange(crypto, opts.keyring, root);
    const target = loaded.keyring.keys.find((k) => k.kid === kid);
    if (target === undefined) throw new CliError(ExitCode.dataError, `${opts.keyring}: no key ${kid} in the keyring (keys list shows its keys)`);
    if (target.status === "revoked") throw new CliError(ExitCode.dataError, `${opts.keyring}: key ${kid} is already revoked (${target.revoked?.at ?? "?"})`);
    const signer = loadActiveSigner(crypto, opts.keyFile, loaded);
    const write = extendKeyring(crypto, loaded.keyring, { revoke: [{ kid, reason: opts.reason }] }, [signer], formatTimestamp(new Date()));
    if (!write.ok) refuseUnwritable(write.findings);
    replaceKeyring(loaded, write.keyring);
    return { signer, write };
  });
  for (const f of write.findings) if (f.effect === "warning") warn(ctx, `${opts.keyring}: ${f.message}`);
  const active = write.keyring.keys.filter((k) => k.status === "active").length;
  if (active === 0) {
    warn(ctx, `${opts.keyring} has no active key left: it can never change again (bundles signed by its retired keys still verify); start a new keyring and re-pin it`);
  }
  const seq = write.keyring.log.length - 1;
  if (ctx.json) {
    printJson({ keyring: opts.keyring, seq, revoked: [kid], signedBy: signer.kid, activeKeys: active });
    return 0;
  }
  const { c } = ctx;
  printLine(`${c.red("revoked")} ${kid} in ${opts.keyring} (entry ${seq}, signed by ${signer.kid})`);
  printLine(`  every bundle signed by it is now invalid; publish the updated keyring to your verifiers`);
  return 0;
}
