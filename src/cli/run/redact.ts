/**
 * `imladri proof redact`: an auditor share that still verifies against the issuer's signature
 * (DESIGN §6, §9; docs/redaction.md). Streams in ONE pass over the input (issue 14), so memory
 * does not grow with the number of events and the input is read once (stdin, a FIFO or a file
 * that changes while it is read are all the same to it): each record goes through the verifier's
 * per-record checks, then is redacted, scanned for what it would still disclose, counted (and
 * digested, when a redactor signs) and spooled beside the output. Once a record or the header is
 * found broken, no more records are redacted.
 *
 * At the end of the pass the verifier's whole-bundle checks (chain head, length, statement) settle
 * whether the input is consistent: a broken bundle is never turned into a share that looks fine,
 * and any `invalid` finding removes the spool and writes nothing. Then the findings are settled
 * against `--accept`: only when none blocks is the share written (atomically, from the spool).
 */
import { inputName } from "../../io/lines.js";
import { printable } from "../../core/text/printable.js";
import type { BundleSink } from "../../core/bundle/read.js";
import type { BundleFormat } from "../../core/bundle/serialize.js";
import { bundleFormatFor, type BundleHeader, type EventRecord } from "../../core/bundle/types.js";
import type { CryptoProvider } from "../../core/crypto/provider.js";
import type { HexDigest } from "../../core/encoding/hex.js";
import { describeLeak, scanRecord } from "../../core/detect/scan.js";
import { JsonSyntaxError, parseJsonBytes } from "../../core/json/parse.js";
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../../core/json/value.js";
import type { JwsSignature } from "../../core/jws/detached.js";
import type { PrivateKey } from "../../core/jws/jwk.js";
import { countRecord, emptyStats, makeRedactionBlock, policyDigest, RecordsDigest, type BlockInput } from "../../core/redact/block.js";
import { countRedacted, describeHidden, redactedPointers, type RedactedCounts } from "../../core/redact/hidden.js";
import { BUILT_IN_POLICIES } from "../../core/redact/policies.js";
import { readPolicy, type Policy } from "../../core/redact/policy.js";
import {
  appliedFromCapture,
  applyPolicyToRecord,
  extendPolicy,
  FindingSettler,
  planDisclosedRecord,
  RuleSpecError,
  type PlanEntry,
  type SettledFindings,
} from "../../core/redact/share.js";
import { proofIdentity, statementDigest, type Statement } from "../../core/statement/statement.js";
import { formatTimestamp } from "../../core/time.js";
import { assertWritable, readInputBytes } from "../../io/files.js";
import { openBundle, type BundleSource } from "../../io/bundle-source.js";
import { BundleFileWriter } from "../../io/bundle-writer.js";
import { BundleRecognizer, ConsistencyCheck } from "../bundle-input.js";
import { CliError } from "../errors.js";
import { unknownName } from "../suggest.js";
import { IoError } from "../../io/errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadSigningKey } from "../key-files.js";
import { outputToStdout, printJson, printLine } from "../output.js";
import { isStdout } from "../../io/stdout.js";
import { startProgress } from "../progress.js";
import { withProgress } from "../progress-sink.js";
import { warn, type CommandContext } from "../context.js";

export interface RedactOptions {
  out?: string;
  policy?: string;
  redact: string[];
  elide: string[];
  accept: string[];
  keyFile?: string;
  format?: BundleFormat;
  dryRun?: boolean;
  force?: boolean;
}

/** Findings listed in a message; the rest are counted. */
const MAX_LISTED = 50;
/** Blocking findings kept (the first by severity, then seq) for the message and `--json`; the rest are counted. */
const MAX_KEPT_BLOCKING = 1000;

