/**
 * Reading a bundle another command builds on (`--continue`, `--since`, redact's input), checked by
 * the verifier so nothing downstream sees a broken one. Every bundle is opened through
 * src/io/bundle-source.ts (one detection of its form, one read).
 */
import { inputName } from "../io/lines.js";
import type { CryptoProvider } from "../core/crypto/provider.js";
import { earlierRecordOf, type EarlierRecords } from "../core/export/earlier.js";
import { readBundleText, type BundleForm, type BundleSink } from "../core/bundle/read.js";
import { checkHeader } from "../core/verify/steps/header.js";
import { examineRecord } from "../core/verify/steps/examine.js";
import type { ShareCapture } from "../core/digest/tree.js";
import { TrustStore } from "../core/jws/trust.js";
import { Verifier, type VerificationReport } from "../core/verify/verifier.js";
import type { JsonObject, JsonValue } from "../core/json/value.js";
import { readStatement, type Statement } from "../core/statement/statement.js";
import { openBundle, type BundleSource } from "../io/bundle-source.js";
import { hasMember } from "../core/json/value.js";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/**
 * The one rule for a file that is not a bundle at all (issue 11, docs/spec.md "Not a bundle"):
 * not JSON even by the plain grammar, not an object, or an object with no `format` member (the
 * reader decides, core/bundle/read.ts `hasBundleShape`). Every command refuses it as bad input
 * data (exit 65). A file that is a bundle but is malformed (a tampered one with a duplicate member
 * is still one) is `invalid` for verify (DESIGN §8) and refused by the commands that build on it.
 *
 * Watches what a sink is given; `watch` takes a sink made of own properties (an object literal)
 * and must be the outermost wrapper, so the reader's `notABundle` reaches it.
 */
export class BundleRecognizer {
  private header: JsonObject | undefined;
  private notBundle: string | undefined;

  watch<S extends BundleSink>(sink: S): S {
    return {
      ...sink,
      header: (h: JsonObject, form: "json" | "jsonl") => {
        this.header ??= h;
        sink.header(h, form);
      },
      notABundle: (reason: string) => {
        this.notBundle ??= reason;
      },
    };
  }

  /** Throws the exit-65 error when what was read is not a bundle at all. */
  refuseNonBundle(file: string): void {
    const name = inputName(file);
    if (this.notBundle !== undefined) throw new CliError(ExitCode.dataError, `${name}: not a bundle: ${this.notBundle}`);
    if (this.header !== undefined && !hasMember(this.header, "format")) {
      throw new CliError(ExitCode.dataError, `${name}: not a bundle: a JSON object with no "format" member (an imladri bundle has "format":"imladri.proof/v1")`);
    }
  }
}

export interface CheckedBundle {
  header: JsonObject;
  statement: Statement;
  report: VerificationReport;
}

/**
 * Reads a bundle through the verifier and refuses it (exit 65) unless it is internally
 * consistent. Streams (issue 6): no record is kept, so a 1M-event JSON Lines bundle is checked in
 * constant memory.
 */
export function checkConsistentBundle(
  crypto: CryptoProvider,
  file: string,
  what = "bundle",
  onRecord?: (record: JsonValue, index: number) => void,
  observe?: ConsistencyObserver,
): CheckedBundle {
  const check = new ConsistencyCheck(crypto, observe);
  const recognizer = new BundleRecognizer();
  const source = openBundle(file);
  try {
    source.read(recognizer.watch(onRecord ? { ...check.sink, record: (r, i, line) => (onRecord(r, i), check.sink.record(r, i, line)) } : check.sink));
  } finally {
    source.close();
  }
  recognizer.refuseNonBundle(file);
  return check.result(inputName(file), what);
}

/** Sees the header, then each event digest in seq order (full bundles and shares), in the same pass. */
export interface ConsistencyObserver {
  header?(header: JsonObject): void;
  digest?(digest: Uint8Array, seq: number): void;
}

/**
 * The verifier's checks of a bundle's consistency, fed as it is read (by `checkConsistentBundle`,
 * or by a command that does its own work in the same pass: redact, issue 14). Only consistency is
 * checked: no key is trusted, and signatures are not the question. `header` and `record` also say
 * whether what they were given is sound so far, for a caller that must not work on a broken part.
 */
