/**
 * `proof export --continue` reads the earlier bundle in step with the new log instead of holding
 * it (issue 6). What it writes must be what the in-memory behaviour wrote: the earlier records
 * byte for byte, then the new events with fresh seeds, a bundle that verifies and extends the
 * earlier one (`verify --since`); and every refusal keeps its message and exit code. Both earlier
 * forms (json, jsonl). Memory is measured in docs/performance.md, not asserted here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEvents } from "../../fixtures/generate-events.mjs";
import { serializeBundle, type BundleFormat } from "../../src/core/bundle/serialize.js";
import type { BundleHeader, DisclosedRecord } from "../../src/core/bundle/types.js";
import type { JsonObject } from "../../src/core/json/value.js";
import { parseJson } from "../../src/core/json/parse.js";
import { DEMO_EVENTS, demoKey, imladri, tempDir } from "../support/cli.js";
import { bundleParts } from "../support/bundle-parts.js";

/** A few thousand events: the earlier bundle is many 1 MB reads long in the JSON Lines form. */
const EARLIER = 2_000;
const ALL = 2_500;

let dir: string;
let key: { priv: string; pub: string };
let logLines: string[];
const file = (name: string) => path.join(dir, name);

function writeLog(name: string, lines: string[]): string {
  fs.writeFileSync(file(name), lines.join("\n") + "\n");
  return file(name);
}

function exportLog(log: string, out: string, ...more: string[]) {
  return imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--out", out, ...more]);
}

/** Header and records of a bundle file. */
function parts(bundle: string): { header: BundleHeader; records: DisclosedRecord[] } {
  return bundleParts<DisclosedRecord>(fs.readFileSync(bundle));
}

const recordLines = (bundle: string) => fs.readFileSync(bundle, "utf8").split("\n").slice(1, -1);

beforeAll(() => {
  dir = tempDir("imladri-continue-");
  key = demoKey(dir);
  logLines = [...generateEvents(ALL, 11)].map((e) => JSON.stringify(e));
  writeLog("all.jsonl", logLines);
  writeLog("earlier.jsonl", logLines.slice(0, EARLIER));
  for (const form of ["json", "jsonl"] as const) {
    const r = exportLog(file("earlier.jsonl"), file(`earlier-bundle.${form}`), "--format", form);
    expect(r.code, r.stderr).toBe(0);
  }
}, 600_000);