export async function runRedact(ctx: CommandContext, bundle: string, opts: RedactOptions): Promise<number> {
  const { crypto } = ctx;
  if (opts.out === undefined && !opts.dryRun) throw new CliError(ExitCode.usage, "--out <share> is required (or --dry-run to only see what would be hidden)");
  const format: BundleFormat = opts.format ?? (opts.out?.endsWith(".jsonl") ? "jsonl" : "json");
  if (opts.out !== undefined && !opts.dryRun && !outputToStdout(opts.out)) assertWritable(opts.out, { force: opts.force, what: "share" });

  // A finding id is 16 lowercase hex characters (core/detect/scan.ts): anything else is a typo.
  for (const id of opts.accept) {
    if (!/^[0-9a-f]{16}$/.test(id)) throw new CliError(ExitCode.usage, `--accept ${JSON.stringify(id)}: a finding id is 16 lowercase hex characters, as --dry-run lists it`, [], "usage.invalid-value");
  }
  let policy = loadPolicy(opts.policy ?? "auditor");
  try {
    policy = extendPolicy(policy, opts.redact, opts.elide);
  } catch (e) {
    if (e instanceof RuleSpecError) throw new CliError(ExitCode.usage, e.message);
    throw e;
  }
  // DESIGN §7: a private key comes from a 0600 file; the redactor signs only when asked to.
  const key = opts.keyFile !== undefined ? loadSigningKey(crypto, opts.keyFile) : undefined;

  const input = openBundle(bundle);
  try {
    return redactBundle(ctx, bundle, input, opts, policy, format, key);
  } finally {
    input.close();
  }
}

function redactBundle(
  ctx: CommandContext,
  bundle: string,
  input: BundleSource,
  opts: RedactOptions,
  policy: Policy,
  format: BundleFormat,
  key: PrivateKey | undefined,
): number {
  const { crypto } = ctx;
  const digestOfPolicy = policyDigest(crypto, policy as unknown as JsonObject);
  const dryRunText = Boolean(opts.dryRun) && !ctx.json;
  if (dryRunText) printLine(`${ctx.c.bold("dry run")}: nothing written. Policy ${printable(policy.name)} (${digestOfPolicy.slice(0, 16)}…)`);

  const writer = opts.dryRun ? undefined : new BundleFileWriter(opts.out!, format, { force: opts.force, what: "share" });
  try {
    // One pass: check, apply the policy, scan, count and spool, one record at a time.
    const check = new ConsistencyCheck(crypto);
    const pass = new SharePass(crypto, policy, opts.accept, writer, key !== undefined && writer !== undefined, ctx.json);
    // A dry run's plan lines are its progress when they go to the terminal.
    const progress = startProgress("redacting", ctx.json || (dryRunText && Boolean(process.stdout.isTTY)));
    const recognizer = new BundleRecognizer();
    try {
      input.read(recognizer.watch(withProgress(pass.sink(check, dryRunText ? (p, r) => printPlanLine(ctx, p, r) : undefined), progress)));
    } finally {
      progress.finish();
    }
    recognizer.refuseNonBundle(bundle);
    // The chain, length and statement checks complete here, before anything is written.
    const checked = check.result(inputName(bundle), "bundle to redact");
    const signatures = checked.header.signatures as unknown as JwsSignature[];
    if (signatures.length === 0) warn(ctx, `${bundle} is unsigned: the share will not verify either`);
    const { stats, plan } = pass;

    const settled = pass.settler.result();
    if (settled.unknown.length > 0) {
      throw new CliError(
        ExitCode.usage,
        `--accept ${settled.unknown.join(", ")}: no such finding in what the share would disclose (a typo, or the value is now hidden); nothing was written`,
      );
    }
    const blocked = settled.blockingCount > 0;
    const summary = {
      bundle,
      out: opts.out ?? null,
      format,
      dryRun: Boolean(opts.dryRun),
      written: !blocked && !opts.dryRun,
      identity: proofIdentity(crypto, checked.statement),
      policy: { name: policy.name, digest: digestOfPolicy },
      stats,
      plan,
      accepted: settled.accepted,
      blocking: settled.blocking,
      blockingCount: settled.blockingCount,
      redactor: key ? key.kid : null,
    };
    const howToFix = fixAdvice(settled);

    if (blocked && !opts.dryRun) {
      if (ctx.json) {
        printJson(summary);
        return ExitCode.invalid;
      }
      throw new CliError(
        ExitCode.invalid,
        `${settled.blockingCount} finding(s) in what the share would disclose; nothing was written. For each: redact it (--redact SEQ:POINTER) or accept it (--accept ID)`,
        listed(howToFix, settled.blockingCount),
      );
    }
    if (opts.dryRun) {
      if (ctx.json) printJson(summary);
      else printDryRunEnd(ctx, settled, howToFix);
      return blocked ? ExitCode.invalid : ExitCode.ok;
    }

    const eventsDigest = pass.eventsDigest();
    const header = redactedHeader(crypto, "share", checked.statement, signatures, { policy, stats, accepted: settled.accepted, ...(key && eventsDigest ? { signer: { key, eventsDigest } } : {}) });
    writer!.finish(header);
    if (ctx.json) {
      printJson(summary);
      return ExitCode.ok;
    }
    const { c } = ctx;
    printLine(`${c.green("wrote share")} ${isStdout(opts.out) ? "to stdout" : printable(opts.out!)} (${format}) with policy ${printable(policy.name)}`);
    printLine(`  identity  ${summary.identity} (the source's: the issuer signature still applies)`);
    printLine(`  hidden    ${describeHidden({ ...stats, ...pass.redacted })}`);
    printLine(`  accepted  ${settled.accepted.length} finding(s)${settled.accepted.length ? ": " + settled.accepted.map((f) => f.id).join(", ") : ""}`);
    printLine(`  signed by ${key ? `${key.kid} (redactor)` : c.dim("no redactor (give --key-file to sign the redaction)")}`);
    return ExitCode.ok;
  } finally {
    // Removes the spool unless finish() already has: a refused share leaves nothing behind.
    writer?.discard();
  }
}

