/**
 * In-memory bundles and shares for the redaction tests: the demo log exported and signed with the
 * demo key through the core (no files), and a verifier over the text a writer would produce.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { parseJson } from "../../../src/core/json/parse.js";
import type { JsonObject } from "../../../src/core/json/value.js";
import { readPrivateJwk, readPublicJwk, type PrivateKey, type PublicKey } from "../../../src/core/jws/jwk.js";
import { Exporter, signStatement } from "../../../src/core/export/exporter.js";
import { BUNDLE_FORMAT, type BundleHeader, type DisclosedRecord, type EventRecord } from "../../../src/core/bundle/types.js";
import { serializeBundle, type BundleFormat } from "../../../src/core/bundle/serialize.js";
import { readBundleText } from "../../../src/core/bundle/read.js";
import { TrustStore } from "../../../src/core/jws/trust.js";
import { Verifier, type VerificationReport } from "../../../src/core/verify/verifier.js";
import { statementDigest, type Statement } from "../../../src/core/statement/statement.js";
import { makeRedactionBlock, recordsDigest, shareStats } from "../../../src/core/redact/block.js";
import { applyPolicy, scanShare, settleFindings } from "../../../src/core/redact/share.js";
import type { Policy } from "../../../src/core/redact/policy.js";
import { AUDITOR_POLICY } from "../../../src/core/redact/policies.js";

export const crypto = nodeCrypto;
const FIXTURES = fileURLToPath(new URL("../../../fixtures/", import.meta.url));

export function demoEvents(): JsonObject[] {
  return readFileSync(FIXTURES + "events/examples.jsonl", "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => parseJson(l) as JsonObject);
}

export const demoKey: PrivateKey = (() => {
  const r = readPrivateJwk(crypto, parseJson(readFileSync(FIXTURES + "keys/demo-signer.jwk", "utf8")));
  if (!r.ok) throw new Error(r.message);
  return r.key;
})();

export const demoPub: PublicKey = (() => {
  const r = readPublicJwk(crypto, parseJson(readFileSync(FIXTURES + "keys/demo-signer.pub.jwk", "utf8")));
  if (!r.ok) throw new Error(r.message);
  return r.key;
})();

/** A second key, for a redactor that is not the issuer. */
export const otherKey: PrivateKey = (() => {
  const seed = crypto.sha256(new TextEncoder().encode("imladri test redactor key"));
  const r = readPrivateJwk(crypto, {
    kty: "OKP",
    crv: "Ed25519",
    d: Buffer.from(seed).toString("base64url"),
    x: Buffer.from(crypto.ed25519PublicKey(seed)).toString("base64url"),
  });
  if (!r.ok) throw new Error(r.message);
  return r.key;
})();

export interface Full {
  header: BundleHeader;
  records: DisclosedRecord[];
  statement: Statement;
}

export function exportFull(events: JsonObject[] = demoEvents(), chain = "demo"): Full {
  const ex = new Exporter(crypto, chain);
  const records = events.map((e) => {
    const r = ex.add(e);
    if (!r.ok) throw new Error("export failed");
    return r.record;
  });
  const statement = ex.statement("2026-11-20T10:00:00.000Z", { tenant: "acme" });
  const header: BundleHeader = { format: BUNDLE_FORMAT, kind: "full", statement, signatures: [signStatement(crypto, statement, demoKey)] };
  return { header, records, statement };
}

export interface Share {
  header: BundleHeader;
  records: EventRecord[];
}

export function makeShare(
  input: { header: BundleHeader; records: readonly EventRecord[] },
  policy: Policy = AUDITOR_POLICY,
  options: { accept?: string[]; key?: PrivateKey } = {},
): Share {
  const { records } = applyPolicy(crypto, input.records, policy);
  const previous = (input.header.redaction?.accepted as { id: string }[] | undefined)?.map((a) => a.id) ?? [];
  const settled = settleFindings(scanShare(crypto, records), options.accept ?? [], previous);
  if (settled.blocking.length > 0) throw new Error(`blocking findings: ${settled.blocking.map((f) => f.detector).join(", ")}`);
  const block = makeRedactionBlock(crypto, {
    statementDigest: statementDigest(crypto, input.header.statement),
    policy,
    createdAt: "2026-11-21T08:00:00.000Z",
    stats: shareStats(records),
    accepted: settled.accepted,
    ...(options.key ? { signer: { key: options.key, eventsDigest: recordsDigest(crypto, records) } } : {}),
  });
  return { header: { ...input.header, kind: "share", redaction: block as unknown as JsonObject }, records };
}

export function text(b: { header: BundleHeader; records: readonly EventRecord[] }, format: BundleFormat = "json"): string {
  return [...serializeBundle(b.header, b.records, format)].join("");
}

export function verifyText(t: string, options: { keys?: PublicKey[]; minSignatures?: number } = {}): VerificationReport & { codes: string[] } {
  const trust = new TrustStore();
  for (const key of options.keys ?? [demoPub]) trust.add({ key, status: "active", source: "test" });
  const v = new Verifier({ crypto, trust, ...(options.minSignatures ? { minSignatures: options.minSignatures } : {}) });
  readBundleText(t, v);
  const r = v.result();
  return { ...r, codes: r.findings.filter((f) => f.effect === "invalid").map((f) => f.code) };
}

/** A JSON copy to tamper with. */
export function doc(t: string): any {
  return JSON.parse(t);
}
