/**
 * The Verifier as examine + fold (src/core/verify/steps/examine.ts): what an examination holds
 * depends on what the header asks for, and the fold refuses an examination that lacks what it
 * needs instead of folding it as if the record said less (a records digest or an evidence check
 * computed from less than every record would be wrong, silently).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { FIXTURES } from "../../support/cli.js";
import { bundleParts } from "../../support/bundle-parts.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { canonicalBytes } from "../../../src/core/json/canonical.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { TrustStore } from "../../../src/core/jws/trust.js";
import { eventFacts } from "../../../src/core/events/facts.js";
import { Verifier } from "../../../src/core/verify/verifier.js";
import { evidenceFactsOf } from "../../../src/core/verify/steps/evidence.js";
import { examineRecord } from "../../../src/core/verify/steps/examine.js";

const shareBytes = readFileSync(path.join(FIXTURES, "bundles", "demo-share.json"));

// bundleParts throws on any read problem, so the fold below never compares two empty results.
function parts(bytes: Uint8Array): { header: JsonObject; records: JsonValue[] } {
  const { header, records } = bundleParts(bytes);
  return { header: header as unknown as JsonObject, records: records as unknown as JsonValue[] };
}

describe("examineRecord", () => {
  const { records } = parts(shareBytes);
  const elided: JsonValue = { seq: 1, digest: "0".repeat(64) };
  const partial = records.find((r) => (r as JsonObject).salts !== undefined)!;

  it("adds the record's JCS only when the records digest is needed, and evidence facts only for --require", () => {
    const plain = examineRecord(nodeCrypto, partial, 0, undefined, { kind: "share", recordsDigest: false, evidence: false });
    expect(plain.jcs).toBeUndefined();
    expect(plain.evidence).toBeUndefined();
    const all = examineRecord(nodeCrypto, partial, 0, undefined, { kind: "share", recordsDigest: true, evidence: true });
    expect(all.jcs).toEqual(canonicalBytes(partial));
    expect(all.evidence).toEqual(evidenceFactsOf((partial as JsonObject).event as JsonObject));
    expect(examineRecord(nodeCrypto, elided, 1, undefined, { kind: "share", recordsDigest: false, evidence: true }).evidence).toBeNull();
  });

  it("evidence facts are the event facts the --require checks read", () => {
    const event = (partial as JsonObject).event as JsonObject;
    const f = eventFacts(event);
    expect(evidenceFactsOf(event)).toEqual(Object.fromEntries(Object.entries({ type: f.type, outcome: f.outcome, lifecycle: f.lifecycle }).filter(([, v]) => v !== undefined)));
  });
});

describe("Verifier.recordResult", () => {
  const { header, records } = parts(shareBytes);
  const trust = new TrustStore();

  it("folds an examination made elsewhere exactly as record() does", () => {
    expect(records.length).toBeGreaterThan(0);
    const a = new Verifier({ crypto: nodeCrypto, trust, require: ["decisions"] });
    const b = new Verifier({ crypto: nodeCrypto, trust, require: ["decisions"] });
    a.header(header, "json");
    b.header(header, "json");
    records.forEach((r, i) => {
      a.record(r, i);
      b.recordResult(examineRecord(nodeCrypto, r, i, undefined, b.recordNeeds()), i);
    });
    expect(b.result()).toEqual(a.result());
    expect(a.result().events.total).toBe(records.length);
  });

  it("refuses an examination without the JCS a signed share's records digest needs", () => {
    // Any redactor signature makes the verifier recompute H(JCS(records)) (DESIGN §6).
    const signed = { ...header, redaction: { ...(header.redaction as JsonObject), signatures: [{}] } };
    const v = new Verifier({ crypto: nodeCrypto, trust });
    v.header(signed, "json");
    expect(v.recordNeeds().recordsDigest).toBe(true);
    const x = examineRecord(nodeCrypto, records[0]!, 0, undefined, { ...v.recordNeeds(), recordsDigest: false });
    expect(() => v.recordResult(x, 0)).toThrow(/without its JCS/);
  });

  it("refuses an examination without the evidence facts --require needs", () => {
    const v = new Verifier({ crypto: nodeCrypto, trust, require: ["cleanup"] });
    v.header(header, "json");
    expect(v.recordNeeds().evidence).toBe(true);
    const x = examineRecord(nodeCrypto, records[0]!, 0, undefined, { ...v.recordNeeds(), evidence: false });
    expect(() => v.recordResult(x, 0)).toThrow(/without the evidence facts/);
  });
});
