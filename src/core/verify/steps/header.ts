/**
 * Step: bundle structure (DESIGN §6, §12). The top-level member set is exact: `redaction` is
 * required in a share and an excerpt and refused elsewhere; `consistency` is optional in a
 * checkpoint and refused elsewhere. A v1 bundle carries a v1 statement and is `full` or `share`;
 * a v2 bundle carries a v2 statement and is `full`, `share`, `excerpt` or `checkpoint`.
 */
import { BUNDLE_FORMAT_V1, BUNDLE_FORMAT_V2, KINDS_V1, KINDS_V2, type BundleKind } from "../../bundle/types.js";
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../../json/value.js";
import { hasTree, readStatement, type Statement } from "../../statement/statement.js";
import type { Finding } from "../finding.js";
import { readConsistency, type ReadConsistency } from "./tree.js";

export interface HeaderResult {
  kind?: BundleKind;
  statement?: Statement;
  signatures?: JsonValue[];
  redaction?: JsonObject;
  /** A checkpoint's consistency member, when present and well formed. */
  consistency?: ReadConsistency;
  findings: Finding[];
}

/** The members each kind has, beyond format, kind, statement and signatures: [required, optional]. */
const EXTRA_MEMBERS: Record<BundleKind, [string[], string[]]> = {
  full: [[], []],
  share: [["redaction"], []],
  excerpt: [["redaction"], []],
  checkpoint: [[], ["consistency"]],
};

export function checkHeader(header: JsonObject, form: "json" | "jsonl"): HeaderResult {
  const findings: Finding[] = [];
  const bad = (code: string, message: string, pointer: string) =>
    findings.push({ code, effect: "invalid", message, pointer, ...(form === "jsonl" ? { line: 1 } : {}) });

  const v2 = header.format === BUNDLE_FORMAT_V2;
  const kinds = v2 ? KINDS_V2 : KINDS_V1;
  const kind = typeof header.kind === "string" && (kinds as readonly string[]).includes(header.kind) ? (header.kind as BundleKind) : undefined;
  if (header.format !== BUNDLE_FORMAT_V1 && !v2) bad("bundle.format", `"format" must be "${BUNDLE_FORMAT_V2}" (or "${BUNDLE_FORMAT_V1}")`, "/format");
  if (kind === undefined) {
    const v2Only = !v2 && (header.kind === "excerpt" || header.kind === "checkpoint");
    bad("bundle.kind", v2Only ? `kind "${header.kind}" exists only in "${BUNDLE_FORMAT_V2}" bundles (DESIGN §12)` : `"kind" must be one of ${kinds.map((k) => `"${k}"`).join(", ")}`, "/kind");
  }

  const [required, optional] = kind === undefined ? [[], []] : EXTRA_MEMBERS[kind];
  const allowed = new Set(["format", "kind", "statement", "signatures", ...required, ...optional]);
  for (const name of Object.keys(header)) {
    if (!allowed.has(name)) {
      bad(
        "bundle.member",
        name === "redaction"
          ? '"redaction" is only allowed in a share or an excerpt'
          : name === "consistency"
            ? '"consistency" is only allowed in a checkpoint'
            : `unexpected top-level member "${name}"`,
        "/" + name,
      );
    }
  }
  for (const name of ["format", "kind", "statement", "signatures", ...required]) {
    if (!hasMember(header, name)) bad("bundle.member", `missing top-level member "${name}"`, "");
  }

  const st = readStatement(header.statement);
  for (const p of st.problems) bad("statement.malformed", `statement: ${p.message}`, "/statement" + p.pointer);
  // DESIGN §12: a v1 statement in a v2 bundle, or the reverse, is invalid.
  if (st.statement && (header.format === BUNDLE_FORMAT_V1 || v2) && hasTree(st.statement) !== v2) {
    bad("bundle.statement-version", `a "${header.format}" bundle must carry an "imladri.statement/${v2 ? "v2" : "v1"}" statement, found "${st.statement.format}"`, "/statement/format");
  }

  let signatures: JsonValue[] | undefined;
  if (hasMember(header, "signatures")) {
    if (isJsonArray(header.signatures)) signatures = header.signatures;
    else bad("signature.malformed-list", '"signatures" must be an array', "/signatures");
  }
  let redaction: JsonObject | undefined;
  if ((kind === "share" || kind === "excerpt") && hasMember(header, "redaction")) {
    if (isJsonObject(header.redaction)) redaction = header.redaction;
    else bad("redaction.malformed", '"redaction" must be an object', "/redaction");
  }
  let consistency: ReadConsistency | undefined;
  if (kind === "checkpoint" && hasMember(header, "consistency")) {
    const c = readConsistency(header.consistency, st.statement?.length);
    for (const p of c.problems) bad("checkpoint.consistency-malformed", p.message, "/consistency" + p.pointer);
    if (c.consistency) consistency = c.consistency;
  }
  const result: HeaderResult = { findings };
  if (kind !== undefined) result.kind = kind;
  if (st.statement !== undefined) result.statement = st.statement;
  if (signatures !== undefined) result.signatures = signatures;
  if (redaction !== undefined) result.redaction = redaction;
  if (consistency !== undefined) result.consistency = consistency;
  return result;
}
