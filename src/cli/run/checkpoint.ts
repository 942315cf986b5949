/**
 * `imladri proof checkpoint`: a bundle's header alone, a few hundred bytes (DESIGN §12), what a
 * witness, a ticket or a git repository keeps; with `--since`, the RFC 9162 consistency proof
 * from the earlier bundle's length, so a later verify can show that the log only grew without
 * this bundle's events. The source is checked through the verifier first, in the same pass that
 * makes the proof (src/core/tree/proof-pass.ts); the checkpoint is verified again before it is
 * written.
 */
import { BUNDLE_FORMAT_V2, type BundleHeader } from "../../core/bundle/types.js";
import { canonicalize } from "../../core/json/canonical.js";
import type { JsonObject } from "../../core/json/value.js";
import type { JwsSignature } from "../../core/jws/detached.js";
import { hasTree, proofIdentity, readStatement, type Statement } from "../../core/statement/statement.js";
import { ProofPass } from "../../core/tree/proof-pass.js";
import { checkSince } from "../../core/verify/steps/since.js";
import { assertWritable } from "../../io/files.js";
import { writeOutput } from "../../io/stdout.js";
import { printable } from "../../core/text/printable.js";
import { assertVerifiesAsMade, checkConsistentBundle, sinceAnchor } from "../bundle-input.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { outputToStdout, printJson, printLine } from "../output.js";
import { startProgress } from "../progress.js";
import { warn, type CommandContext } from "../context.js";

export interface CheckpointOptions {
  out: string;
  since?: string;
  force?: boolean;
}

export async function runCheckpoint(ctx: CommandContext, bundle: string, opts: CheckpointOptions): Promise<number> {
  const { crypto } = ctx;
  // `--out -` (issue 11): the checkpoint goes to stdout, the report to stderr.
  const toStdout = outputToStdout(opts.out);
  if (!toStdout) assertWritable(opts.out, { force: opts.force, what: "checkpoint" });
  // The anchor is the user's own earlier copy: it must be well formed and consistent (exit 65).
  const anchor: Statement | undefined = opts.since === undefined ? undefined : sinceAnchor(crypto, opts.since, bundle);

  let pass: ProofPass | undefined;
  let passError: CliError | undefined;
  const progress = startProgress("checking", ctx.json);
  let checked;
  try {
    checked = checkConsistentBundle(crypto, bundle, "bundle", () => progress.tick(), {
      header: (h) => {
        const st = readStatement(h.statement).statement;
        if (!anchor || !st || passError) return;
        if (h.kind !== "full" && h.kind !== "share") {
          passError = new CliError(ExitCode.dataError, `${bundle}: is ${h.kind === "excerpt" ? "an excerpt" : `a ${String(h.kind)}`}: a consistency proof (--since) is made from a bundle or share that holds every event`);
        } else if (anchor.chain === st.chain && anchor.length <= st.length) {
          pass = new ProofPass(crypto, { chain: st.chain, length: st.length, since: anchor.length });
        }
      },
      digest: (d, seq) => pass?.digest(d, seq),
    });
  } finally {
    progress.finish();
  }
  if (passError) throw passError;
  const { header, statement } = checked;
  if (!hasTree(statement)) {
    throw new CliError(ExitCode.dataError, `${bundle}: is a v1 bundle (no event tree): a checkpoint needs a v2 statement. Make one with imladri proof export --continue ${bundle} (signed anew)`);
  }

  const out: BundleHeader = { format: BUNDLE_FORMAT_V2, kind: "checkpoint", statement, signatures: header.signatures as unknown as JwsSignature[] };
  if (anchor) {
    // The same judgement verify --since makes, on what this pass recomputed.
    const prefix = pass?.prefix();
    const refusal = checkSince(crypto, anchor, { statement, kind: header.kind === "share" ? "share" : "full", ...(prefix ? { prefix } : {}) });
    if (refusal.length > 0) throw new CliError(ExitCode.dataError, `${bundle}: does not extend ${opts.since}: ${refusal[0]!.message.replace(/^--since: /, "")}; nothing was written`);
    const consistency = pass?.consistency();
    if (consistency) out.consistency = consistency;
    else warn(ctx, `${opts.since} holds no events: a checkpoint needs no consistency proof from length 0`);
    if (!hasTree(anchor)) warn(ctx, `${opts.since} is v1 (no tree): verify --since against it needs the full bundle; this checkpoint's proof serves v2 copies of length ${anchor.length}`);
  } else if (header.kind === "checkpoint" && header.consistency !== undefined) {
    warn(ctx, `${bundle} is a checkpoint: its consistency proof is not carried over (give --since with a full bundle to make one)`);
  }
  const text = canonicalize(out as unknown as JsonObject) + "\n";
  assertVerifiesAsMade(ctx.crypto, text, "checkpoint", anchor);
  writeOutput(opts.out, [text], { force: opts.force, what: "checkpoint" });

  const identity = proofIdentity(crypto, statement);
  if (ctx.json) {
    printJson({ out: opts.out, identity, chain: statement.chain, length: statement.length, tree: statement.tree, bytes: Buffer.byteLength(text), consistency: out.consistency ? { length: out.consistency.length, hashes: out.consistency.proof.length } : null });
    return ExitCode.ok;
  }
  printLine(`${ctx.c.green("wrote checkpoint")} ${toStdout ? "to stdout" : printable(opts.out)} (${Buffer.byteLength(text).toLocaleString("en-US")} bytes)`);
  printLine(`  identity  ${identity} (the source's: its signatures still apply)`);
  printLine(`  chain     ${printable(statement.chain)}, ${statement.length.toLocaleString("en-US")} events, tree ${statement.tree}`);
  if (out.consistency) printLine(`  proves    it extends the ${out.consistency.length.toLocaleString("en-US")} events of ${printable(opts.since ?? "")} (${out.consistency.proof.length} hash${out.consistency.proof.length === 1 ? "" : "es"})`);
  return ExitCode.ok;
}

