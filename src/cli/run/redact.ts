/**
 * `imladri proof redact`: an auditor share that still verifies against the issuer's signature
 * (DESIGN §6, §9; docs/redaction.md). Reads and checks the input, applies the policy, scans what
 * would still be disclosed, and writes the share atomically only when every finding is redacted or
 * accepted.
 */
import { BUNDLE_FORMAT, type BundleHeader, type EventRecord } from "../../core/bundle/types.js";
import { serializeBundle, type BundleFormat } from "../../core/bundle/serialize.js";
import { describeLeak, type LeakFinding } from "../../core/detect/scan.js";
import { JsonSyntaxError, parseJsonBytes } from "../../core/json/parse.js";
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../../core/json/value.js";
import type { JwsSignature } from "../../core/jws/detached.js";
import { makeRedactionBlock } from "../../core/redact/block.js";
import { BUILT_IN_POLICIES } from "../../core/redact/policies.js";
import { readPolicy, type Policy } from "../../core/redact/policy.js";
import { applyPolicy, extendPolicy, RuleSpecError, scanShare, settleFindings, type PlanEntry } from "../../core/redact/share.js";
import { proofIdentity, statementDigest } from "../../core/statement/statement.js";
import { formatTimestamp } from "../../core/time.js";
import { assertWritable, readInputBytes, writeFileAtomic } from "../../io/files.js";
import { loadConsistentBundle } from "../bundle-input.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadSigningKey } from "../key-files.js";
import { printJson, printLine } from "../output.js";
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

const MAX_LISTED = 50;

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

  // The input is checked first (digests, chain, an existing redaction block): a broken bundle
  // is never turned into a share that looks fine.
  const loaded = loadConsistentBundle(crypto, bundle, undefined, "bundle to redact");
  const input = loaded.records as unknown as EventRecord[];
  const signatures = loaded.header.signatures as unknown as JwsSignature[];
  if (signatures.length === 0) warn(ctx, `${bundle} is unsigned: the share will not verify either`);

  const { records, plan } = applyPolicy(crypto, input, policy);
  const findings = scanShare(crypto, records);
  const settled = settleFindings(findings, opts.accept, previouslyAccepted(loaded.header));
  if (settled.unknown.length > 0) {
    throw new CliError(
      ExitCode.usage,
      `--accept ${settled.unknown.join(", ")}: no such finding in what the share would disclose (a typo, or the value is now hidden); nothing was written`,
    );
  }

  const stDigest = statementDigest(crypto, loaded.statement);
  const block = makeRedactionBlock(crypto, {
    statementDigest: stDigest,
    policy,
    createdAt: formatTimestamp(new Date()),
    records,
    accepted: settled.accepted,
    ...(key ? { key } : {}),
  });
  const blocked = settled.blocking.length > 0;
  const summary = {
    bundle,
    out: opts.out ?? null,
    format,
    dryRun: Boolean(opts.dryRun),
    written: !blocked && !opts.dryRun,
    identity: proofIdentity(crypto, loaded.statement),
    policy: { name: policy.name, digest: block.policyDigest },
    stats: block.stats,
    plan: plan.filter((p) => p.action !== "redact" || p.pointers.length > 0),
    accepted: settled.accepted,
    blocking: settled.blocking,
    redactor: key ? key.kid : null,
  };

  if (blocked && !opts.dryRun) {
    if (ctx.json) {
      printJson(summary);
      return ExitCode.invalid;
    }
    throw new CliError(
      ExitCode.invalid,
      `${settled.blocking.length} finding(s) in what the share would disclose; nothing was written. For each: redact it (--redact SEQ:POINTER) or accept it (--accept ID)`,
      listed(settled.blocking.map((f) => `${describeLeak(f)}  → --redact ${f.seq}:${f.pointer} or --accept ${f.id}`)),
    );
  }
  if (opts.dryRun) {
    if (ctx.json) printJson(summary);
    else printDryRun(ctx, input, plan, summary.policy, settled.blocking, settled.accepted);
    return blocked ? ExitCode.invalid : ExitCode.ok;
  }

  const header: BundleHeader = {
    format: BUNDLE_FORMAT,
    kind: "share",
    // DESIGN §6: statement and signatures are copied verbatim, so the share's identity is its source's.
    statement: loaded.statement,
    signatures,
    redaction: block as unknown as JsonObject,
  };
  writeFileAtomic(opts.out!, serializeBundle(header, records, format), { force: opts.force, what: "share" });
  if (ctx.json) {
    printJson(summary);
    return ExitCode.ok;
  }
  const { c } = ctx;
  const s = block.stats;
  printLine(`${c.green("wrote share")} ${opts.out} (${format}) with policy ${policy.name}`);
  printLine(`  identity  ${summary.identity} (the source's: the issuer signature still applies)`);
  printLine(`  hidden    ${s.elided} of ${s.events} events elided, ${s.redactedFields} fields redacted in ${s.partial} events`);
  printLine(`  accepted  ${settled.accepted.length} finding(s)${settled.accepted.length ? ": " + settled.accepted.map((f) => f.id).join(", ") : ""}`);
  printLine(`  signed by ${key ? `${key.kid} (redactor)` : c.dim("no redactor (give --key-file to sign the redaction)")}`);
  return ExitCode.ok;
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
    if (e instanceof CliError && e.exitCode === ExitCode.noInput && !spec.includes("/") && !spec.endsWith(".json")) {
      throw new CliError(ExitCode.usage, `--policy ${JSON.stringify(spec)}: not a built-in policy (${Object.keys(BUILT_IN_POLICIES).join(", ")}) nor a file`);
    }
    throw e;
  }
  const r = readPolicy(doc);
  if (!r.policy) {
    throw new CliError(ExitCode.dataError, `${spec}: not a redaction policy (schemas/policy.schema.json)`, listed(r.problems.map((p) => `${spec} ${p.pointer || "(root)"}: ${p.message}`)));
  }
  return r.policy;
}