describe("proof export --continue, reading the earlier bundle in step with the log", () => {
  for (const earlierForm of ["json", "jsonl"] as const) {
    // Each earlier form into the other output form; jsonl into jsonl is the in-place case below.
    const outForm: BundleFormat = earlierForm === "json" ? "jsonl" : "json";
    it(`continues a ${EARLIER}-event ${earlierForm} bundle into a ${outForm} one exactly as the in-memory export did`, () => {
      const earlier = file(`earlier-bundle.${earlierForm}`);
      const out = file(`continued-${earlierForm}.${outForm}`);
      const r = exportLog(file("all.jsonl"), out, "--continue", earlier, "--format", outForm, "--json");
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ length: ALL, continued: EARLIER });

      // The independent expectation: the earlier records as they are, then each new event of
      // the log in order (under the seed the export drew for it), in the writer's layout.
      const before = parts(earlier);
      const after = parts(out);
      expect(after.header.statement.chain).toBe(before.header.statement.chain);
      const fresh = logLines.slice(EARLIER).map((line, i): DisclosedRecord => ({ seq: EARLIER + i, seed: after.records[EARLIER + i]!.seed, event: parseJson(line) as JsonObject }));
      const expected = [...serializeBundle(after.header, [...before.records, ...fresh], outForm)].join("");
      expect(fs.readFileSync(out, "utf8") === expected).toBe(true);
      // New events get seeds of their own, never an earlier one's.
      const earlierSeeds = new Set(before.records.map((x) => x.seed));
      expect(fresh.filter((x) => earlierSeeds.has(x.seed))).toEqual([]);

      // It verifies, and extends the earlier bundle (same chain, the earlier head at its length).
      const since = imladri(["proof", "verify", out, "--key", key.pub, "--since", earlier, "--json"]);
      expect(since.code, since.stdout).toBe(0);
      expect(JSON.parse(since.stdout).verdict).toBe("verified");
    });

    for (const seq of [EARLIER / 2, EARLIER - 1]) {
      it(`refuses a log changed at seq ${seq} with the same message (${earlierForm} earlier bundle)`, () => {
        const earlier = file(`earlier-bundle.${earlierForm}`);
        const lines = [...logLines];
        const e = JSON.parse(lines[seq]!);
        e.ts = "2030-01-01T00:00:00.000Z";
        lines[seq] = JSON.stringify(e);
        const log = writeLog(`changed-${seq}.jsonl`, lines);
        const out = file(`changed-${seq}-${earlierForm}.jsonl`);
        const r = exportLog(log, out, "--continue", earlier);
        expect(r.code).toBe(65);
        expect(r.stderr).toContain(
          `${log}: the event at seq ${seq} differs from the one exported in ${earlier}: the source log was changed after the earlier export; nothing was written`,
        );
        expect(fs.existsSync(out)).toBe(false);
        expect(fs.readdirSync(dir).filter((n) => n.startsWith(".imladri-tmp-"))).toEqual([]);
      });
    }

    it(`refuses a log that lost events with the same message (${earlierForm} earlier bundle)`, () => {
      const earlier = file(`earlier-bundle.${earlierForm}`);
      const log = writeLog("lost.jsonl", logLines.slice(0, EARLIER - 500));
      const out = file(`lost-${earlierForm}.jsonl`);
      const r = exportLog(log, out, "--continue", earlier);
      expect(r.code).toBe(65);
      expect(r.stderr).toContain(
        `${log}: holds ${EARLIER - 500} events but ${earlier} already has ${EARLIER}: the source log lost events after the earlier export (first missing: seq ${EARLIER - 500})`,
      );
      expect(fs.existsSync(out)).toBe(false);
    });
  }

  it("continues a bundle in place (--force): the earlier file is read to its end before it is replaced", () => {
    const copy = file("in-place.jsonl");
    fs.copyFileSync(file("earlier-bundle.jsonl"), copy);
    const r = exportLog(file("all.jsonl"), copy, "--continue", copy, "--force");
    expect(r.code, r.stderr).toBe(0);
    // JSON Lines into JSON Lines: the earlier record lines are the first lines, byte for byte.
    expect(recordLines(copy).slice(0, EARLIER)).toEqual(recordLines(file("earlier-bundle.jsonl")));
    expect(recordLines(copy).length).toBe(ALL);
    expect(imladri(["proof", "verify", copy, "--key", key.pub, "--since", file("earlier-bundle.jsonl")]).code).toBe(0);
  });

  it("continues with a log that adds nothing: the same events, the same head", () => {
    const out = file("same.jsonl");
    const r = exportLog(file("earlier.jsonl"), out, "--continue", file("earlier-bundle.jsonl"), "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).head).toBe(parts(file("earlier-bundle.jsonl")).header.statement.head);
    expect(recordLines(out)).toEqual(recordLines(file("earlier-bundle.jsonl")));
  });
});

describe("what --continue refuses before reading the log", () => {
  let demoBundle: string;
  beforeAll(() => {
    demoBundle = file("demo.json");
    expect(exportLog(DEMO_EVENTS, demoBundle).code).toBe(0);
  });

  it("refuses a share: it has no seeds", () => {
    const share = file("demo-share.json");
    const s = imladri(["proof", "redact", demoBundle, "--out", share]);
    expect(s.code, s.stderr).toBe(0);
    const out = file("from-share.json");
    const r = exportLog(DEMO_EVENTS, out, "--continue", share);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`${share}: is a share; continuing a chain needs the full bundle with its seeds`);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses an earlier bundle that is not consistent, naming the seq", () => {
    const doc = JSON.parse(fs.readFileSync(demoBundle, "utf8"));
    doc.events[4].seed = "not-a-seed";
    const bad = file("demo-tampered.json");
    fs.writeFileSync(bad, JSON.stringify(doc));
    const r = exportLog(DEMO_EVENTS, file("from-bad.json"), "--continue", bad);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain(`${bad}: the bundle to continue is not a consistent bundle seq 4`);
    expect(fs.existsSync(file("from-bad.json"))).toBe(false);
  });

  it("refuses a --chain that is not the earlier bundle's (usage, 64)", () => {
    const r = exportLog(DEMO_EVENTS, file("other-chain.json"), "--continue", demoBundle, "--chain", "another");
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`--chain "another" differs from the continued bundle's chain`);
  });

  it("refuses stdin as the earlier bundle: it is read twice (usage, 64)", () => {
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", file("stdin.json"), "--continue", "-"], {
      input: fs.readFileSync(demoBundle, "utf8"),
    });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("--continue needs the earlier bundle as a file, not stdin");
  });
});
