/**
 * fixtures/keys/demo-keyring.json: entry 0 adds the demo key. It must replay, pinned to the demo
 * key, and be exactly what the keyring code makes from fixtures/keys/demo-signer.jwk at the fixed
 * time in scripts/make-keyring-fixture.mjs (so it was made by the code, not by hand).
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { nodeCrypto } from "../../../src/platform/node-crypto.js";
import { parseJson } from "../../../src/core/json/parse.js";
import { readPrivateJwk, readPublicJwk } from "../../../src/core/jws/jwk.js";
import { replayKeyring } from "../../../src/core/keyring/replay.js";
import { createKeyring, serializeKeyring } from "../../../src/core/keyring/sign.js";

const KEYS = fileURLToPath(new URL("../../../fixtures/keys/", import.meta.url));
const read = (name: string) => fs.readFileSync(KEYS + name, "utf8");

describe("the demo keyring fixture", () => {
  const pub = readPublicJwk(nodeCrypto, parseJson(read("demo-signer.pub.jwk")));
  if (!pub.ok) throw new Error(pub.message);
  const demoKid = pub.key.kid;

  it("replays, pinned to the demo key, with the demo key active", () => {
    const r = replayKeyring(nodeCrypto, parseJson(read("demo-keyring.json")), { root: demoKid });
    expect(r.findings).toEqual([]);
    expect(r.keys.map((k) => [k.jwk.kid, k.jwk.status])).toEqual([[demoKid, "active"]]);
  });

  it("is what the code makes from the demo key at the script's fixed time", () => {
    const script = fs.readFileSync(fileURLToPath(new URL("../../../scripts/make-keyring-fixture.mjs", import.meta.url)), "utf8");
    const when = /DEMO_KEYRING_AT = "([^"]+)"/.exec(script)?.[1];
    expect(when).toBeDefined();
    const priv = readPrivateJwk(nodeCrypto, parseJson(read("demo-signer.jwk")));
    if (!priv.ok) throw new Error(priv.message);
    const made = createKeyring(nodeCrypto, [priv.key], when!);
    if (!made.ok) throw new Error("refused");
    expect(read("demo-keyring.json")).toBe(serializeKeyring(made.keyring));
  });
});
