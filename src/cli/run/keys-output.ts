/** What the keys commands share when writing fails or a change is refused, and the key table. */
import { printable } from "../../core/text/printable.js";
import type { ChalkInstance } from "chalk";
import type { DerivedKey } from "../../core/keyring/types.js";
import type { Finding } from "../../core/verify/finding.js";
import { CliError, toCliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";

/** A change the replay refuses (e.g. retiring a key that is not active): nothing is written. */
export function refuseUnwritable(findings: readonly Finding[]): never {
  const problems = findings.filter((f) => f.effect === "invalid");
  throw new CliError(
    ExitCode.dataError,
    "the new keyring entry would not verify; nothing was written",
    problems.map((f) => `${f.code}${f.pointer ? ` [${printable(f.pointer)}]` : ""}: ${printable(f.message)}`),
  );
}

/**
 * Runs the keyring write that follows a new private key's; if it fails, says that the key file
 * was written but is in no keyring (it is harmless, and the user decides whether to delete it).
 */
export function orphanKeyNote(keyFile: string, write: () => void): void {
  try {
    write();
  } catch (thrown) {
    const e = toCliError(thrown);
    if (e instanceof CliError) {
      throw new CliError(e.exitCode, e.message, [...e.details, `the new private key ${keyFile} was written but is not in the keyring: delete it before trying again`], e.code);
    }
    throw e;
  }
}

/** One line per key: kid, status, created, and when it was retired or revoked (and why). */
export function keyLines(c: ChalkInstance, keys: readonly DerivedKey[]): string[] {
  const lines = [`  ${"kid".padEnd(43)}  ${"status".padEnd(7)}  ${"created".padEnd(24)}  retired / revoked`];
  for (const k of keys) {
    const status = k.status === "active" ? c.green(k.status.padEnd(7)) : k.status === "retired" ? c.dim(k.status.padEnd(7)) : c.red(k.status.padEnd(7));
    const ended = [k.retired !== undefined ? `retired ${printable(k.retired)}` : "", k.revoked ? `revoked ${printable(k.revoked.at)} (${printable(k.revoked.reason)})` : ""].filter(Boolean).join(", ");
    lines.push(`  ${printable(k.kid)}  ${status}  ${printable(k.created).padEnd(24)}  ${ended}`.trimEnd());
  }
  return lines;
}
