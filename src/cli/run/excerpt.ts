/**
 * `imladri proof excerpt`: a few events of a large bundle, each redacted as `proof redact` would
 * and carrying its inclusion path in the signed event tree (DESIGN §12; docs/spec.md
 * "Excerpts"), so an auditor gets 3 events of 1,000,000 without the shape of the others.
 *
 * One pass over the input, as redact (issue 14), memory O(chosen events + log n): the input is
 * checked through the verifier's steps; events are chosen as they stream by (by seq, type or
 * blocked decision), the proof pass keeps just the subtree roots their paths need
 * (src/core/tree/proof-pass.ts), and each chosen record, once the checks found it and all before
 * it sound, is redacted by the policy (core redaction, the same as redact) and scanned by the
 * detectors; at the end it is given its path.
 * Findings are settled against --accept as for a share; the excerpt is verified in memory, then
 * written atomically. A policy that elides a chosen event leaves it out (an excerpt has no
 * elided records): it is said so.
 */
import { inputName } from "../../io/lines.js";
import { serializeBundle, type BundleFormat } from "../../core/bundle/serialize.js";
import { BUNDLE_FORMAT_V2, type EventRecord, type ExcerptRecord } from "../../core/bundle/types.js";
import { scanRecord } from "../../core/detect/scan.js";
import type { HexDigest } from "../../core/encoding/hex.js";
import { eventFacts } from "../../core/events/facts.js";
import type { JsonObject, JsonValue } from "../../core/json/value.js";
import { isJsonObject } from "../../core/json/value.js";
import type { JwsSignature } from "../../core/jws/detached.js";
import { countRecord, emptyStats, policyDigest, recordsDigest } from "../../core/redact/block.js";
import { compileGlob } from "../../core/redact/pointer-glob.js";
import { applyPolicyToRecord, extendPolicy, FindingSettler, RuleSpecError } from "../../core/redact/share.js";
import type { Policy } from "../../core/redact/policy.js";
import { hasTree, proofIdentity, STATEMENT_FORMAT_V2 } from "../../core/statement/statement.js";
import { ProofPass } from "../../core/tree/proof-pass.js";
import { openBundle } from "../../io/bundle-source.js";
import { assertWritable } from "../../io/files.js";
import { isStdout, writeOutput } from "../../io/stdout.js";
import { printable } from "../../core/text/printable.js";
import { assertVerifiesAsMade, BundleRecognizer, ConsistencyCheck } from "../bundle-input.js";
import { warn, type CommandContext } from "../context.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadSigningKey } from "../key-files.js";
import { outputToStdout, printJson, printLine } from "../output.js";
import { startProgress } from "../progress.js";
import { fixAdvice, listed, loadPolicy, previouslyAccepted, redactedHeader } from "./redact.js";

export interface ExcerptOptions {
  seq: string[];
  type: string[];
  blocked?: boolean;
  out: string;
  policy?: string;
  redact: string[];
  accept: string[];
  keyFile?: string;
  format?: BundleFormat;
  force?: boolean;
}

/** An excerpt is held in memory while it is made: a larger choice is a share (proof redact). */
const MAX_EXCERPT_EVENTS = 100_000;
const MAX_KEPT_BLOCKING = 1000;

/** Which events are chosen: explicit seqs and ranges, type globs, blocked tool calls. */
interface Selection {
  ranges: [number, number][];
  types: ((text: string) => boolean)[];
  blocked: boolean;
}

function parseSelection(opts: ExcerptOptions): Selection {
  const ranges: [number, number][] = [];
  for (const spec of opts.seq) {
    const m = /^([0-9]{1,15})(?:-([0-9]{1,15}))?$/.exec(spec);
    const a = m ? Number(m[1]) : NaN;
    const b = m?.[2] !== undefined ? Number(m[2]) : a;
    if (!m || !Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b < a) {
      throw new CliError(ExitCode.usage, `--seq ${JSON.stringify(spec)}: expected an event seq like 42 or a range like 40-45`);
    }
    ranges.push([a, b]);
  }
  for (const t of opts.type) {
    if (!/^[A-Za-z0-9_.*-]+$/.test(t)) throw new CliError(ExitCode.usage, `--type ${JSON.stringify(t)}: expected an event type glob like tool.call or authority.*`);
  }
  if (ranges.length === 0 && opts.type.length === 0 && !opts.blocked) {
    throw new CliError(ExitCode.usage, "choose events: --seq N or A-B (repeatable), --type GLOB, or --blocked");
  }
  return { ranges, types: opts.type.map(compileGlob), blocked: Boolean(opts.blocked) };
}

/** --type and --blocked read the event as the input discloses it (a hidden type matches no glob). */
function chosen(sel: Selection, seq: number, record: JsonValue): boolean {
  if (sel.ranges.some(([a, b]) => seq >= a && seq <= b)) return true;
  if (sel.types.length === 0 && !sel.blocked) return false;
  const event = isJsonObject(record) && isJsonObject(record.event) ? record.event : undefined;
  if (event === undefined) return false;
  const f = eventFacts(event);
  if (sel.blocked && f.type === "tool.call" && f.outcome === "blocked") return true;
  return f.type !== undefined && sel.types.some((t) => t(f.type!));
}

