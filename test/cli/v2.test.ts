/**
 * Format v2 through the built CLI (DESIGN §12): export writes v2 and --continue of a v1 bundle
 * too; excerpts and checkpoints are made and verified; every tamper of an excerpt or checkpoint is
 * caught by the finding that names it; `verify --since` follows §12's matrix for every anchor
 * kind. Every tamper starts from a file that verifies, so a tamper that is not caught fails.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri, tempDir } from "../support/cli.js";

type Doc = Record<string, any>;
let dir: string;
let priv: string;
let pub: string;
const f = (name: string) => path.join(dir, name);

function run(args: string[]) {
  const r = imladri(args);
  const report = r.stdout.startsWith("{") ? JSON.parse(r.stdout) : undefined;
  const all = (report?.findings ?? []) as { code: string; effect: string; seq?: number; pointer?: string; message: string }[];
  return { ...r, report, findings: all, codes: all.filter((x) => x.effect === "invalid" || x.effect === "insufficient").map((x) => x.code) };
}

function ok(args: string[]): string {
  const r = imladri(args);
  expect(r.code, `imladri ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function verify(file: string, extra: string[] = []) {
  return run(["proof", "verify", file, "--key", pub, "--json", ...extra]);
}

function writeDoc(doc: Doc | string): string {
  const file = f(`t-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  return file;
}

const lines = fs.readFileSync(DEMO_EVENTS, "utf8").split("\n").filter(Boolean);

beforeAll(() => {
  dir = tempDir();
  ({ priv, pub } = demoKey(dir));
  fs.writeFileSync(f("e5.jsonl"), lines.slice(0, 5).join("\n") + "\n");
  fs.writeFileSync(f("e8.jsonl"), lines.slice(0, 8).join("\n") + "\n");
  fs.writeFileSync(f("e14.jsonl"), lines.join("\n") + "\n");
  // The forked log: the same first 5 events, then a different event at seq 5.
  const forked = lines.slice(0, 8);
  forked[5] = forked[5]!.replace('"evt-0006"', '"evt-0006-rewritten"');
  fs.writeFileSync(f("fork8.jsonl"), forked.join("\n") + "\n");
  ok(["proof", "export", "--log", f("e5.jsonl"), "--key-file", priv, "--chain", "c1", "--out", f("a5.json")]);
  ok(["proof", "export", "--log", f("e8.jsonl"), "--key-file", priv, "--continue", f("a5.json"), "--out", f("a8.json")]);
  ok(["proof", "export", "--log", f("e14.jsonl"), "--key-file", priv, "--continue", f("a8.json"), "--out", f("b.jsonl")]);
  ok(["proof", "export", "--log", f("fork8.jsonl"), "--key-file", priv, "--continue", f("a5.json"), "--out", f("fork8.json")]);
  ok(["proof", "checkpoint", f("fork8.json"), "--out", f("fork8.cp.json")]);
  ok(["proof", "checkpoint", f("a8.json"), "--out", f("a8.cp.json")]);
  ok(["proof", "checkpoint", f("b.jsonl"), "--since", f("a8.json"), "--out", f("b.cp.json")]);
  ok(["proof", "excerpt", f("b.jsonl"), "--seq", "2", "--seq", "5", "--seq", "9", "--out", f("ex.json")]);
}, 120_000);

describe("v2 bundles", () => {
  it("export writes imladri.proof/v2 with a statement/v2 holding the tree, and it verifies", () => {
    const b = JSON.parse(fs.readFileSync(f("a8.json"), "utf8"));
    expect(b.format).toBe("imladri.proof/v2");
    expect(b.statement.format).toBe("imladri.statement/v2");
    expect(b.statement.tree).toMatch(/^[0-9a-f]{64}$/);
    expect(verify(f("a8.json")).code).toBe(0);
  });

  it("a v1 bundle still verifies, and --continue of it writes v2 over every event, extending it", () => {
    const v1 = path.join(FIXTURES, "bundles/demo.json");
    expect(JSON.parse(fs.readFileSync(v1, "utf8")).format).toBe("imladri.proof/v1");
    expect(verify(v1).code).toBe(0);
    ok(["proof", "export", "--log", DEMO_EVENTS, "--key-file", priv, "--continue", v1, "--out", f("v2-of-v1.json")]);
    const b = JSON.parse(fs.readFileSync(f("v2-of-v1.json"), "utf8"));
    expect(b.format).toBe("imladri.proof/v2");
    expect(b.statement.head).toBe(JSON.parse(fs.readFileSync(v1, "utf8")).statement.head);
    const r = verify(f("v2-of-v1.json"), ["--since", v1]);
    expect(r.code, r.stdout).toBe(0);
  });

  it("a changed tree in a full v2 bundle is tree.root-mismatch (beside the failing signature)", () => {
    const b = JSON.parse(fs.readFileSync(f("a8.json"), "utf8"));
    b.statement.tree = "0".repeat(64);
    const r = verify(writeDoc(b));
    expect(r.code).toBe(1);
    expect(r.codes).toContain("tree.root-mismatch");
  });

  it("a v1 statement in a v2 bundle, and a v2 statement in a v1 bundle, are bundle.statement-version", () => {
    const b = JSON.parse(fs.readFileSync(f("a8.json"), "utf8"));
    b.statement.format = "imladri.statement/v1";
    delete b.statement.tree;
    expect(verify(writeDoc(b)).codes).toContain("bundle.statement-version");
    const c = JSON.parse(fs.readFileSync(f("a8.json"), "utf8"));
    c.format = "imladri.proof/v1";
    expect(verify(writeDoc(c)).codes).toContain("bundle.statement-version");
  });

  it("redact and inspect read v2; a share of v2 is v2 and verifies", () => {
    ok(["proof", "redact", f("b.jsonl"), "--out", f("share.json")]);
    expect(JSON.parse(fs.readFileSync(f("share.json"), "utf8")).format).toBe("imladri.proof/v2");
    expect(verify(f("share.json")).code).toBe(0);
    const i = run(["proof", "inspect", f("ex.json"), "--json"]);
    expect(i.code).toBe(0);
    expect(i.report.blocked.map((b: any) => b.seq)).toEqual([2]);
  });
});

describe("excerpts", () => {
  const base = (): Doc => JSON.parse(fs.readFileSync(f("ex.json"), "utf8"));

  it("verifies, and says how many events it shows of how many", () => {
    const r = verify(f("ex.json"));
    expect(r.code, r.stdout).toBe(0);
    expect(r.report.excerptSeqs).toEqual([2, 5, 9]);
    const text = imladri(["proof", "verify", f("ex.json"), "--key", pub]);
    expect(text.stdout).toContain("3 of 14 events shown (seq 2, 5, 9); the rest are not in this file");
    const doc = base();
    expect(doc.kind).toBe("excerpt");
    expect(doc.redaction.stats).toEqual({ events: 14, disclosed: 0, partial: 3, elided: 11, redactedFields: doc.redaction.stats.redactedFields });
  });

  it("every --require check is unmet on an excerpt", () => {
    const r = verify(f("ex.json"), ["--require", "decisions"]);
    expect(r.code).toBe(2);
    expect(r.codes).toEqual(["require.decisions"]);
  });

  const flip = (h: string) => (h[0] === "0" ? "1" : "0") + h.slice(1);
  const cases: [string, (d: Doc) => void, string, (number | undefined)?, string?][] = [
    ["a changed disclosed value", (d) => (d.events[1].event.type = "tool.call"), "excerpt.proof", 5, "/events/1/proof"],
    ["a flipped proof hash", (d) => (d.events[1].proof[2] = flip(d.events[1].proof[2])), "excerpt.proof", 5, "/events/1/proof"],
    ["a removed proof hash", (d) => d.events[1].proof.splice(1, 1), "excerpt.proof", 5, "/events/1/proof"],
    ["an added proof hash", (d) => d.events[1].proof.push(d.events[1].proof[0]), "excerpt.proof", 5, "/events/1/proof"],
    ["a malformed proof hash", (d) => (d.events[1].proof[3] = "zz"), "record.proof", 5, "/events/1/proof/3"],
    ["a changed seq", (d) => (d.events[1].seq = 4), "excerpt.proof", 4, "/events/1/proof"],
    ["a seq beyond the length", (d) => (d.events[2].seq = 14), "excerpt.seq-range", 14, "/events/2/seq"],
    ["a duplicated record", (d) => d.events.splice(2, 0, structuredClone(d.events[1])), "excerpt.order", 5, "/events/2/seq"],
    ["reordered records", (d) => d.events.reverse(), "excerpt.order"],
    ["a record dropped with the stats unchanged", (d) => d.events.splice(1, 1), "redaction.stats"],
    ["the statement's tree changed", (d) => (d.statement.tree = flip(d.statement.tree)), "excerpt.proof"],
    ["a v1 statement inside a v2 bundle", (d) => {
      d.statement.format = "imladri.statement/v1";
      delete d.statement.tree;
    }, "bundle.statement-version"],
    ["an elided record", (d) => (d.events[1] = { seq: 5, digest: "0".repeat(64), proof: d.events[1].proof }), "record.form", 5, "/events/1"],
    ["no records at all", (d) => {
      d.events = [];
      d.redaction.stats.elided = 14;
      d.redaction.stats.partial = 0;
      d.redaction.stats.redactedFields = 0;
    }, "excerpt.empty"],
    ["a record without its proof", (d) => delete d.events[0].proof, "record.proof", 2],
    ["an excerpt in a v1 bundle", (d) => (d.format = "imladri.proof/v1"), "bundle.kind"],
  ];
  for (const [name, tamper, code, seq, pointer] of cases) {
    it(`${name} is invalid: ${code}`, () => {
      const d = base();
      tamper(d);
      const r = verify(writeDoc(d));
      expect(r.code, r.stdout).toBe(1);
      expect(r.codes).toContain(code);
      const hit = r.findings.find((x) => x.code === code)!;
      if (seq !== undefined) expect(hit.seq).toBe(seq);
      if (pointer !== undefined) expect(hit.pointer).toBe(pointer);
    });
  }

  it("a redactor's signature covers the records with their proof members", () => {
    ok(["proof", "excerpt", f("b.jsonl"), "--seq", "3", "--seq", "7", "--key-file", priv, "--out", f("ex-signed.jsonl")]);
    const good = verify(f("ex-signed.jsonl"));
    expect(good.code, good.stdout).toBe(0);
    expect(good.report.redactorSignatures[0].status).toBe("valid");
    const text = fs.readFileSync(f("ex-signed.jsonl"), "utf8").split("\n");
    const rec = JSON.parse(text[1]!);
    rec.proof = [...rec.proof, rec.proof[0]];
    text[1] = JSON.stringify(rec);
    const file = f("ex-signed-tampered.jsonl");
    fs.writeFileSync(file, text.join("\n"));
    const r = verify(file);
    expect(r.code).toBe(1);
    expect(r.codes).toContain("redaction.signature-bad");
    expect(r.codes).toContain("excerpt.proof");
  });

  it("a proof member on a full bundle's record is record.proof", () => {
    const b = JSON.parse(fs.readFileSync(f("a8.json"), "utf8"));
    b.events[0].proof = [];
    expect(verify(writeDoc(b)).codes).toContain("record.proof");
  });

  it("an accepted finding outside the chosen events is redaction.accepted", () => {
    const d = base();
    d.redaction.accepted = [{ id: "0123456789abcdef", detector: "email", severity: "low", seq: 3, pointer: "/x", preview: "a…" }];
    expect(verify(writeDoc(d)).codes).toContain("redaction.accepted");
  });

  it("chooses by --blocked and --type, can be excerpted further, and refuses a v1 bundle and a seq beyond the length", () => {
    ok(["proof", "excerpt", f("b.jsonl"), "--blocked", "--type", "authority.*", "--out", f("ex-blocked.jsonl")]);
    const r = verify(f("ex-blocked.jsonl"));
    expect(r.code, r.stdout).toBe(0);
    expect(r.report.excerptSeqs.length).toBeGreaterThan(0);
    ok(["proof", "excerpt", f("ex.json"), "--seq", "9", "--out", f("ex-9.json")]);
    expect(verify(f("ex-9.json")).report.excerptSeqs).toEqual([9]);
    expect(verify(f("ex-9.json")).code).toBe(0);
    const v1 = imladri(["proof", "excerpt", path.join(FIXTURES, "bundles/demo.json"), "--seq", "1", "--out", f("no.json")]);
    expect(v1.code).toBe(65);
    expect(v1.stderr).toContain("v1");
    const far = imladri(["proof", "excerpt", f("b.jsonl"), "--seq", "14", "--out", f("no.json")]);
    expect(far.code).toBe(64);
    expect(fs.existsSync(f("no.json"))).toBe(false);
  });
});

describe("checkpoints and --since (DESIGN §12's matrix)", () => {
  const cp = (): Doc => JSON.parse(fs.readFileSync(f("b.cp.json"), "utf8"));

  it("a checkpoint is one JSON line of a few hundred bytes, and verifies alone", () => {
    const text = fs.readFileSync(f("b.cp.json"), "utf8");
    expect(text.split("\n")).toHaveLength(2);
    expect(text.length).toBeLessThan(2048);
    expect(Object.keys(cp()).sort()).toEqual(["consistency", "format", "kind", "signatures", "statement"]);
    const r = verify(f("b.cp.json"));
    expect(r.code, r.stdout).toBe(0);
    expect(imladri(["proof", "verify", f("b.cp.json"), "--key", pub]).stdout).toContain("no events shown");
  });

  it("a good consistency proof shows the log only grew: verified", () => {
    for (const anchor of ["a8.json", "a8.cp.json"]) {
      const r = verify(f("b.cp.json"), ["--since", f(anchor)]);
      expect(r.code, `${anchor}: ${r.stdout}`).toBe(0);
      expect(r.report.since.extends).toBe("proven");
    }
  });

  it("a flipped proof hash is checkpoint.consistency (alone) and since.fork (against the anchor)", () => {
    const d = cp();
    d.consistency.proof[0] = (d.consistency.proof[0][0] === "0" ? "1" : "0") + d.consistency.proof[0].slice(1);
    const file = writeDoc(d);
    const alone = verify(file);
    expect(alone.code).toBe(1);
    expect(alone.codes).toContain("checkpoint.consistency");
    expect(alone.findings.find((x) => x.code === "checkpoint.consistency")!.pointer).toBe("/consistency/proof");
    expect(verify(file, ["--since", f("a8.json")]).codes).toContain("since.fork");
  });

  it("a proof from another length, or none, cannot show it: since.unproven (insufficient_evidence)", () => {
    const other = verify(f("b.cp.json"), ["--since", f("a5.json")]);
    expect(other.code).toBe(2);
    expect(other.codes).toEqual(["since.unproven"]);
    ok(["proof", "checkpoint", f("b.jsonl"), "--out", f("b-bare.cp.json")]);
    const none = verify(f("b-bare.cp.json"), ["--since", f("a8.json")]);
    expect(none.code).toBe(2);
    expect(none.codes).toEqual(["since.unproven"]);
  });

  it("a full bundle against a checkpoint anchor of a forked log is since.fork", () => {
    const r = verify(f("b.jsonl"), ["--since", f("fork8.cp.json")]);
    expect(r.code).toBe(1);
    expect(r.codes).toContain("since.fork");
    expect(verify(f("b.cp.json"), ["--since", f("fork8.cp.json")]).codes).toContain("since.fork");
    expect(verify(f("b.jsonl"), ["--since", f("a8.cp.json")]).code).toBe(0);
  });

  it("an excerpt (m < n), a v1 anchor against a checkpoint: since.unproven; equal lengths compare head and tree", () => {
    expect(verify(f("ex.json"), ["--since", f("a8.json")]).codes).toEqual(["since.unproven"]);
    expect(verify(f("b.cp.json"), ["--since", path.join(FIXTURES, "bundles/demo.json")]).codes).toContain("since.chain");
    ok(["proof", "export", "--log", DEMO_EVENTS, "--key-file", priv, "--continue", path.join(FIXTURES, "bundles/demo.json"), "--out", f("demo-v2.json")]);
    ok(["proof", "checkpoint", f("demo-v2.json"), "--out", f("demo-v2.cp.json")]);
    expect(verify(f("demo-v2.cp.json"), ["--since", path.join(FIXTURES, "bundles/demo.json")]).code).toBe(0);
    expect(verify(f("ex.json"), ["--since", f("b.cp.json")]).code).toBe(0);
    expect(verify(f("a8.cp.json"), ["--since", f("fork8.cp.json")]).codes).toContain("since.fork");
  });

  it("another chain is since.chain, a longer anchor since.shorter", () => {
    expect(verify(f("a8.json"), ["--since", path.join(FIXTURES, "bundles/demo.json")]).codes).toContain("since.chain");
    expect(verify(f("a5.json"), ["--since", f("b.cp.json")]).codes).toContain("since.shorter");
  });

  it("a malformed or inconsistent anchor is a data error (65), never a verdict", () => {
    const d = cp();
    d.consistency.proof[0] = "00";
    const r = imladri(["proof", "verify", f("b.jsonl"), "--key", pub, "--since", writeDoc(d)]);
    expect(r.code).toBe(65);
    const e = JSON.parse(fs.readFileSync(f("ex.json"), "utf8"));
    e.events[0].event.type = "x";
    expect(imladri(["proof", "verify", f("b.jsonl"), "--key", pub, "--since", writeDoc(e)]).code).toBe(65);
  });

  it("records in a checkpoint are checkpoint.records; --require on it is unmet", () => {
    const d = cp();
    d.events = [];
    expect(verify(writeDoc(JSON.stringify(d, null, 1))).codes).toContain("checkpoint.records");
    expect(verify(f("b.cp.json"), ["--require", "cleanup"]).codes).toEqual(["require.cleanup"]);
  });

  it("checkpoint --since refuses a bundle that does not extend the anchor, writing nothing", () => {
    const r = imladri(["proof", "checkpoint", f("b.jsonl"), "--since", f("fork8.json"), "--out", f("bad.cp.json")]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("does not extend");
    expect(fs.existsSync(f("bad.cp.json"))).toBe(false);
  });
});

describe("proof redact and the v2 kinds", () => {
  it("refuses an excerpt (pointing to proof excerpt --policy) and a checkpoint, writing nothing", () => {
    for (const [input, says] of [["ex.json", "proof excerpt"], ["b.cp.json", "holds no events"]] as const) {
      const out = f(`redacted-${input}`);
      const r = imladri(["proof", "redact", f(input), "--out", out]);
      expect(r.code, r.stderr).toBe(65);
      expect(r.stderr).toContain(says);
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(dir).filter((n) => n.startsWith(".imladri-tmp"))).toEqual([]);
    }
    // What redact points to: an excerpt excerpted (and redacted) again keeps its paths and verifies.
    ok(["proof", "excerpt", f("ex.json"), "--seq", "5", "--out", f("ex-again.json")]);
    const v = verify(f("ex-again.json"));
    expect(v.code, v.stdout).toBe(0);
    expect(v.report.excerptSeqs).toEqual([5]);
  });
});

describe("proof excerpt of a bundle that holds more records than its statement says", () => {
  it("is refused as inconsistent (exit 65), not an internal error, even for a seq past the length", () => {
    const lines = fs.readFileSync(f("b.jsonl"), "utf8").split("\n");
    const header = JSON.parse(lines[0]!);
    header.statement.length = 10;
    lines[0] = JSON.stringify(header);
    fs.writeFileSync(f("short.jsonl"), lines.join("\n"));
    for (const seq of ["2", "12"]) {
      const r = imladri(["proof", "excerpt", f("short.jsonl"), "--seq", seq, "--out", f(`short-${seq}.json`)]);
      expect(r.code, r.stderr).toBe(65);
      expect(r.stderr).toContain("not a consistent bundle");
      expect(fs.existsSync(f(`short-${seq}.json`))).toBe(false);
    }
  });
});
