/**
 * schemas/keyring.schema.json describes the same document the replay reads: what the writers
 * produce passes it, and the structure the replay refuses fails it.
 */
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { validateKeyring } from "../../../src/core/schema/generated/validators.js";
import type { JsonObject } from "../../../src/core/json/value.js";
import { createKeyring, extendKeyring } from "../../../src/core/keyring/sign.js";
import { at, clone, fixedKey } from "./support.js";

const crypto = nodeCrypto;
const A = fixedKey(crypto, 1);
const B = fixedKey(crypto, 2);

function written(): JsonObject {
  const k0 = createKeyring(crypto, [A], at(0));
  if (!k0.ok) throw new Error("init");
  const k1 = extendKeyring(crypto, k0.keyring, { add: [B], revoke: [{ kid: A.kid, reason: "leaked" }] }, [A], at(1));
  if (!k1.ok) throw new Error("rotate");
  return clone(k1.keyring) as unknown as JsonObject;
}

describe("keyring schema", () => {
  it("accepts what the writers write", () => {
    expect(validateKeyring(written()), JSON.stringify(validateKeyring.errors)).toBe(true);
  });

  const broken: [string, (k: any) => void][] = [
    ["a private member in keys", (k) => (k.keys[0].d = "x")],
    ["a private member in an added key", (k) => (k.log[0].statement.add[0].d = "x")],
    ["a missing empty array", (k) => delete k.log[0].statement.retire],
    ["an extra statement member", (k) => (k.log[0].statement.note = "hi")],
    ["an empty log", (k) => (k.log = [])],
    ["a wrong format", (k) => (k.format = "imladri.keyring/v2")],
    ["an unknown status", (k) => (k.keys[0].status = "suspended")],
    ["a header beside a signature", (k) => (k.log[0].signatures[0].header = {})],
    ["a short kid", (k) => (k.log[1].statement.revoke[0].kid = "abc")],
  ];
  it.each(broken)("refuses %s", (_name, change) => {
    const k = written();
    change(k);
    expect(validateKeyring(k)).toBe(false);
  });
});