export async function runExcerpt(ctx: CommandContext, bundle: string, opts: ExcerptOptions): Promise<number> {
  const { crypto } = ctx;
  const format: BundleFormat = opts.format ?? (opts.out.endsWith(".jsonl") ? "jsonl" : "json");
  // `--out -` (issue 11): the excerpt goes to stdout, the report to stderr.
  const toStdout = outputToStdout(opts.out);
  if (!toStdout) assertWritable(opts.out, { force: opts.force, what: "excerpt" });
  const selection = parseSelection(opts);
  let policy = loadPolicy(opts.policy ?? "auditor");
  try {
    policy = extendPolicy(policy, opts.redact, []);
  } catch (e) {
    if (e instanceof RuleSpecError) throw new CliError(ExitCode.usage, e.message);
    throw e;
  }
  const key = opts.keyFile !== undefined ? loadSigningKey(crypto, opts.keyFile) : undefined;
  return excerptFile(ctx, bundle, opts, selection, policy, format, key);
}

function excerptFile(
  ctx: CommandContext,
  bundle: string,
  opts: ExcerptOptions,
  selection: Selection,
  policy: Policy,
  format: BundleFormat,
  key: ReturnType<typeof loadSigningKey>,
): number {
  const { crypto } = ctx;
  const name = inputName(bundle);
  // One pass (issue 14): check the input; choose events as they stream by, keep what their paths
  // need, and redact and scan each chosen record once the checks found it (and all before it) sound.
  let pass: ProofPass | undefined;
  let isExcerpt = false;
  let sound = true;
  let settler: FindingSettler | undefined;
  const seqs: number[] = [];
  const kept: { record: EventRecord; proof: HexDigest[] | undefined }[] = [];
  const left: number[] = [];
  const check = new ConsistencyCheck(crypto, {
    header: (h) => {
      if (h.kind === "checkpoint") throw new CliError(ExitCode.dataError, `${name}: is a checkpoint: it holds no events to excerpt`);
      const st = h.statement;
      if (h.format !== BUNDLE_FORMAT_V2 || !isJsonObject(st) || st.format !== STATEMENT_FORMAT_V2) {
        throw new CliError(ExitCode.dataError, `${name}: is a v1 bundle (no event tree): an excerpt needs a v2 statement. Make one with imladri proof export --continue (signed anew)`);
      }
      isExcerpt = h.kind === "excerpt";
      const length = st.length;
      if (!isExcerpt && typeof st.chain === "string" && typeof length === "number" && Number.isSafeInteger(length) && length >= 0) {
        pass = new ProofPass(crypto, { chain: st.chain, length });
      }
    },
    digest: (d, seq) => pass?.digest(d, seq),
  });
  const progress = startProgress("excerpting", ctx.json);
  const recognizer = new BundleRecognizer();
  const source = openBundle(bundle);
  try {
    source.read(
      recognizer.watch({
        header: (h, form) => {
          sound = check.header(h, form);
          settler = new FindingSettler(opts.accept, previouslyAccepted(h), MAX_KEPT_BLOCKING);
        },
        record: (raw, index, line) => {
          progress.tick();
          const seq = isExcerpt ? (isJsonObject(raw) && typeof raw.seq === "number" ? raw.seq : -1) : index;
          const want = seq >= 0 && chosen(selection, seq, raw);
          if (want) {
            if (seqs.length >= MAX_EXCERPT_EVENTS) {
              throw new CliError(ExitCode.usage, `more than ${MAX_EXCERPT_EVENTS.toLocaleString("en-US")} events chosen: an excerpt is for a few events; use imladri proof redact for a share`);
            }
            seqs.push(seq);
            // The path is asked for before this event's digest is folded (src/core/tree/merkle.ts).
            // A record past the statement's length has no path: the consistency check refuses
            // the bundle at the end of the pass (exit 65).
            if (pass !== undefined && seq < pass.length) pass.wantInclusion(seq);
          }
          sound = check.record(raw, index, line) && sound;
          if (!want || !sound || !isJsonObject(raw)) return;
          let proof: HexDigest[] | undefined;
          let input: JsonObject = raw;
          if (isExcerpt) {
            const { proof: given, ...rest } = raw;
            input = rest;
            proof = given as HexDigest[];
          }
          const applied = applyPolicyToRecord(crypto, input as unknown as EventRecord, policy);
          if ("digest" in applied.record) {
            left.push(seq);
            return;
          }
          for (const f of scanRecord(crypto, applied.record)) settler!.add(f);
          kept.push({ record: applied.record, proof });
        },
        problem: (f) => {
          sound = false;
          check.sink.problem(f);
        },
        end: () => check.sink.end?.(),
      }),
    );
  } finally {
    source.close();
    progress.finish();
  }
  recognizer.refuseNonBundle(bundle);
  const checked = check.result(name, "bundle to excerpt");
  const statement = checked.statement;
  if (!hasTree(statement)) throw new CliError(ExitCode.dataError, `${name}: is a v1 bundle (no event tree): an excerpt needs a v2 statement`);
  // Every explicit seq must name an event of the input.
  const have = new Set(seqs);
  for (const [a, b] of selection.ranges) {
    for (let s = a; s <= Math.min(b, a + MAX_EXCERPT_EVENTS); s++) {
      if (!have.has(s)) {
        throw new CliError(
          ExitCode.usage,
          isExcerpt ? `--seq ${s}: not an event of this excerpt (it shows seq ${[...have].slice(0, 20).join(", ")})` : `--seq ${s}: the bundle has ${statement.length.toLocaleString("en-US")} events (seq 0 to ${statement.length - 1})`,
        );
      }
      if (s >= statement.length) break;
    }
  }
  if (seqs.length === 0) throw new CliError(ExitCode.usage, "no event of the bundle matches the choice (--type, --blocked): nothing was written");
  if (kept.length + left.length !== seqs.length) throw new Error("internal: a chosen record of a consistent bundle was not redacted");

  // Each record gets its inclusion path: from the input excerpt, or made in the pass.
  const records: ExcerptRecord[] = kept.map(({ record, proof }) => ({ ...record, proof: proof ?? pass!.inclusion(record.seq) }) as ExcerptRecord);
  if (left.length > 0) warn(ctx, `seq ${left.slice(0, 20).join(", ")}${left.length > 20 ? ", …" : ""}: elided (by the policy ${policy.name}, or already in the input): left out of the excerpt (an excerpt shows events or leaves them out)`);
  if (records.length === 0) throw new CliError(ExitCode.usage, `every chosen event is elided (by the policy ${policy.name}, or already in the input): nothing to show; nothing was written`);

  const settled = settler!.result();
  if (settled.unknown.length > 0) {
    throw new CliError(ExitCode.usage, `--accept ${settled.unknown.join(", ")}: no such finding in what the excerpt would disclose (a typo, or the value is now hidden); nothing was written`);
  }
  const howToFix = fixAdvice(settled);
  if (settled.blockingCount > 0) {
    throw new CliError(
      ExitCode.invalid,
      `${settled.blockingCount} finding(s) in what the excerpt would disclose; nothing was written. For each: redact it (--redact SEQ:POINTER) or accept it (--accept ID)`,
      listed(howToFix, settled.blockingCount),
    );
  }

  // DESIGN §12: stats count as for a share of all `length` events, every absent one elided.
  const stats = emptyStats();
  for (const r of records) countRecord(stats, r);
  stats.events = statement.length;
  stats.elided = statement.length - records.length;
  const eventsDigest = key ? recordsDigest(crypto, records as unknown as EventRecord[]) : undefined;
  const signatures = checked.header.signatures as unknown as JwsSignature[];
  const header = redactedHeader(crypto, "excerpt", statement, signatures, { policy, stats, accepted: settled.accepted, ...(key && eventsDigest ? { signer: { key, eventsDigest } } : {}) });
  const text = [...serializeBundle(header, records as unknown as EventRecord[], format)].join("");
  assertVerifiesAsMade(ctx.crypto, text, "excerpt");
  writeOutput(opts.out, [text], { force: opts.force, what: "excerpt" });

  const shown = records.map((r) => r.seq);
  const n = (x: number) => x.toLocaleString("en-US");
  const summary = `${n(records.length)} of ${n(statement.length)} events shown; the rest are not in this file`;
  if (ctx.json) {
    printJson({ bundle, out: opts.out, format, identity: proofIdentity(crypto, statement), length: statement.length, seqs: shown, bytes: Buffer.byteLength(text), policy: { name: policy.name, digest: policyDigest(crypto, policy as unknown as JsonObject) }, stats, accepted: settled.accepted, left, redactor: key ? key.kid : null, summary });
    return ExitCode.ok;
  }
  const { c } = ctx;
  printLine(`${c.green("wrote excerpt")} ${isStdout(opts.out) ? "to stdout" : printable(opts.out)} (${format}, ${n(Buffer.byteLength(text))} bytes) with policy ${printable(policy.name)}`);
  printLine(`  shows     ${summary}`);
  printLine(`  seqs      ${shown.slice(0, 20).join(", ")}${shown.length > 20 ? `, … (${n(shown.length - 20)} more)` : ""}`);
  printLine(`  identity  ${proofIdentity(crypto, statement)} (the source's: the issuer signature still applies)`);
  printLine(`  redacted  ${stats.redactedFields} fields in ${n(records.length)} events; each carries its inclusion path in the signed tree`);
  printLine(`  signed by ${key ? `${key.kid} (redactor)` : c.dim("no redactor (give --key-file to sign the redaction)")}`);
  return ExitCode.ok;
}

