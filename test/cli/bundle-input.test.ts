/**
 * The earlier bundle of `export --continue` is read twice: checked whole first (streaming), then
 * record by record in step with the new log (issue 6). A file changed between the two reads must
 * be caught, however it changed: replaced by another consistent bundle of the same chain (every
 * record reads well, the head does not match) or cut short.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { Exporter } from "../../src/core/export/exporter.js";
import type { JsonObject } from "../../src/core/json/value.js";
import { nodeCrypto } from "../../src/platform/node-crypto.js";
import { openBundleToContinue } from "../../src/cli/bundle-input.js";
import { DEMO_EVENTS, demoKey, imladri, tempDir } from "../support/cli.js";

let dir: string;
let events: JsonObject[];
const file = (name: string) => path.join(dir, name);

beforeAll(() => {
  dir = tempDir("imladri-bundle-input-");
  const key = demoKey(dir);
  events = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as JsonObject);
  for (const name of ["a.jsonl", "b.jsonl", "a.json"]) {
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--chain", "same", "--out", file(name)]);
    expect(r.code, r.stderr).toBe(0);
  }
});

/** Opens `name` (checked now), lets `change` alter the file, then exports the demo log against it. */
function continueAfter(name: string, change: (f: string) => void): { refusedAt?: number; intact: boolean } {
  const f = file(`work-${name}`);
  fs.copyFileSync(file(name), f);
  const earlier = openBundleToContinue(nodeCrypto, f);
  change(f);
  const ex = new Exporter(nodeCrypto, earlier.statement.chain, earlier.records);
  try {
    for (const e of events) {
      const r = ex.add(e);
      if (!r.ok) return { refusedAt: r.seq, intact: ex.earlierIntact() };
    }
    return { intact: ex.earlierIntact() };
  } finally {
    earlier.close();
  }
}

describe("openBundleToContinue", () => {
  for (const name of ["a.jsonl", "a.json"]) {
    it(`reads an unchanged ${path.extname(name)} bundle again in step with the log`, () => {
      expect(continueAfter(name, () => {})).toEqual({ intact: true });
    });
  }

  it("catches a bundle replaced between the reads by another consistent one of the same chain", () => {
    expect(continueAfter("a.jsonl", (f) => fs.copyFileSync(file("b.jsonl"), f))).toEqual({ intact: false });
  });

  it("catches a bundle cut short between the reads", () => {
    const r = continueAfter("a.jsonl", (f) => {
      const lines = fs.readFileSync(f, "utf8").split("\n");
      fs.writeFileSync(f, lines.slice(0, 4).join("\n") + "\n");
    });
    expect(r).toEqual({ refusedAt: 3, intact: false });
  });

  it("catches a record line that no longer parses", () => {
    const r = continueAfter("a.jsonl", (f) => {
      const lines = fs.readFileSync(f, "utf8").split("\n");
      lines[6] = lines[6]!.replace("{", "{{");
      fs.writeFileSync(f, lines.join("\n"));
    });
    expect(r).toEqual({ refusedAt: 5, intact: false });
  });
});
