/** The keyring writers (DESIGN §7): they replay what they write, so they never write a bad entry. */
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { canonicalBytes } from "../../../src/core/json/canonical.js";
import { hexDigest } from "../../../src/core/encoding/hex.js";
import type { JsonObject } from "../../../src/core/json/value.js";
import { b64uDecode } from "../../../src/core/encoding/base64url.js";
import { decodeUtf8Strict } from "../../../src/core/encoding/utf8.js";
import { createKeyring, extendKeyring, serializeKeyring } from "../../../src/core/keyring/sign.js";
import { at, fixedKey, invalidCodes } from "./support.js";

const crypto = nodeCrypto;
const A = fixedKey(crypto, 1);
const B = fixedKey(crypto, 2);
const X = fixedKey(crypto, 9);

function init() {
  const w = createKeyring(crypto, [A], at(0));
  if (!w.ok) throw new Error("init refused");
  return w.keyring;
}

describe("writing entries", () => {
  it("writes entry 0 exactly as DESIGN §7 spells it", () => {
    const kr = init();
    expect(Object.keys(kr)).toEqual(["format", "keys", "log"]);
    expect(kr.log[0]!.statement).toEqual({
      format: "imladri.rotation/v1",
      seq: 0,
      prev: null,
      at: at(0),
      add: [{ kty: "OKP", crv: "Ed25519", x: A.x, kid: A.kid }],
      retire: [],
      revoke: [],
    });
    const header = JSON.parse(decodeUtf8Strict(b64uDecode(kr.log[0]!.signatures[0]!.protected)!)!);
    expect(header).toEqual({ alg: "Ed25519", kid: A.kid, typ: "imladri-rotation+json" });
    expect(kr.keys).toEqual([{ kty: "OKP", crv: "Ed25519", x: A.x, kid: A.kid, status: "active", created: at(0) }]);
  });

  it("chains each entry to the one before and signs it by the signer and the added key", () => {
    const w = extendKeyring(crypto, init(), { add: [B], retire: [A.kid] }, [A], at(1));
    if (!w.ok) throw new Error("refused");
    const [e0, e1] = w.keyring.log;
    expect(e1!.statement.prev).toBe(hexDigest(crypto.sha256(canonicalBytes(e0!.statement as unknown as JsonObject))));
    expect(e1!.signatures).toHaveLength(2);
  });

  it("signs once per distinct key", () => {
    const w = extendKeyring(crypto, init(), { add: [B] }, [A, A, B], at(1));
    if (!w.ok) throw new Error("refused");
    expect(w.keyring.log[1]!.signatures).toHaveLength(2);
  });

  it("refuses an entry the reader would refuse, with the reader's codes", () => {
    const notActive = extendKeyring(crypto, init(), { add: [B] }, [X], at(1));
    expect(notActive.ok).toBe(false);
    expect(invalidCodes(notActive.findings)).toEqual(["keyring.not-authorized", "keyring.signature.unknown-key"]);
    const twice = extendKeyring(crypto, init(), { retire: [X.kid] }, [A], at(1));
    expect(invalidCodes(twice.findings)).toEqual(["keyring.unknown-kid"]);
  });

  it("is deterministic: the same keys and time give the same bytes", () => {
    const one = createKeyring(crypto, [A], at(0));
    const two = createKeyring(crypto, [A], at(0));
    if (!one.ok || !two.ok) throw new Error("refused");
    expect(serializeKeyring(one.keyring)).toBe(serializeKeyring(two.keyring));
    expect(serializeKeyring(one.keyring).endsWith("}\n")).toBe(true);
  });
});
