/** DESIGN §7: replaying a keyring log, deriving key states, and refusing every forgery. */
import { describe, expect, it } from "vitest";
import { nobleCrypto } from "../../../src/core/crypto/noble.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import type { JsonObject, JsonValue } from "../../../src/core/json/value.js";
import { publicJwk, type Kid } from "../../../src/core/jws/jwk.js";
import { replayKeyring } from "../../../src/core/keyring/replay.js";
import { createKeyring, extendKeyring } from "../../../src/core/keyring/sign.js";
import type { Keyring, KeyringEntry } from "../../../src/core/keyring/types.js";
import { at, clone, entry, fixedKey, invalidCodes, keyringOf } from "./support.js";

const crypto = nodeCrypto;
const A = fixedKey(crypto, 1);
const B = fixedKey(crypto, 2);
const C = fixedKey(crypto, 3);
const X = fixedKey(crypto, 9); // the forger's key

/** E0 adds A; E1 adds B and retires A (signed by A and B): A retired, B active. */
function rotated(): KeyringEntry[] {
  const log: KeyringEntry[] = [];
  log.push(entry(crypto, log, { add: [publicJwk(A)] }, [A]));
  log.push(entry(crypto, log, { add: [publicJwk(B)], retire: [A.kid] }, [A, B]));
  return log;
}

/** rotated() then E2: B revokes A. */
function revokedA(): KeyringEntry[] {
  const log = rotated();
  log.push(entry(crypto, log, { revoke: [{ kid: A.kid, reason: "laptop stolen" }] }, [B]));
  return log;
}

describe("an honest keyring", () => {
  for (const provider of [nodeCrypto, nobleCrypto]) {
    it(`init → rotate → rotate → revoke replays and derives every state (${provider.name})`, () => {
      const a = fixedKey(provider, 1);
      const b = fixedKey(provider, 2);
      const c = fixedKey(provider, 3);
      const k0 = createKeyring(provider, [a], at(0));
      if (!k0.ok) throw new Error("init refused");
      const k1 = extendKeyring(provider, k0.keyring, { add: [b], retire: [a.kid] }, [a], at(1));
      if (!k1.ok) throw new Error("rotate refused");
      const k2 = extendKeyring(provider, k1.keyring, { add: [c], retire: [b.kid] }, [b], at(2));
      if (!k2.ok) throw new Error("rotate refused");
      const k3 = extendKeyring(provider, k2.keyring, { revoke: [{ kid: a.kid, reason: "leaked" }] }, [c], at(3));
      if (!k3.ok) throw new Error("revoke refused");
      const r = replayKeyring(provider, clone(k3.keyring) as unknown as JsonValue, { root: a.kid });
      expect(r.findings).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.root).toEqual([a.kid]);
      expect(r.keys.map((k) => k.jwk)).toEqual([
        { ...publicJwk(a), status: "revoked", created: at(0), retired: at(1), revoked: { at: at(3), reason: "leaked" } },
        { ...publicJwk(b), status: "retired", created: at(1), retired: at(2) },
        { ...publicJwk(c), status: "active", created: at(2) },
      ]);
      // Every entry after 0 is chained to the one before and signed by the old and the new key.
      expect(k3.keyring.log.map((e) => e.statement.seq)).toEqual([0, 1, 2, 3]);
      expect(k3.keyring.log[1]!.signatures).toHaveLength(2);
    });
  }

  it("accepts keys in any order (DESIGN §7: order aside)", () => {
    const doc = keyringOf(crypto, revokedA());
    (doc.keys as JsonValue[]).reverse();
    expect(replayKeyring(crypto, doc, { root: A.kid }).ok).toBe(true);
  });

  it("says the first key is trusted as given when no root is pinned", () => {
    const r = replayKeyring(crypto, keyringOf(crypto, rotated()));
    expect(r.ok).toBe(true);
    const info = r.findings.filter((f) => f.code === "keyring.root-unpinned");
    expect(info).toHaveLength(1);
    expect(info[0]!.effect).toBe("info");
    expect(info[0]!.message).toContain(A.kid);
    expect(r.pinned).toBe(false);
  });

  it("allows zero active keys", () => {
    const log = rotated();
    log.push(entry(crypto, log, { revoke: [{ kid: B.kid, reason: "retiring the service" }] }, [B]));
    const r = replayKeyring(crypto, keyringOf(crypto, log), { root: A.kid });
    expect(r.ok).toBe(true);
    expect(r.keys.map((k) => k.jwk.status)).toEqual(["retired", "revoked"]);
  });

  it("warns, without refusing, about an entry dated before the one it follows", () => {
    const log = rotated();
    log.push(entry(crypto, log, { at: "2026-11-01T00:00:00.5Z", add: [publicJwk(C)] }, [B, C]));
    const r = replayKeyring(crypto, keyringOf(crypto, log), { root: A.kid });
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => [f.code, f.effect])).toEqual([["keyring.time-order", "warning"]]);
  });
});

