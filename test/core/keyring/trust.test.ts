/**
 * DESIGN §7 → §8: a keyring's keys as trust material. Active and retired keys verify bundles; a
 * signature by a revoked key makes the bundle invalid; a broken keyring gives no trust.
 */
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { readBundleText } from "../../../src/core/bundle/read.js";
import { serializeBundle } from "../../../src/core/bundle/serialize.js";
import { BUNDLE_FORMAT } from "../../../src/core/bundle/types.js";
import { Exporter, signStatement } from "../../../src/core/export/exporter.js";
import type { PrivateKey } from "../../../src/core/jws/jwk.js";
import { TrustStore } from "../../../src/core/jws/trust.js";
import type { JsonValue } from "../../../src/core/json/value.js";
import { replayKeyring } from "../../../src/core/keyring/replay.js";
import { createKeyring, extendKeyring } from "../../../src/core/keyring/sign.js";
import { addKeyringToTrust, trustKeyring } from "../../../src/core/keyring/trust.js";
import type { Keyring } from "../../../src/core/keyring/types.js";
import { Verifier } from "../../../src/core/verify/verifier.js";
import { at, clone, fixedKey } from "./support.js";

// The browser's provider: the keyring and the verifier are pure core.
const crypto = nobleCrypto;
const A = fixedKey(crypto, 1);
const B = fixedKey(crypto, 2);

function bundleSignedBy(key: PrivateKey): string {
  const exporter = new Exporter(crypto, "chain-1");
  const r = exporter.add({ id: "e1", ts: "2026-11-20T09:00:00.000Z", type: "agent.note", actor: { tenant: "acme", agent: "bot" } });
  if (!r.ok) throw new Error("export failed");
  const statement = exporter.statement("2026-11-20T10:00:00.000Z", {});
  return [...serializeBundle({ format: BUNDLE_FORMAT, kind: "full", statement, signatures: [signStatement(crypto, statement, key)] }, [r.record], "json")].join("");
}

function verify(bundle: string, keyring: Keyring | JsonValue) {
  const replay = replayKeyring(crypto, clone(keyring) as JsonValue, { root: A.kid });
  const trust = new TrustStore();
  const verifier = new Verifier({ crypto, trust, extraFindings: trustKeyring(trust, replay, "keyring.json") });
  readBundleText(bundle, verifier);
  verifier.end();
  return verifier.result();
}

function rotatedKeyring(): Keyring {
  const k0 = createKeyring(crypto, [A], at(0));
  if (!k0.ok) throw new Error("init");
  const k1 = extendKeyring(crypto, k0.keyring, { add: [B], retire: [A.kid] }, [A], at(1));
  if (!k1.ok) throw new Error("rotate");
  return k1.keyring;
}

describe("keyring trust", () => {
  const byA = bundleSignedBy(A);
  const byB = bundleSignedBy(B);

  it("verifies bundles by the retired and the active key", () => {
    const kr = rotatedKeyring();
    expect(verify(byA, kr).verdict).toBe("verified");
    expect(verify(byB, kr).verdict).toBe("verified");
  });

  it("makes a bundle signed by a revoked key invalid, and leaves the others verified", () => {
    const k2 = extendKeyring(crypto, rotatedKeyring(), { revoke: [{ kid: A.kid, reason: "laptop stolen" }] }, [B], at(2));
    if (!k2.ok) throw new Error("revoke");
    const a = verify(byA, k2.keyring);
    expect(a.verdict).toBe("invalid");
    const revoked = a.findings.find((f) => f.code === "signature.revoked-key");
    expect(revoked?.message).toContain("laptop stolen");
    expect(verify(byB, k2.keyring).verdict).toBe("verified");
  });

  it("carries the status and reason of each key", () => {
    const k2 = extendKeyring(crypto, rotatedKeyring(), { revoke: [{ kid: A.kid, reason: "leaked" }] }, [B], at(2));
    if (!k2.ok) throw new Error("revoke");
    const trust = new TrustStore();
    expect(addKeyringToTrust(trust, replayKeyring(crypto, clone(k2.keyring) as unknown as JsonValue), "kr")).toBe(2);
    expect(trust.get(A.kid)).toMatchObject({ status: "revoked", revokedReason: "leaked", source: "kr" });
    expect(trust.get(B.kid)).toMatchObject({ status: "active", source: "kr" });
  });

  it("gives no trust from a broken keyring, and the bundle is invalid", () => {
    const broken = clone(rotatedKeyring()) as unknown as { keys: { status: string }[] };
    broken.keys[0]!.status = "active"; // A is retired in the log
    const trust = new TrustStore();
    expect(addKeyringToTrust(trust, replayKeyring(crypto, broken as unknown as JsonValue), "kr")).toBe(0);
    expect(trust.size).toBe(0);
    const r = verify(byB, broken as unknown as JsonValue);
    expect(r.verdict).toBe("invalid");
    const mismatch = r.findings.find((f) => f.code === "keyring.keys-mismatch");
    expect(mismatch?.message).toMatch(/^keyring keyring\.json: /);
    expect(r.findings.find((f) => f.code === "keyring.untrusted")).toMatchObject({ effect: "info" });
  });
});
