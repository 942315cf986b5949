/**
 * The signed statement (DESIGN §5, §12, normative): exactly
 * {"format":"imladri.statement/v1","chain","length","head","issuedAt","issuer"}, or in v2
 * {"format":"imladri.statement/v2","chain","length","head","tree","issuedAt","issuer"} with
 * `tree` = hex(MTH) of the event tree (src/core/tree/merkle.ts). Writers write v2; readers read
 * both forever.
 */
import type { CryptoProvider } from "../crypto/provider.js";
import { canonicalBytes } from "../json/canonical.js";
import type { JsonObject, JsonValue } from "../json/value.js";
import { hasMember, isJsonObject } from "../json/value.js";
import { hexDigest, isHexDigest, type HexDigest } from "../encoding/hex.js";
import { isRfc3339Utc } from "../time.js";

export const STATEMENT_FORMAT_V1 = "imladri.statement/v1";
export const STATEMENT_FORMAT_V2 = "imladri.statement/v2";
/** What writers write (DESIGN §12). */
export const STATEMENT_FORMAT = STATEMENT_FORMAT_V2;

export interface Issuer {
  tenant?: string;
  workspace?: string;
}

interface StatementBase {
  chain: string;
  length: number;
  head: HexDigest;
  issuedAt: string;
  issuer: Issuer;
}

export interface StatementV1 extends StatementBase {
  format: typeof STATEMENT_FORMAT_V1;
}

export interface StatementV2 extends StatementBase {
  format: typeof STATEMENT_FORMAT_V2;
  /** hex(MTH(event digests)) (DESIGN §12). */
  tree: HexDigest;
}

export type Statement = StatementV1 | StatementV2;

/** True for a v2 statement (it commits to the event tree as well as the chain). */
export function hasTree(s: Statement): s is StatementV2 {
  return s.format === STATEMENT_FORMAT_V2;
}

const MEMBERS_V1 = ["chain", "format", "head", "issuedAt", "issuer", "length"];
const MEMBERS_V2 = ["chain", "format", "head", "issuedAt", "issuer", "length", "tree"];

/** One problem with a statement, relative to the statement object. */
export interface StatementProblem {
  pointer: string;
  message: string;
}

/** Checks a parsed statement member by member; returns the typed statement or every problem. */
export function readStatement(v: JsonValue | undefined): { statement?: Statement; problems: StatementProblem[] } {
  const problems: StatementProblem[] = [];
  if (!isJsonObject(v)) return { problems: [{ pointer: "", message: "the statement must be an object" }] };
  // The format says which member set is exact; an unknown format is checked against v2's.
  const MEMBERS = v.format === STATEMENT_FORMAT_V1 ? MEMBERS_V1 : MEMBERS_V2;
  for (const name of Object.keys(v)) {
    if (!MEMBERS.includes(name)) problems.push({ pointer: "/" + name, message: `unexpected member "${name}" (the statement has exactly ${MEMBERS.join(", ")})` });
  }
  for (const name of MEMBERS) {
    if (!hasMember(v, name)) problems.push({ pointer: "", message: `missing member "${name}"` });
  }
  if (hasMember(v, "format") && v.format !== STATEMENT_FORMAT_V1 && v.format !== STATEMENT_FORMAT_V2) {
    problems.push({ pointer: "/format", message: `must be "${STATEMENT_FORMAT_V2}" (or "${STATEMENT_FORMAT_V1}")` });
  }
  if (hasMember(v, "chain") && (typeof v.chain !== "string" || v.chain === "")) problems.push({ pointer: "/chain", message: "must be a non-empty string" });
  if (hasMember(v, "length") && !(typeof v.length === "number" && Number.isSafeInteger(v.length) && v.length >= 0)) {
    problems.push({ pointer: "/length", message: "must be a non-negative integer" });
  }
  if (hasMember(v, "head") && !isHexDigest(v.head)) problems.push({ pointer: "/head", message: "must be 64 lowercase hex characters" });
  if (hasMember(v, "tree") && !isHexDigest(v.tree)) problems.push({ pointer: "/tree", message: "must be 64 lowercase hex characters" });
  if (hasMember(v, "issuedAt") && !(typeof v.issuedAt === "string" && isRfc3339Utc(v.issuedAt))) {
    problems.push({ pointer: "/issuedAt", message: "must be an RFC 3339 UTC time ending in Z" });
  }
  if (hasMember(v, "issuer")) {
    const issuer = v.issuer;
    if (!isJsonObject(issuer)) problems.push({ pointer: "/issuer", message: "must be an object" });
    else {
      for (const [k, val] of Object.entries(issuer)) {
        if (k !== "tenant" && k !== "workspace") problems.push({ pointer: "/issuer/" + k, message: `unexpected member "${k}" (issuer holds only tenant and workspace)` });
        else if (typeof val !== "string") problems.push({ pointer: "/issuer/" + k, message: "must be a string" });
      }
    }
  }
  if (problems.length > 0) return { problems };
  return { statement: v as unknown as Statement, problems };
}

/** A v2 statement (DESIGN §12: writers write v2). */
export function makeStatement(chain: string, length: number, head: Uint8Array, tree: Uint8Array, issuedAt: string, issuer: Issuer): StatementV2 {
  const iss: Issuer = {};
  if (issuer.tenant !== undefined) iss.tenant = issuer.tenant;
  if (issuer.workspace !== undefined) iss.workspace = issuer.workspace;
  return { format: STATEMENT_FORMAT_V2, chain, length, head: hexDigest(head), tree: hexDigest(tree), issuedAt, issuer: iss };
}

export function statementBytes(s: Statement): Uint8Array {
  return canonicalBytes(s as unknown as JsonObject);
}

/** H(JCS(statement)): the proof's short identity, printed as `sha256:<hex>` (DESIGN §5). */
export function statementDigest(crypto: CryptoProvider, s: Statement): HexDigest {
  return hexDigest(crypto.sha256(statementBytes(s)));
}

export function proofIdentity(crypto: CryptoProvider, s: Statement): string {
  return "sha256:" + statementDigest(crypto, s);
}
