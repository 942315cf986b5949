/**
 * `imladri proof redact`: an auditor share that still verifies against the issuer's signature
 * (DESIGN §6, §9; docs/redaction.md). Streams (issue 6), in two passes over the input, so memory
 * does not grow with the number of events:
 *
 *   1. the input is checked through the verifier, keeping no record: a broken bundle is never
 *      turned into a share that looks fine;
 *   2. it is read again; each record is redacted, scanned for what it would still disclose,
 *      counted (and digested, when a redactor signs) and spooled beside the output.
 *
 * Then the findings are settled against `--accept`: only when none blocks is the share written
 * (atomically, from the spool); otherwise the spool is removed and nothing is written.
 */
import type { BundleSink } from "../../core/bundle/read.js";
import type { BundleFormat } from "../../core/bundle/serialize.js";
import { BUNDLE_FORMAT, type BundleHeader, type EventRecord } from "../../core/bundle/types.js";
import type { CryptoProvider } from "../../core/crypto/provider.js";
import type { HexDigest } from "../../core/encoding/hex.js";
import { describeLeak, scanRecord } from "../../core/detect/scan.js";
import { utf8 } from "../../core/encoding/utf8.js";
import { canonicalize } from "../../core/json/canonical.js";
import { JsonSyntaxError, parseJsonBytes } from "../../core/json/parse.js";
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../../core/json/value.js";
import type { JwsSignature } from "../../core/jws/detached.js";
import type { PrivateKey } from "../../core/jws/jwk.js";
import { countRecord, emptyStats, makeRedactionBlock, policyDigest, RecordsDigest } from "../../core/redact/block.js";
import { BUILT_IN_POLICIES } from "../../core/redact/policies.js";
import { readPolicy, type Policy } from "../../core/redact/policy.js";
import { applyPolicyToRecord, extendPolicy, FindingSettler, RuleSpecError, type PlanEntry, type SettledFindings } from "../../core/redact/share.js";
import { proofIdentity, statementDigest } from "../../core/statement/statement.js";
import { formatTimestamp } from "../../core/time.js";
import { assertWritable, readInputBytes } from "../../io/files.js";
import { readBundleFile, RereadableBundle } from "../../io/bundle-file.js";
import { BundleFileWriter } from "../../io/bundle-writer.js";
import { checkConsistentBundle, type CheckedBundle } from "../bundle-input.js";
import { CliError, toCliError } from "../errors.js";
import { IoError } from "../../io/errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadSigningKey } from "../key-files.js";
import { printJson, printLine } from "../output.js";
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
  if (opts.out !== undefined && !opts.dryRun) assertWritable(opts.out, { force: opts.force, what: "share" });

  let policy = loadPolicy(opts.policy ?? "auditor");
  try {
    policy = extendPolicy(policy, opts.redact, opts.elide);
  } catch (e) {
    if (e instanceof RuleSpecError) throw new CliError(ExitCode.usage, e.message);
    throw e;
  }
  // DESIGN §7: a private key comes from a 0600 file; the redactor signs only when asked to.
  const key = opts.keyFile !== undefined ? loadSigningKey(crypto, opts.keyFile) : undefined;

  const input = RereadableBundle.open(bundle);
  try {
    return namingStdin(bundle, input, () => redactFile(ctx, bundle, input, opts, policy, format, key));
  } finally {
    input.close();
  }
}

