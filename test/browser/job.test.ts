/**
 * The worker's job without a browser (src/browser/job.ts, timeline.ts): the trust rules the page
 * shares with `proof verify` (--key, --keyring, --root), and the timeline rows that show a share's
 * hidden parts as such. The page itself is tested in Chromium (page.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { nobleCrypto } from "../../src/core/crypto/noble.js";
import { REDACTED } from "../../src/core/inspect/summary.js";
import { runJob, type JobFile } from "../../src/browser/job.js";
import { FIXTURES, tempDir } from "../support/cli.js";
import { makeDemoFiles, type DemoFiles } from "./fixtures.js";

let demo: DemoFiles;
const file = (p: string, name = path.basename(p)): JobFile => ({ name, bytes: new Uint8Array(fs.readFileSync(p)) });
const text = (name: string, t: string): JobFile => ({ name, bytes: new TextEncoder().encode(t) });
const ROOT = "MnaSXunLpXEgYdM6AB8Rs7EW1LOtxiA5YXqtvd-W3S4";

beforeAll(() => {
  demo = makeDemoFiles(tempDir("imladri-job-"));
}, 120_000);

function run(bundle: JobFile, keys: JobFile[], extra: { root?: string; minSignatures?: number } = {}) {
  return runJob(nobleCrypto, { bundle, keys, minSignatures: extra.minSignatures ?? 1, require: [], ...(extra.root !== undefined ? { root: extra.root } : {}) });
}

describe("the page's trust rules (as proof verify's --key, --keyring, --root)", () => {
  it("verifies with the signer's public key and names the key by its file", () => {
    const r = run(file(demo.bundle), [file(demo.pub)]);
    expect(r.kind).toBe("done");
    if (r.kind !== "done") return;
    expect(r.report.verdict).toBe("verified");
    expect(r.report.signatures.map((s) => [s.status, s.source])).toEqual([["valid", "demo-signer.pub.jwk"]]);
  });

  it("refuses a file that is neither JSON nor a key, without echoing its contents", () => {
    const secretish = "not json at all: d=SECRETVALUE";
    const r = run(file(demo.bundle), [text("notes.txt", secretish)]);
    expect(r.kind).toBe("refused");
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]!.file).toBe("notes.txt");
    expect(r.notes[0]!.message).toMatch(/^not a JSON JWK or keyring \(syntax at line 1, column \d+\)$/);
    expect(JSON.stringify(r)).not.toContain("SECRETVALUE");
  });

  it("refuses a second keyring, and --root without a keyring or that is not a kid", () => {
    const kr = file(demo.keyring);
    expect(run(file(demo.bundle), [kr, file(demo.keyring, "copy.json")]).notes.map((n) => n.file)).toEqual(["copy.json"]);
    const noKeyring = run(file(demo.bundle), [file(demo.pub)], { root: ROOT });
    expect(noKeyring.kind).toBe("refused");
    expect(noKeyring.notes[0]!.message).toBe("pins a keyring's first key: give a keyring too");
    const notKid = run(file(demo.bundle), [kr], { root: "abc" });
    expect(notKid.kind).toBe("refused");
    expect(notKid.notes[0]!.message).toContain("expected a kid");
  });

  it("trusts a keyring's keys and reports its findings among the bundle's, named by its file", () => {
    const r = run(file(demo.bundle), [file(demo.keyring)], { root: ROOT });
    expect(r.kind).toBe("done");
    if (r.kind !== "done") return;
    expect(r.report.verdict).toBe("verified");
    expect(r.report.signatures[0]!.source).toBe("demo-keyring.json");
  });

  it("gives no trust from a keyring whose log is broken, and says so", () => {
    const kr = JSON.parse(fs.readFileSync(path.join(FIXTURES, "keys/demo-keyring.json"), "utf8"));
    kr.log[0].statement.at = "2026-11-02T00:00:00.000Z";
    const r = run(file(demo.bundle), [text("broken-keyring.json", JSON.stringify(kr))]);
    expect(r.kind).toBe("done");
    if (r.kind !== "done") return;
    expect(r.report.verdict).toBe("invalid");
    expect(r.report.validSignatures).toBe(0);
    expect(r.report.findings.some((f) => f.code === "keyring.untrusted" && f.message.startsWith("keyring broken-keyring.json does not verify"))).toBe(true);
  });
});

describe("the timeline rows", () => {
  it("shows each elided event as elided with its digest, and each redacted value as [redacted]", () => {
    const share = JSON.parse(fs.readFileSync(demo.share, "utf8"));
    const r = run(file(demo.share), [file(demo.pub)]);
    expect(r.kind).toBe("done");
    if (r.kind !== "done") return;
    const rows = r.timeline.rows(0, 1000);
    expect(rows.map((x) => x.seq)).toEqual(share.events.map((e: { seq: number }) => e.seq));
    for (const [i, rec] of share.events.entries()) {
      const row = rows[i]!;
      if ("digest" in rec) {
        expect(row.form).toBe("elided");
        expect(row.digest).toBe(rec.digest);
        expect(row.event).toBeUndefined();
      } else {
        expect(row.form).toBe("partial");
        expect(row.redacted.sort()).toEqual(Object.keys(rec.redacted).sort());
      }
    }
    // The auditor policy hides user identities: the actor says so rather than dropping the user.
    const withUser = rows.find((x) => x.redacted.includes("/actor/user"))!;
    expect(withUser.actor).toContain(`(user ${REDACTED})`);
  });

  it("marks a fact redacted only where the share hid it", () => {
    const share = JSON.parse(fs.readFileSync(demo.share, "utf8"));
    const seq = share.events.findIndex((e: { event?: { type?: string } }) => e.event?.type === "db.write");
    expect(Object.keys(share.events[seq].redacted).sort()).toEqual(["/argsDigest", "/statement"]);
    const r = run(file(demo.share), [file(demo.pub)]);
    if (r.kind !== "done") throw new Error("expected a verdict");
    const facts = Object.fromEntries(r.timeline.rows(seq, 1)[0]!.facts.map((f) => [f.label, f]));
    expect(facts.statement).toEqual({ label: "statement", text: REDACTED, redacted: true });
    expect(facts["args digest"]).toEqual({ label: "args digest", text: REDACTED, redacted: true });
    expect(facts.resource).toEqual({ label: "resource", text: "db.branch", redacted: false });
    expect(facts["source untouched"]).toEqual({ label: "source untouched", text: "true", redacted: false });
  });

  it("keeps an unreadable JSON Lines record as a row of its own, marked with its finding", () => {
    const lines = fs.readFileSync(demo.bundleJsonl, "utf8").split("\n");
    lines[3] = lines[3]!.slice(0, 20);
    const r = run(text("broken.jsonl", lines.join("\n")), [file(demo.pub)]);
    if (r.kind !== "done") throw new Error("expected a verdict");
    expect(r.report.verdict).toBe("invalid");
    const row = r.timeline.rows(2, 1)[0]!;
    expect(row).toMatchObject({ seq: 2, form: "unreadable", worst: "invalid", codes: ["bundle.parse"] });
    expect(r.timeline.rows(3, 1)[0]!.form).toBe("disclosed");
  });
});