/**
 * The pass, one record at a time: what it keeps is counts, the findings settled so far
 * (FindingSettler keeps few), the running records digest when a redactor signs, and for --json the
 * plan entries (no records).
 */
class SharePass {
  readonly stats = emptyStats();
  /** For the summary line; not in `stats`, whose members DESIGN §6 fixes. */
  readonly redacted: RedactedCounts = { redactedFields: 0, redactedEvents: 0 };
  /** Made from the header (the ids an input share already accepted carry over). */
  private settled: FindingSettler | undefined;
  readonly plan: PlanEntry[] = [];
  /** False from the first record or header the checks find broken: nothing after it is redacted. */
  private sound = true;
  private readonly events: RecordsDigest | undefined;

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly policy: Policy,
    private readonly accept: readonly string[],
    private readonly writer: BundleFileWriter | undefined,
    signed: boolean,
    private readonly keepPlan: boolean,
  ) {
    this.events = signed ? new RecordsDigest(crypto) : undefined;
  }

  get settler(): FindingSettler {
    if (this.settled === undefined) throw new Error("internal: the share pass read no header");
    return this.settled;
  }

  /**
   * The bundle into `check` and, record by record while everything checked so far is sound, into
   * the redactor: a record reaches `applyPolicyToRecord` only after the verifier's record checks
   * (structure, digest) found nothing `invalid` in it or before it, as in the check-first design.
   */
  sink(check: ConsistencyCheck, onPlan?: (p: PlanEntry, input: JsonValue) => void): BundleSink {
    return {
      header: (h, form) => {
        // DESIGN §12: a checkpoint has no events; an excerpt is redacted further by `proof excerpt`,
        // which keeps each event's inclusion path.
        if (h.kind === "checkpoint" || h.kind === "excerpt") throw notForRedact(h.kind);
        this.sound = check.header(h, form);
        this.settled = new FindingSettler(this.accept, previouslyAccepted(h), MAX_KEPT_BLOCKING);
      },
      record: (r, i, line) => {
        // A disclosed record's targets are worked out before its check, so that the check's digest
        // walk captures the salts and node digests the share needs (issue 14: one walk, not two).
        const planned = this.sound ? planDisclosedRecord(this.policy, r) : undefined;
        this.sound = check.record(r, i, line, planned?.capture) && this.sound;
        if (!this.sound) return;
        const applied = (planned && appliedFromCapture(planned)) ?? applyPolicyToRecord(this.crypto, r as unknown as EventRecord, this.policy);
        for (const f of scanRecord(this.crypto, applied.record)) this.settler.add(f);
        countRecord(this.stats, applied.record);
        countRedacted(this.redacted, redactedPointers(applied.record));
        if (this.writer) {
          const jcs = this.writer.add(applied.record);
          // The digest a redactor signs is over the same JCS bytes that are written.
          this.events?.pushCanonical(jcs);
        }
        const p = applied.plan;
        if (this.keepPlan && (p.action !== "redact" || p.pointers.length > 0)) this.plan.push(p);
        onPlan?.(p, r);
      },
      problem: (f) => {
        this.sound = false;
        check.sink.problem(f);
      },
      end: () => check.sink.end(),
    };
  }

  /** H(JCS(records)) of what was written, when a redactor signs; call once, at the end. */
  eventsDigest(): HexDigest | undefined {
    return this.events?.digest();
  }
}

