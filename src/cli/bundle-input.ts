/**
 * Reading a bundle another command builds on (`--continue`, `--since`, redact's input), checked by
 * the verifier first so nothing downstream sees a broken one.
 */
import type { CryptoProvider } from "../core/crypto/provider.js";
import type { DisclosedRecord } from "../core/bundle/types.js";
import { TrustStore } from "../core/jws/trust.js";
import { Verifier, type VerificationReport } from "../core/verify/verifier.js";
import type { JsonObject, JsonValue } from "../core/json/value.js";
import { readStatement, type Statement } from "../core/statement/statement.js";
import { readBundleFile } from "../io/bundle-file.js";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

export interface CheckedBundle {
  header: JsonObject;
  statement: Statement;
  report: VerificationReport;
}

export interface LoadedBundle extends CheckedBundle {
  records: JsonValue[];
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
  trust: TrustStore = new TrustStore(),
): CheckedBundle {
  const verifier = new Verifier({ crypto, trust });
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

/** The same, keeping every record in memory (for bundles small enough to hold). */
export function loadConsistentBundle(crypto: CryptoProvider, file: string, trust: TrustStore = new TrustStore(), what = "bundle"): LoadedBundle {
  const records: JsonValue[] = [];
  const checked = checkConsistentBundle(crypto, file, what, (r) => records.push(r), trust);
  return { ...checked, records };
}

export function disclosedRecords(file: string, loaded: LoadedBundle): DisclosedRecord[] {
  if (loaded.header.kind !== "full") throw new CliError(ExitCode.dataError, `${file}: is a share; continuing a chain needs the full bundle with its seeds`);
  return loaded.records as unknown as DisclosedRecord[];
}
