/** New keys: from the provider's random bytes, written as a JWK that the key loader reads back. */
import { describe, expect, it } from "vitest";
import type { CryptoProvider } from "../../../src/core/crypto/provider.js";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { parseJson } from "../../../src/core/json/parse.js";
import { readPrivateJwk, thumbprint } from "../../../src/core/jws/jwk.js";
import { generatePrivateKey, privateJwkText } from "../../../src/core/keyring/generate.js";

describe("generatePrivateKey", () => {
  it("takes its 32-byte seed from the provider's randomBytes", () => {
    const asked: number[] = [];
    const fixed: CryptoProvider = { ...nodeCrypto, randomBytes: (n) => (asked.push(n), new Uint8Array(n).fill(7)) };
    const k = generatePrivateKey(fixed);
    expect(asked).toEqual([32]);
    expect([...k.seed]).toEqual(new Array(32).fill(7));
    expect(k.kid).toBe(thumbprint(nodeCrypto, k.x));
  });

  it("gives different keys on each call", () => {
    expect(generatePrivateKey(nodeCrypto).kid).not.toBe(generatePrivateKey(nodeCrypto).kid);
  });

  it("writes a private JWK that readPrivateJwk reads back to the same key", () => {
    const k = generatePrivateKey(nodeCrypto);
    const jwk = parseJson(privateJwkText(k));
    expect(Object.keys(jwk as object).sort()).toEqual(["crv", "d", "kid", "kty", "x"]);
    const back = readPrivateJwk(nodeCrypto, jwk);
    expect(back.ok && back.key.kid).toBe(k.kid);
    expect(back.ok && [...back.key.seed]).toEqual([...k.seed]);
  });
});
