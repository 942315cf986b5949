/**
 * Reading a bundle another command builds on (`--continue`, `--since`, redact's input), checked by
 * the verifier first so nothing downstream sees a broken one.
 */
import type { CryptoProvider } from "../core/crypto/provider.js";
import { earlierRecordOf, type EarlierRecords } from "../core/export/earlier.js";
import { TrustStore } from "../core/jws/trust.js";
import { Verifier, type VerificationReport } from "../core/verify/verifier.js";
import type { JsonObject, JsonValue } from "../core/json/value.js";
import { readStatement, type Statement } from "../core/statement/statement.js";
import { readBundleFile } from "../io/bundle-file.js";
import { bundleRecords } from "../io/bundle-records.js";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

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
  /** Sees the header, then each event digest in seq order (full bundles and shares), in the same pass. */
  observe?: { header?(header: JsonObject): void; digest?(digest: Uint8Array, seq: number): void },
): CheckedBundle {
  // Only consistency is checked here: no key is trusted, and signatures are not the question.
  const onDigest = observe?.digest;
  const verifier = new Verifier({ crypto, trust: new TrustStore(), ...(onDigest ? { onDigest } : {}) });
  let header: JsonObject | undefined;
  readBundleFile(file, {
    header: (h, form) => {
      header = h;
      observe?.header?.(h);
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

/** The earlier bundle of `proof export --continue`, open for reading in step with the new log. */
export interface BundleToContinue {
  statement: Statement;
  records: EarlierRecords;
  /** Closes the file, which is opened at the first record (the export may stop before the last). */
  close(): void;
}

/**
 * Opens the earlier bundle of `proof export --continue` without holding it (issue 6): it is
 * checked first, streaming, and must be a consistent full bundle (a share has no seeds); its
 * records are then read a second time, one per new event, and each is checked again. The Exporter
 * compares the chain they make with the head checked first (src/core/export/earlier.ts), so a file
 * changed between the two reads is refused. It is read twice, so it must be a file, not stdin.
 */
export function openBundleToContinue(crypto: CryptoProvider, file: string): BundleToContinue {
  if (file === "-") {
    throw new CliError(ExitCode.usage, "--continue needs the earlier bundle as a file, not stdin: it is read twice (checked first, then in step with the new log)");
  }
  const { header, statement, report } = checkConsistentBundle(crypto, file, "bundle to continue");
  if (header.kind !== "full") throw new CliError(ExitCode.dataError, `${file}: is ${header.kind === "excerpt" ? "an" : "a"} ${String(header.kind)}; continuing a chain needs the full bundle with its seeds`);
  const source = bundleRecords(file, report.form ?? "json");
  let seq = 0;
  return {
    statement,
    records: {
      length: statement.length,
      head: statement.head,
      next: () => {
        const r = source.next();
        return r.done ? undefined : earlierRecordOf(crypto, r.value, seq++);
      },
    },
    close: () => void source.return(),
  };
}