export class ConsistencyCheck {
  private readonly verifier: Verifier;
  private seenHeader: JsonObject | undefined;
  readonly sink: BundleSink;

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly observe?: ConsistencyObserver,
  ) {
    const onDigest = observe?.digest;
    const verifier = new Verifier({ crypto, trust: new TrustStore(), ...(onDigest ? { onDigest } : {}) });
    this.verifier = verifier;
    this.sink = {
      header: (h, form) => void this.header(h, form),
      record: (r, i, line) => void this.record(r, i, line),
      problem: (f) => verifier.problem(f),
      end: () => verifier.end(),
    };
  }

  /** Checks the header; false when it has an `invalid` finding (the verifier's own header step, run for the answer). */
  header(h: JsonObject, form: BundleForm): boolean {
    this.seenHeader = h;
    this.observe?.header?.(h);
    this.verifier.header(h, form);
    return !checkHeader(h, form).findings.some((f) => f.effect === "invalid");
  }

  /**
   * Checks record `index` as `Verifier.record` does; false when it has an `invalid` finding.
   * `capture` is filled by the digest walk of a disclosed record (a redaction's, ShareCapture).
   */
  record(r: JsonValue, index: number, line?: number, capture?: ShareCapture): boolean {
    const x = examineRecord(this.crypto, r, index, line, this.verifier.recordNeeds(), capture);
    this.verifier.recordResult(x, index, line);
    return !x.findings.some((f) => f.effect === "invalid");
  }

  /** After the sink's `end`: the checked bundle, or the refusal (exit 65) naming the first `invalid` finding. */
  result(file: string, what: string): CheckedBundle {
    const report = this.verifier.result();
    const header = this.seenHeader;
    const broken = report.findings.find((f) => f.effect === "invalid");
    const statement = header ? readStatement(header.statement).statement : undefined;
    if (broken || !header || !statement) {
      const where = broken ? `${broken.seq !== undefined ? ` seq ${broken.seq}` : ""}${broken.pointer ? ` at ${broken.pointer}` : ""}: ${broken.message}` : "";
      throw new CliError(ExitCode.dataError, `${file}: the ${what} is not a consistent bundle${where}`);
    }
    return { header, statement, report };
  }
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
  // Opened again at the first record (the export may refuse before it needs one): a second
  // opening of the file, with its own detection; a file whose form changed gives no records, and
  // the Exporter reports it as changed.
  let bundle: BundleSource | undefined;
  let source: Generator<JsonValue, void, undefined> | undefined;
  let seq = 0;
  return {
    statement,
    records: {
      length: statement.length,
      head: statement.head,
      next: () => {
        if (bundle === undefined) {
          bundle = openBundle(file);
          source = bundle.form === report.form ? bundle.records() : undefined;
        }
        const r = source?.next();
        return r === undefined || r.done ? undefined : earlierRecordOf(crypto, r.value, seq++);
      },
    },
    close: () => {
      void source?.return();
      bundle?.close();
    },
  };
}

/**
 * What a command made (an excerpt, a checkpoint) must verify, signatures aside, before it is
 * written: a bug never ships a broken one. `since` checks a checkpoint's proof against its anchor.
 */
export function assertVerifiesAsMade(crypto: CryptoProvider, text: string, what: string, since?: Statement): void {
  const verifier = new Verifier({ crypto, trust: new TrustStore(), ...(since ? { since } : {}) });
  readBundleText(text, verifier);
  // since.unproven (a v1 anchor has no tree to prove against) is insufficient, not a fault here.
  const broken = verifier.result().findings.find((f) => f.effect === "invalid");
  if (broken) throw new Error(`internal: the ${what} made does not verify (${broken.code}: ${broken.message})`);
}

/**
 * The `--since` anchor's statement (DESIGN §8, §12): the user's own earlier copy, checked for
 * consistency (exit 65 when it is not). Stdin can be read once: it cannot be both the anchor and
 * the bundle (exit 64).
 */
export function sinceAnchor(crypto: CryptoProvider, since: string, bundle: string): Statement {
  if (since === "-" && bundle === "-") throw new CliError(ExitCode.usage, "--since - and the bundle - cannot both be stdin: give one of them as a file", [], "usage.invalid-value");
  return checkConsistentBundle(crypto, since, "--since bundle").statement;
}