function redactFile(
  ctx: CommandContext,
  bundle: string,
  input: RereadableBundle,
  opts: RedactOptions,
  policy: Policy,
  format: BundleFormat,
  key: PrivateKey | undefined,
): number {
  const { crypto } = ctx;
  // Pass 1: the input is checked first (digests, chain, an existing redaction block), streamed.
  const check = startProgress("checking", ctx.json);
  let checked: CheckedBundle;
  try {
    checked = checkConsistentBundle(crypto, input.path, "bundle to redact", () => check.tick());
  } finally {
    check.finish();
  }
  const signatures = checked.header.signatures as unknown as JwsSignature[];
  if (signatures.length === 0) warn(ctx, `${bundle} is unsigned: the share will not verify either`);
  const digestOfPolicy = policyDigest(crypto, policy as unknown as JsonObject);
  const dryRunText = Boolean(opts.dryRun) && !ctx.json;
  if (dryRunText) printLine(`${ctx.c.bold("dry run")}: nothing written. Policy ${policy.name} (${digestOfPolicy.slice(0, 16)}…)`);

  // Pass 2: apply the policy, scan, count and spool, one record at a time.
  const writer = opts.dryRun ? undefined : new BundleFileWriter(opts.out!, format, { force: opts.force, what: "share" });
  try {
    const pass = new SharePass(crypto, policy, checked, opts.accept, writer, key !== undefined && writer !== undefined, ctx.json);
    // A dry run's plan lines are its progress when they go to the terminal.
    const progress = startProgress("redacting", ctx.json || (dryRunText && Boolean(process.stdout.isTTY)));
    const changed = () => new CliError(ExitCode.ioError, `${bundle}: changed while it was being redacted (it is checked, then read again to redact it); nothing was written`);
    try {
      readBundleFile(input.path, withProgress(pass.sink(dryRunText ? (p, r) => printPlanLine(ctx, p, r) : undefined), progress));
    } catch (e) {
      // Records that changed after the check can be anything: say so rather than how they broke.
      if (!(e instanceof CliError || e instanceof IoError) && !input.unchanged()) throw changed();
      throw e;
    } finally {
      progress.finish();
    }
    if (!pass.same || pass.stats.events !== checked.statement.length || !input.unchanged()) throw changed();
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
    const howToFix = settled.blocking.map((f) => `${describeLeak(f)}  → --redact ${f.seq}:${f.pointer} or --accept ${f.id}`);

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
    const block = makeRedactionBlock(crypto, {
      statementDigest: statementDigest(crypto, checked.statement),
      policy,
      createdAt: formatTimestamp(new Date()),
      stats,
      accepted: settled.accepted,
      ...(key && eventsDigest ? { signer: { key, eventsDigest } } : {}),
    });
    const header: BundleHeader = {
      format: BUNDLE_FORMAT,
      kind: "share",
      // DESIGN §6: statement and signatures are copied verbatim, so the share's identity is its source's.
      statement: checked.statement,
      signatures,
      redaction: block as unknown as JsonObject,
    };
    writer!.finish(header);
    if (ctx.json) {
      printJson(summary);
      return ExitCode.ok;
    }
    const { c } = ctx;
    printLine(`${c.green("wrote share")} ${opts.out} (${format}) with policy ${policy.name}`);
    printLine(`  identity  ${summary.identity} (the source's: the issuer signature still applies)`);
    printLine(`  hidden    ${stats.elided} of ${stats.events} events elided, ${stats.redactedFields} fields redacted in ${stats.partial} events`);
    printLine(`  accepted  ${settled.accepted.length} finding(s)${settled.accepted.length ? ": " + settled.accepted.map((f) => f.id).join(", ") : ""}`);
    printLine(`  signed by ${key ? `${key.kid} (redactor)` : c.dim("no redactor (give --key-file to sign the redaction)")}`);
    return ExitCode.ok;
  } finally {
    // Removes the spool unless finish() already has: a refused share leaves nothing behind.
    writer?.discard();
  }
}

/**
 * The second pass, one record at a time: what it keeps is counts, the findings settled so far
 * (FindingSettler keeps few), the running records digest when a redactor signs, and for --json the
 * plan entries (no records).
 */
