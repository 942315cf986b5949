/**
 * REFERENCE ONLY (issue 14): src/cli/bundle-input.ts (checkConsistentBundle) as it was before redact became one pass (commit 983ab29),
 * kept unchanged but for its imports so test/cli/redact-one-pass.test.ts can compare the one-pass
 * share with the two-pass one, byte for byte. Not shipped; do not use outside that test.
 */
/**
 * Reading a bundle another command builds on (`--continue`, `--since`, redact's input), checked by
 * the verifier first so nothing downstream sees a broken one.
 */
import type { CryptoProvider } from "../../../src/core/crypto/provider.js";
import { TrustStore } from "../../../src/core/jws/trust.js";
import { Verifier, type VerificationReport } from "../../../src/core/verify/verifier.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { readStatement, type Statement } from "../../../src/core/statement/statement.js";
import { readBundleFile } from "./bundle-file.js";
import { CliError } from "../../../src/cli/errors.js";
import { ExitCode } from "../../../src/cli/exit-codes.js";

export interface CheckedBundle {
  header: JsonObject;
  statement: Statement;
  report: VerificationReport;
}

/**
 * Reads a bundle through the verifier and refuses it (exit 65) unless it is internally
 * consistent. Streams (issue 6): nothing is kept but what `onRecord` keeps, so a 1M-event JSON
 * Lines bundle is checked in constant memory.
 */
export function checkConsistentBundle(
  crypto: CryptoProvider,
  file: string,
  what = "bundle",
  onRecord?: (record: JsonValue, index: number) => void,
): CheckedBundle {
  // Only consistency is checked here: no key is trusted, and signatures are not the question.
  const verifier = new Verifier({ crypto, trust: new TrustStore() });
  let header: JsonObject | undefined;
  readBundleFile(file, {
    header: (h, form) => {
      header = h;
      verifier.header(h, form);
    },
    record: (r, i, line) => {
      onRecord?.(r, i);
      verifier.record(r, i, line);
    },
    problem: (f) => verifier.problem(f),
    end: () => verifier.end(),
  });
  const report = verifier.result();
  const broken = report.findings.find((f) => f.effect === "invalid");
  const statement = header ? readStatement(header.statement).statement : undefined;
  if (broken || !header || !statement) {
    const where = broken ? `${broken.seq !== undefined ? ` seq ${broken.seq}` : ""}${broken.pointer ? ` at ${broken.pointer}` : ""}: ${broken.message}` : "";
    throw new CliError(ExitCode.dataError, `${file}: the ${what} is not a consistent bundle${where}`);
  }
  return { header, statement, report };
}

