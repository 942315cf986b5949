/**
 * Reading a whole (small enough) bundle into memory for commands that need its records at once
 * (`--continue`, `--since`), checked by the verifier first so nothing downstream sees a broken one.
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

export interface LoadedBundle {
  header: JsonObject;
  records: JsonValue[];
  statement: Statement;
  report: VerificationReport;
}

/** Loads a bundle and refuses it (exit 65) unless it is internally consistent. */
export function loadConsistentBundle(crypto: CryptoProvider, file: string, trust: TrustStore = new TrustStore(), what = "bundle"): LoadedBundle {
  const verifier = new Verifier({ crypto, trust });
  let header: JsonObject | undefined;
  const records: JsonValue[] = [];
  readBundleFile(file, {
    header: (h, form) => {
      header = h;
      verifier.header(h, form);
    },
    record: (r, i, line) => {
      records.push(r);
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
  return { header, records, statement, report };
}

export function disclosedRecords(file: string, loaded: LoadedBundle): DisclosedRecord[] {
  if (loaded.header.kind !== "full") throw new CliError(ExitCode.dataError, `${file}: is a share; continuing a chain needs the full bundle with its seeds`);
  return loaded.records as unknown as DisclosedRecord[];
}
