import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { SHARED_VECTORS, VECTORS } from "./vectors.js";

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : e.name === "README.md" ? [] : [e.name]));
}

describe("fixtures/vectors", () => {
  const copied = files(VECTORS);
  it("holds the vector files the tests read", () => {
    for (const f of ["jcs/es6testfile10k.txt", "wycheproof/ed25519_test.json", "rfc8032.json", "rfc8037.json", "merkle/inclusion/1/happy-path.json", "merkle/consistency/1/happy-path.json"]) expect(copied).toContain(f);
  });
  it.runIf(fs.existsSync(SHARED_VECTORS))("is byte for byte the shared originals", () => {
    for (const f of copied) expect(fs.readFileSync(path.join(VECTORS, f)).equals(fs.readFileSync(path.join(SHARED_VECTORS, f))), f).toBe(true);
  });
});