class SharePass {
  readonly stats = emptyStats();
  readonly settler: FindingSettler;
  readonly plan: PlanEntry[] = [];
  /** False once the second read differs from the first (header, or an unreadable line). */
  same = true;
  private readonly events: RecordsDigest | undefined;
  private readonly headerText: string;

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly policy: Policy,
    checked: CheckedBundle,
    accept: readonly string[],
    private readonly writer: BundleFileWriter | undefined,
    signed: boolean,
    private readonly keepPlan: boolean,
  ) {
    this.settler = new FindingSettler(accept, previouslyAccepted(checked.header), MAX_KEPT_BLOCKING);
    this.events = signed ? new RecordsDigest(crypto) : undefined;
    this.headerText = canonicalize(checked.header);
  }

  sink(onPlan?: (p: PlanEntry, input: JsonValue) => void): BundleSink {
    return {
      header: (h) => {
        this.same &&= canonicalize(h) === this.headerText;
      },
      record: (r) => {
        // Records that differ from the checked ones are not made into a share (see `same`).
        if (!this.same) return;
        const applied = applyPolicyToRecord(this.crypto, r as unknown as EventRecord, this.policy);
        for (const f of scanRecord(this.crypto, applied.record)) this.settler.add(f);
        countRecord(this.stats, applied.record);
        if (this.writer) {
          const jcs = this.writer.add(applied.record);
          // The digest a redactor signs is over the same JCS bytes that are written.
          this.events?.pushCanonical(utf8(jcs));
        }
        const p = applied.plan;
        if (this.keepPlan && (p.action !== "redact" || p.pointers.length > 0)) this.plan.push(p);
        onPlan?.(p, r);
      },
      problem: () => {
        this.same = false;
      },
      end: () => {},
    };
  }

  /** H(JCS(records)) of what was written, when a redactor signs; call once, at the end. */
  eventsDigest(): HexDigest | undefined {
    return this.events?.digest();
  }
}

function printDryRunEnd(ctx: CommandContext, settled: SettledFindings, howToFix: string[]): void {
  const { c } = ctx;
  for (const f of settled.accepted) printLine(`  ${c.dim("accepted")} ${describeLeak(f)}`);
  if (settled.blockingCount === 0) {
    printLine(c.green("  no unaccepted findings: the share would be written"));
    return;
  }
  printLine(c.red(`  ${settled.blockingCount} finding(s) would block the share:`));
  for (const line of listed(howToFix, settled.blockingCount, Infinity)) printLine(`    ${line}`);
}

/** Errors about the copy of stdin name `-` as the user gave it. */
function namingStdin<T>(bundle: string, input: RereadableBundle, f: () => T): T {
  try {
    return f();
  } catch (thrown) {
    const e = toCliError(thrown);
    if (bundle === "-" && e instanceof CliError && e.message.includes(input.path)) {
      throw new CliError(e.exitCode, e.message.split(input.path).join("<stdin>"), e.details);
    }
    throw e;
  }
}

/** `auditor`, `strict`, or a policy file (a value with a `/` or ending in .json is always a file). */
function loadPolicy(spec: string): Policy {
  const builtIn = BUILT_IN_POLICIES[spec];
  if (builtIn !== undefined && !spec.includes("/") && !spec.endsWith(".json")) return builtIn;
  let doc: JsonValue;
  try {
    doc = parseJsonBytes(readInputBytes(spec, "policy"));
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CliError(ExitCode.dataError, `${spec}:${e.line}:${e.column}: not strict JSON: ${e.message}`);
    if (e instanceof IoError && e.kind === "notFound" && !spec.includes("/") && !spec.endsWith(".json")) {
      throw new CliError(ExitCode.usage, `--policy ${JSON.stringify(spec)}: not a built-in policy (${Object.keys(BUILT_IN_POLICIES).join(", ")}) nor a file`);
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
function previouslyAccepted(header: JsonObject): string[] {
  const block = header.redaction;
  if (!isJsonObject(block) || !isJsonArray(block.accepted)) return [];
  return block.accepted.flatMap((a) => (isJsonObject(a) && hasMember(a, "id") && typeof a.id === "string" ? [a.id] : []));
}

/** At most `max` lines, then how many more of `total` there are. */
function listed(lines: string[], total = lines.length, max = MAX_LISTED): string[] {
  const shown = lines.slice(0, max);
  return total > shown.length ? [...shown, `... and ${total - shown.length} more`] : shown;
}

/** One line of a dry run's plan, printed as the record is redacted. */
function printPlanLine(ctx: CommandContext, p: PlanEntry, input: JsonValue): void {
  const { c } = ctx;
  const event = isJsonObject(input) ? input.event : undefined;
  const type = isJsonObject(event) && typeof event.type === "string" ? event.type : "";
  const what = p.action === "elide" ? c.yellow("elide") : p.action === "elided" ? c.dim("already elided") : p.pointers.length ? `redact ${p.pointers.join(", ")}` : c.dim("unchanged");
  printLine(`  seq ${String(p.seq).padEnd(4)} ${type.padEnd(18)} ${what}`);
}
