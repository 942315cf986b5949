/**
 * The linear-time detectors (issue 12 item 4, issue 14) find exactly what the old ones found.
 *
 * fixtures/detect/detector-ids.jsonl was recorded ONCE from the detectors of commit 983ab29, before
 * the rewrite, by fixtures/detect/make-detector-ids.mjs (its header says how; never regenerate it
 * to make this test pass): matches on 4,000 fuzzed texts, and finding ids, pointers and previews
 * on 1,500 bench-generator events with planted values. Each is checked three ways: findInText,
 * scanEvent (a share's scan), and the digest walk with a LeakCollector (export's scan).
 */
import * as fs from "node:fs";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findInText, scanText } from "../../../src/core/detect/detectors.js";
import { LeakCollector, PREFILTER, scanEvent, scanRecord, type LeakFinding } from "../../../src/core/detect/scan.js";
import { redactRecord } from "../../../src/core/redact/record.js";
import { b64uDecode, b64uEncode } from "../../../src/core/encoding/base64url.js";
import { hasMember } from "../../../src/core/json/value.js";
import type { JsonPointer } from "../../../src/core/json/pointer.js";
import { eventDigest, seedSource } from "../../../src/core/digest/tree.js";
import type { JsonObject } from "../../../src/core/json/value.js";
import { nodeCrypto as crypto } from "../../../src/platform/node-crypto.js";
import { generateEvents } from "../../../fixtures/generate-events.mjs";

type TextLine = { kind: "text"; text: string; found: [string, number, number, string][] };
type EventLine = { kind: "event"; seq: number; planted: JsonObject; found: [string, string, string, string, string][] };

const lines = fs
  .readFileSync(new URL("../../../fixtures/detect/detector-ids.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as TextLine | EventLine);
const texts = lines.filter((l): l is TextLine => l.kind === "text");
const events = lines.filter((l): l is EventLine => l.kind === "event");
const seedOf = (seq: number) => new Uint8Array(createHash("sha256").update(`detector-ids ${seq}`).digest());
const row = (f: LeakFinding) => [f.id, f.detector, f.severity, f.pointer, f.preview];

describe("detectors find what they found before the linear-time rewrite", () => {
  it("has a fixture with findings of every detector", () => {
    expect(texts.length).toBe(4000);
    expect(events.length).toBe(1500);
    expect(new Set(texts.flatMap((t) => t.found.map((f) => f[0]))).size).toBe(15);
    expect(events.reduce((n, e) => n + e.found.length, 0)).toBeGreaterThan(500);
  });

  it("on every fuzzed text: the same matches, ranges and previews", () => {
    const differ = texts.filter((t) => JSON.stringify(findInText(t.text).map((m) => [m.detector.id, m.start, m.end, m.preview])) !== JSON.stringify(t.found));
    expect(differ.map((t) => t.text)).toEqual([]);
  });

  it("lets the prefilter pass every text with a match", () => {
    expect(texts.filter((t) => t.found.length > 0 && !PREFILTER.test(t.text)).map((t) => t.text)).toEqual([]);
  });

  const withPlanted = (): { seq: number; event: JsonObject; expected: unknown[] }[] => {
    const out: { seq: number; event: JsonObject; expected: unknown[] }[] = [];
    let i = 0;
    for (const event of generateEvents(1500, 7)) {
      const line = events[i++]!;
      out.push({ seq: line.seq, event: { ...event, ...line.planted }, expected: line.found });
    }
    return out;
  };

  it("on every planted event, scanned as a share is: the same ids, pointers and previews, in order", () => {
    for (const { seq, event, expected } of withPlanted()) {
      expect(scanEvent(crypto, event, seq, seedSource(crypto, seedOf(seq))).map(row), `seq ${seq}`).toEqual(expected);
    }
  });

  it("on every planted event, scanned in the digest walk as export does: the same findings, and the same digest", () => {
    for (const { seq, event, expected } of withPlanted()) {
      const leaks = new LeakCollector(crypto, seq);
      const digest = eventDigest(crypto, event, seedOf(seq), { scanner: leaks });
      expect(leaks.findings.map(row), `seq ${seq}`).toEqual(expected);
      expect(digest).toEqual(eventDigest(crypto, event, seedOf(seq)));
    }
  });
});

describe("scanning a share's partial records", () => {
  it("asks about redacted pointers only at their lengths, and finds what asking at every node finds", () => {
    let compared = 0;
    let i = 0;
    for (const event of generateEvents(1500, 7)) {
      const line = events[i++]!;
      if (line.found.length === 0) continue;
      const full = { seq: line.seq, seed: b64uEncode(seedOf(line.seq)), event: { ...event, ...line.planted } };
      const hide = (["/note", "/jwk/d", "/list/1", "/actor"] as JsonPointer[]).filter((_, k) => (line.seq + k) % 2 === 0);
      const partial = redactRecord(crypto, full, hide);
      if (!("redacted" in partial)) continue;
      const { salts, redacted } = partial;
      const everyNode = scanEvent(crypto, partial.event, partial.seq, {
        salt: (p) => (hasMember(salts, p) ? b64uDecode(salts[p]!) : undefined),
        redacted: (p) => (hasMember(redacted, p) ? new Uint8Array(32) : undefined),
      });
      const found = scanRecord(crypto, partial);
      expect(found.map(row), `seq ${line.seq}`).toEqual(everyNode.map(row));
      // What stays disclosed keeps its id from the full record; what was hidden is not found.
      const before = new Map(scanRecord(crypto, full).map((f) => [f.id, f]));
      for (const f of found) expect(before.has(f.id)).toBe(true);
      for (const f of found) for (const h of Object.keys(redacted)) expect(f.pointer === h || f.pointer.startsWith(h + "/")).toBe(false);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe("the cap on findings per value", () => {
  it("keeps the first 20 by position and counts the rest", () => {
    const text = "write to a@b.co ".repeat(30);
    const scan = scanText(text);
    expect(scan.total).toBe(30);
    expect(scan.matches).toHaveLength(20);
    expect(scan.matches.map((m) => m.start)).toEqual(findInText(text).slice(0, 20).map((m) => m.start));
  });

  it("reports the rest as more on the value's last finding, in both scans", () => {
    const event = { note: "a@b.co ".repeat(25), other: "x" };
    const viaScan = scanEvent(crypto, event, 0, seedSource(crypto, seedOf(0)));
    const leaks = new LeakCollector(crypto, 0);
    eventDigest(crypto, event, seedOf(0), { scanner: leaks });
    for (const found of [viaScan, leaks.findings]) {
      expect(found).toHaveLength(20);
      expect(found[19]!.more).toBe(5);
      expect(found.slice(0, 19).every((f) => f.more === undefined)).toBe(true);
    }
    expect(leaks.findings.map(row)).toEqual(viaScan.map(row));
  });
});

describe("accepting a value past the cap", () => {
  it("records the accepted finding without its count, in the members the redaction block allows", async () => {
    const { settleFindings } = await import("../../../src/core/redact/share.js");
    const found = scanEvent(crypto, { note: "a@b.co ".repeat(25) }, 0, seedSource(crypto, seedOf(0)));
    expect(found[19]!.more).toBe(5);
    const settled = settleFindings(found, found.map((f) => f.id));
    expect(settled.blocking).toEqual([]);
    for (const f of settled.accepted) expect(Object.keys(f).sort()).toEqual(["detector", "id", "pointer", "preview", "seq", "severity"]);
  });
});
