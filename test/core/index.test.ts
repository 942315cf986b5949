/** The package entry point: the documented example verifies a committed bundle with @noble alone. */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { nobleCrypto, parseJson, readBundleText, readPublicJwk, TrustStore, Verifier } from "../../src/core/index.js";

const fixture = (p: string) => fs.readFileSync(fileURLToPath(new URL(`../../fixtures/${p}`, import.meta.url)), "utf8");

describe("the library entry point", () => {
  it("verifies the demo bundle and share with the portable crypto, and refuses the tampered share", () => {
    const verdict = (bundle: string) => {
      const trust = new TrustStore();
      const k = readPublicJwk(nobleCrypto, parseJson(fixture("keys/demo-signer.pub.jwk")));
      if (!k.ok) throw new Error(k.message);
      trust.add({ key: k.key, status: "active", source: "demo" });
      const v = new Verifier({ crypto: nobleCrypto, trust });
      readBundleText(fixture(bundle), v);
      return v.result();
    };
    expect(verdict("bundles/demo.json").verdict).toBe("verified");
    expect(verdict("bundles/demo-share.json").verdict).toBe("verified");
    expect(verdict("bundles/demo-share.json").identity).toBe(verdict("bundles/demo.json").identity);
    const bad = verdict("bundles/demo-share-tampered.json");
    expect(bad.verdict).toBe("invalid");
    expect(bad.findings.map((f) => f.code)).toContain("chain.head-mismatch");
  });
});