describe("forged log entries are each refused with their own finding", () => {
  function codes(log: KeyringEntry[], root: Kid = A.kid): string[] {
    return invalidCodes(replayKeyring(crypto, keyringOf(crypto, log), { root }).findings);
  }

  it("an entry signed only by the key it adds", () => {
    const log = rotated();
    log.push(entry(crypto, log, { add: [publicJwk(X)] }, [X]));
    expect(codes(log)).toEqual(["keyring.not-authorized"]);
  });

  it("an entry signed by a retired key (and the key it adds)", () => {
    const log = rotated();
    log.push(entry(crypto, log, { add: [publicJwk(X)] }, [A, X]));
    expect(codes(log)).toEqual(["keyring.signer-retired"]);
  });

  it("an entry signed by a revoked key", () => {
    const log = revokedA();
    log.push(entry(crypto, log, { add: [publicJwk(X)] }, [A, X]));
    const found = codes(log);
    expect(found).toContain("keyring.signature.revoked-key");
    expect(found).not.toContain("keyring.signer-retired");
  });

  it("a signature by a revoked key is refused even beside an active key's", () => {
    const log = revokedA();
    log.push(entry(crypto, log, { add: [publicJwk(C)] }, [B, A, C]));
    expect(codes(log)).toEqual(["keyring.signature.revoked-key"]);
  });

  it("a wrong prev", () => {
    const log = rotated();
    const wrong = entry(crypto, log.slice(0, 1), {}, []).statement.prev; // digest of entry 0, not 1
    log.push(entry(crypto, log, { prev: wrong, add: [publicJwk(C)] }, [B, C]));
    expect(codes(log)).toEqual(["keyring.prev-mismatch"]);
  });

  it("entry 0 with a prev", () => {
    const start = entry(crypto, [], { prev: "0".repeat(64) as never, add: [publicJwk(A)] }, [A]);
    expect(codes([start])).toEqual(["keyring.prev-mismatch"]);
  });

  it("a skipped seq", () => {
    const log = rotated();
    log.push(entry(crypto, log, { seq: 3, add: [publicJwk(C)] }, [B, C]));
    expect(codes(log)).toEqual(["keyring.seq-gap"]);
  });

  it("a reordered log", () => {
    const log = rotated();
    log.push(entry(crypto, log, { add: [publicJwk(C)], retire: [B.kid] }, [B, C]));
    const reordered = [log[0]!, log[2]!, log[1]!];
    const found = codes(reordered);
    expect(found).toContain("keyring.log-order");
    expect(found).not.toContain("keyring.seq-gap");
  });

  it("a keys list that claims a revoked key is active", () => {
    const doc = keyringOf(crypto, revokedA());
    const keys = doc.keys as JsonObject[];
    const i = keys.findIndex((k) => k.kid === A.kid);
    keys[i]!.status = "active";
    delete keys[i]!.revoked;
    delete keys[i]!.retired;
    const r = replayKeyring(crypto, doc, { root: A.kid });
    expect(invalidCodes(r.findings)).toEqual(["keyring.keys-mismatch"]);
    expect(r.findings.find((f) => f.pointer === `/keys/${i}/status`)?.message).toContain('"active"');
    expect(r.ok).toBe(false);
  });

  it("a different root than --root pins", () => {
    // A keyring made from scratch by someone else is internally sound, but not the pinned one.
    const log: KeyringEntry[] = [];
    log.push(entry(crypto, log, { add: [publicJwk(X)] }, [X]));
    expect(codes(log, X.kid)).toEqual([]);
    expect(codes(log, A.kid)).toEqual(["keyring.root-mismatch"]);
  });
});