/** Ids the input share already accepted (they carry over while the value stays disclosed). */
function previouslyAccepted(header: JsonObject): string[] {
  const block = header.redaction;
  if (!isJsonObject(block) || !isJsonArray(block.accepted)) return [];
  return block.accepted.flatMap((a) => (isJsonObject(a) && hasMember(a, "id") && typeof a.id === "string" ? [a.id] : []));
}

function listed(lines: string[]): string[] {
  return lines.length > MAX_LISTED ? [...lines.slice(0, MAX_LISTED), `... and ${lines.length - MAX_LISTED} more`] : lines;
}

function printDryRun(
  ctx: CommandContext,
  input: readonly EventRecord[],
  plan: readonly PlanEntry[],
  policy: { name: string; digest: string },
  blocking: readonly LeakFinding[],
  accepted: readonly LeakFinding[],
): void {
  const { c } = ctx;
  printLine(`${c.bold("dry run")}: nothing written. Policy ${policy.name} (${policy.digest.slice(0, 16)}…)`);
  for (const p of plan) {
    const r = input[p.seq];
    const type = r && "event" in r && typeof r.event.type === "string" ? r.event.type : "";
    const what = p.action === "elide" ? c.yellow("elide") : p.action === "elided" ? c.dim("already elided") : p.pointers.length ? `redact ${p.pointers.join(", ")}` : c.dim("unchanged");
    printLine(`  seq ${String(p.seq).padEnd(4)} ${type.padEnd(18)} ${what}`);
  }
  for (const f of accepted) printLine(`  ${c.dim("accepted")} ${describeLeak(f)}`);
  if (blocking.length === 0) {
    printLine(c.green("  no unaccepted findings: the share would be written"));
    return;
  }
  printLine(c.red(`  ${blocking.length} finding(s) would block the share:`));
  for (const f of blocking) printLine(`    ${describeLeak(f)}  → --redact ${f.seq}:${f.pointer} or --accept ${f.id}`);
}
