/**
 * Step: bundle structure (DESIGN §6). The top-level member set is exact; `redaction` is required
 * in a share and refused in a full bundle.
 */
import { BUNDLE_FORMAT, type BundleKind } from "../../bundle/types.js";
import { hasMember, isJsonArray, isJsonObject, type JsonObject, type JsonValue } from "../../json/value.js";
import { readStatement, type Statement } from "../../statement/statement.js";
import type { Finding } from "../finding.js";

export interface HeaderResult {
  kind?: BundleKind;
  statement?: Statement;
  signatures?: JsonValue[];
  redaction?: JsonObject;
  findings: Finding[];
}

export function checkHeader(header: JsonObject, form: "json" | "jsonl"): HeaderResult {
  const findings: Finding[] = [];
  const bad = (code: string, message: string, pointer: string) =>
    findings.push({ code, effect: "invalid", message, pointer, ...(form === "jsonl" ? { line: 1 } : {}) });

  const kind = header.kind === "full" || header.kind === "share" ? header.kind : undefined;
  if (header.format !== BUNDLE_FORMAT) bad("bundle.format", `"format" must be "${BUNDLE_FORMAT}"`, "/format");
  if (kind === undefined) bad("bundle.kind", '"kind" must be "full" or "share"', "/kind");

  const allowed = new Set(["format", "kind", "statement", "signatures", ...(kind === "share" ? ["redaction"] : [])]);
  for (const name of Object.keys(header)) {
    if (!allowed.has(name)) {
      bad(
        "bundle.member",
        name === "redaction" ? '"redaction" is only allowed in a share (kind "share")' : `unexpected top-level member "${name}"`,
        "/" + name,
      );
    }
  }
  for (const name of allowed) {
    if (!hasMember(header, name)) bad("bundle.member", `missing top-level member "${name}"`, "");
  }

  const st = readStatement(header.statement);
  for (const p of st.problems) bad("statement.malformed", `statement: ${p.message}`, "/statement" + p.pointer);

  let signatures: JsonValue[] | undefined;
  if (hasMember(header, "signatures")) {
    if (isJsonArray(header.signatures)) signatures = header.signatures;
    else bad("signature.malformed-list", '"signatures" must be an array', "/signatures");
  }
  let redaction: JsonObject | undefined;
  if (kind === "share" && hasMember(header, "redaction")) {
    if (isJsonObject(header.redaction)) redaction = header.redaction;
    else bad("redaction.malformed", '"redaction" must be an object', "/redaction");
  }
  const result: HeaderResult = { findings };
  if (kind !== undefined) result.kind = kind;
  if (st.statement !== undefined) result.statement = st.statement;
  if (signatures !== undefined) result.signatures = signatures;
  if (redaction !== undefined) result.redaction = redaction;
  return result;
}