function printDryRunEnd(ctx: CommandContext, settled: SettledFindings, howToFix: string[]): void {
  const { c } = ctx;
  for (const f of settled.accepted) printLine(`  ${c.dim("accepted")} ${printable(describeLeak(f))}`);
  if (settled.blockingCount === 0) {
    printLine(c.green("  no unaccepted findings: the share would be written"));
    return;
  }
  printLine(c.red(`  ${settled.blockingCount} finding(s) would block the share:`));
  for (const line of listed(howToFix, settled.blockingCount, Infinity)) printLine(`    ${printable(line)}`);
}

/** `auditor`, `strict`, or a policy file (a value with a `/` or ending in .json is always a file). */
export function loadPolicy(spec: string): Policy {
  // Own members only: `--policy constructor` is not a built-in policy (issue 11).
  const builtIn = Object.hasOwn(BUILT_IN_POLICIES, spec) ? BUILT_IN_POLICIES[spec] : undefined;
  if (builtIn !== undefined && !spec.includes("/") && !spec.endsWith(".json")) return builtIn;
  let doc: JsonValue;
  try {
    doc = parseJsonBytes(readInputBytes(spec, "policy"));
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CliError(ExitCode.dataError, `${spec}:${e.line}:${e.column}: not strict JSON: ${e.message}`);
    if (e instanceof IoError && e.kind === "notFound" && !spec.includes("/") && !spec.endsWith(".json")) {
      throw unknownName("--policy", spec, "policy: not a built-in one nor a file", Object.keys(BUILT_IN_POLICIES));
    }
    throw e;
  }
  const r = readPolicy(doc);
  if (!r.policy) {
    throw new CliError(ExitCode.dataError, `${spec}: not a redaction policy (schemas/policy.schema.json)`, listed(r.problems.map((p) => `${spec} ${p.pointer || "(root)"}: ${p.message}`), r.problemCount));
  }
  return r.policy;
}

/** Ids the input share already accepted (they carry over while the value stays disclosed). */
export function previouslyAccepted(header: JsonObject): string[] {
  const block = header.redaction;
  if (!isJsonObject(block) || !isJsonArray(block.accepted)) return [];
  return block.accepted.flatMap((a) => (isJsonObject(a) && hasMember(a, "id") && typeof a.id === "string" ? [a.id] : []));
}

/** At most `max` lines, then how many more of `total` there are. */
export function listed(lines: string[], total = lines.length, max = MAX_LISTED): string[] {
  const shown = lines.slice(0, max);
  return total > shown.length ? [...shown, `... and ${total - shown.length} more`] : shown;
}

/** How to clear each blocking finding, one line each (redact and excerpt say it alike). */
export function fixAdvice(settled: SettledFindings): string[] {
  return settled.blocking.map((f) => `${describeLeak(f)}  → --redact ${f.seq}:${f.pointer} or --accept ${f.id}`);
}

/**
 * The header of a share or an excerpt: its source's statement and signatures copied verbatim
 * (DESIGN §6: so its identity is its source's), the bundle format of that statement's version
 * (§12), and the redaction block, signed by the redactor when `signer` is given.
 */
export function redactedHeader(
  crypto: CryptoProvider,
  kind: "share" | "excerpt",
  statement: Statement,
  signatures: JwsSignature[],
  block: Omit<BlockInput, "statementDigest" | "createdAt">,
): BundleHeader {
  const redaction = makeRedactionBlock(crypto, { ...block, statementDigest: statementDigest(crypto, statement), createdAt: formatTimestamp(new Date()) });
  return { format: bundleFormatFor(statement), kind, statement, signatures, redaction: redaction as unknown as JsonObject };
}

function notForRedact(kind: "checkpoint" | "excerpt"): CliError {
  return new CliError(
    ExitCode.dataError,
    kind === "checkpoint"
      ? "the input is a checkpoint: it holds no events to redact"
      : "the input is an excerpt: redact it further with imladri proof excerpt <excerpt> --seq ... --policy ... (it keeps each event's inclusion path)",
  );
}

/** One line of a dry run's plan, printed as the record is redacted. */
function printPlanLine(ctx: CommandContext, p: PlanEntry, input: JsonValue): void {
  const { c } = ctx;
  const event = isJsonObject(input) ? input.event : undefined;
  const type = isJsonObject(event) && typeof event.type === "string" ? event.type : "";
  const what = p.action === "elide" ? c.yellow("elide") : p.action === "elided" ? c.dim("already elided") : p.pointers.length ? `redact ${printable(p.pointers.join(", "))}` : c.dim("unchanged");
  printLine(`  seq ${String(p.seq).padEnd(4)} ${printable(type).padEnd(18)} ${what}`);
}