describe("other refusals", () => {
  function codes(doc: JsonValue): string[] {
    return invalidCodes(replayKeyring(crypto, doc, { root: A.kid }).findings);
  }

  it("a statement changed after signing", () => {
    const doc = keyringOf(crypto, rotated());
    const log = doc.log as JsonObject[];
    (log[1]!.statement as JsonObject).at = "2026-11-30T00:00:00.000Z";
    // Both signatures fail, so the entry is also unauthorized and its added key unsigned.
    expect(codes(doc)).toEqual(["keyring.add-unsigned", "keyring.keys-mismatch", "keyring.not-authorized", "keyring.signature.bad"]);
    expect(replayKeyring(crypto, doc).findings.filter((f) => f.code === "keyring.signature.bad").map((f) => f.pointer)).toEqual(["/log/1/signatures/0", "/log/1/signatures/1"]);
  });

  it("a bundle statement signature replayed as a rotation (typ)", () => {
    const log: KeyringEntry[] = [];
    log.push(entry(crypto, log, { add: [publicJwk(A)] }, [A], "imladri-statement+json"));
    expect(codes(keyringOf(crypto, log))).toEqual(["keyring.add-unsigned", "keyring.signature.typ"]);
  });

  it("an added key that does not sign its entry", () => {
    const log = rotated();
    log.push(entry(crypto, log, { add: [publicJwk(C)] }, [B]));
    expect(codes(keyringOf(crypto, log))).toEqual(["keyring.add-unsigned"]);
  });

  it("entry 0 signed by a key it does not add", () => {
    const log: KeyringEntry[] = [];
    log.push(entry(crypto, log, { add: [publicJwk(A)] }, [A, X]));
    expect(codes(keyringOf(crypto, log))).toEqual(["keyring.signature.unknown-key"]);
  });

  it("entry 0 that adds nothing", () => {
    const log: KeyringEntry[] = [];
    log.push(entry(crypto, log, {}, []));
    expect(codes(keyringOf(crypto, log))).toEqual(["keyring.root-empty"]);
  });

  it("a key added twice, a retired key retired, a revoked key revoked, an unknown kid", () => {
    const cases: [Parameters<typeof entry>[2], string][] = [
      [{ add: [publicJwk(A)] }, "keyring.duplicate-add"],
      [{ retire: [A.kid] }, "keyring.retire-not-active"],
      [{ retire: [X.kid] }, "keyring.unknown-kid"],
    ];
    for (const [change, code] of cases) {
      const log = rotated();
      // A signs too, so an added A is not also "unsigned".
      log.push(entry(crypto, log, change, [B, A]));
      expect(codes(keyringOf(crypto, log)), code).toEqual([code]);
    }
    const log = revokedA();
    log.push(entry(crypto, log, { revoke: [{ kid: A.kid, reason: "again" }] }, [B]));
    expect(codes(keyringOf(crypto, log))).toEqual(["keyring.already-revoked"]);
  });

  it("an added key that is not a usable Ed25519 key (small order)", () => {
    // The identity point: "verifies" forged signatures under lenient verifiers (DESIGN §5).
    const identity = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const log: KeyringEntry[] = [];
    log.push(entry(crypto, log, { add: [publicJwk(A)] }, [A]));
    log.push(entry(crypto, log, { add: [{ kty: "OKP", crv: "Ed25519", x: identity, kid: A.kid }] }, [A]));
    expect(codes(keyringOf(crypto, log))).toContain("keyring.key-invalid");
  });

  it("a private member anywhere, without ever showing its value", () => {
    const d = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    for (const place of ["key", "add", "top"] as const) {
      const doc = keyringOf(crypto, rotated());
      if (place === "key") (doc.keys as JsonObject[])[0]!.d = d;
      if (place === "add") (((doc.log as JsonObject[])[0]!.statement as JsonObject).add as JsonObject[])[0]!.d = d;
      if (place === "top") doc.d = d;
      const r = replayKeyring(crypto, doc, { root: A.kid });
      expect(r.ok).toBe(false);
      expect(invalidCodes(r.findings), place).toContain("keyring.private-member");
      expect(JSON.stringify(r.findings)).not.toContain(d);
      expect(JSON.stringify(r.findings)).not.toContain(d.slice(0, 20));
    }
  });

  it("structure: not an object, wrong format, missing and extra members, an empty log", () => {
    expect(codes([])).toEqual(["keyring.structure"]);
    const good = keyringOf(crypto, rotated());
    expect(codes({ ...good, format: "imladri.keyring/v2" })).toEqual(["keyring.structure"]);
    expect(codes({ ...good, extra: 1 })).toEqual(["keyring.structure"]);
    expect(codes({ format: good.format!, log: good.log! })).toEqual(["keyring.structure"]);
    expect(codes({ ...good, log: [], keys: [] })).toEqual(["keyring.log-empty"]);
    const noRevoke = clone(good);
    delete ((noRevoke.log as JsonObject[])[1]!.statement as JsonObject).revoke;
    // DESIGN §7: every member present, empty arrays included.
    expect(codes(noRevoke)).toContain("keyring.structure");
    const beside = clone(good);
    ((beside.log as JsonObject[])[1]!.signatures as JsonObject[])[0]!.header = { kid: A.kid };
    expect(codes(beside)).toContain("keyring.signature.malformed-entry");
  });

  it("keys that are missing, extra or listed twice", () => {
    const good = keyringOf(crypto, rotated());
    const keys = good.keys as JsonObject[];
    expect(codes({ ...good, keys: [keys[0]!] })).toEqual(["keyring.keys-missing"]);
    expect(codes({ ...good, keys: [...keys, { ...publicJwk(X), status: "active", created: at(0) }] })).toEqual(["keyring.keys-extra"]);
    expect(codes({ ...good, keys: [...keys, keys[0]!] })).toEqual(["keyring.keys-duplicate"]);
  });

  it("gives no keyring object unless everything replays", () => {
    const r = replayKeyring(crypto, { ...keyringOf(crypto, rotated()), keys: [] });
    expect(r.ok).toBe(false);
    expect(r.keyring).toBeUndefined();
    const ok = replayKeyring(crypto, keyringOf(crypto, rotated()));
    expect((ok.keyring as Keyring).log).toHaveLength(2);
  });
});
