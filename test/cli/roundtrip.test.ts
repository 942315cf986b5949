/** export → verify = verified, both forms, for logs that stress canonical JSON. */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, demoKey, imladri, tempDir } from "../support/cli.js";

let dir: string;
let key: ReturnType<typeof demoKey>;

const actor = { tenant: "acme", agent: "bot" };
const TRICKY = [
  { id: "n1", ts: "2026-11-20T09:00:00Z", type: "tool.call", actor, tool: { name: "calc" }, decision: { outcome: "allowed" }, args: { big: 1e21, tenth: 0.1, tiny: 5e-324, max: 9007199254740991 } },
  { id: "u1", ts: "2026-11-20T09:00:01.5Z", type: "tool.call", actor: { ...actor, user: "Zoë" }, tool: { name: "translate" }, decision: { outcome: "approved", reason: "revue humaine ✓" }, args: { text: "日本語のテキスト", emoji: "😀", nul: "a\u0000b", quote: "\"\\" } },
  { id: "a1", ts: "2026-11-20T09:00:02.123456Z", type: "agent.note", actor, nested: [[1, [2, [3, []]]], {}, [{}], [null, true, false]] },
];

beforeAll(() => {
  dir = tempDir();
  key = demoKey(dir);
  // -0 cannot be written by JSON.stringify; it is spelled out so the parser and JCS see it.
  const lines = TRICKY.map((e) => JSON.stringify(e));
  lines.push('{"id":"z1","ts":"2026-11-20T09:00:03Z","type":"agent.note","actor":{"tenant":"acme","agent":"bot"},"negzero":-0,"exp":1E+2,"frac":1.50}');
  fs.writeFileSync(path.join(dir, "tricky.jsonl"), lines.join("\n") + "\n");
});

describe("export then verify", () => {
  for (const format of ["json", "jsonl"] as const) {
    for (const log of ["demo", "tricky"]) {
      it(`verifies a ${format} bundle of the ${log} log`, () => {
        const src = log === "demo" ? DEMO_EVENTS : path.join(dir, "tricky.jsonl");
        const out = path.join(dir, `${log}-bundle.${format}`);
        const e = imladri(["proof", "export", "--log", src, "--key-file", key.priv, "--out", out, "--format", format, "--tenant", "acme", "--workspace", "ops"]);
        expect(e.code, e.stderr).toBe(0);
        const v = imladri(["proof", "verify", out, "--key", key.pub, "--json"]);
        expect(v.code, v.stdout).toBe(0);
        const report = JSON.parse(v.stdout);
        expect(report.verdict).toBe("verified");
        expect(report.form).toBe(format);
        expect(report.identity).toMatch(/^sha256:[0-9a-f]{64}$/);
        // The identity printed at export is the one verify prints.
        expect(e.stdout).toContain(report.identity);
      });
    }
  }

  it("writes JSON Lines as one JCS header line then one record per line", () => {
    const out = path.join(dir, "lines.jsonl");
    expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", out]).code).toBe(0);
    const lines = fs.readFileSync(out, "utf8").split("\n");
    expect(lines.at(-1)).toBe("");
    const head = JSON.parse(lines[0]!);
    expect(Object.keys(head).sort()).toEqual(["format", "kind", "signatures", "statement"]);
    expect(lines.length - 2).toBe(head.statement.length);
  });

  it("reads stdin as the log and takes the key from IMLADRI_SIGNING_KEY", () => {
    const out = path.join(dir, "stdin.json");
    const r = imladri(["proof", "export", "--log", "-", "--out", out], {
      input: fs.readFileSync(DEMO_EVENTS, "utf8"),
      env: { IMLADRI_SIGNING_KEY: fs.readFileSync(key.priv, "utf8") },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(imladri(["proof", "verify", out, "--key", key.pub]).code).toBe(0);
  });

  it("continues an earlier bundle so the new one extends it (--continue, --since)", () => {
    const first = path.join(dir, "monday.json");
    const second = path.join(dir, "tuesday.json");
    const short = path.join(dir, "short.jsonl");
    const all = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n");
    fs.writeFileSync(short, all.slice(0, 8).join("\n") + "\n");
    expect(imladri(["proof", "export", "--log", short, "--key-file", key.priv, "--out", first]).code).toBe(0);
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--continue", first, "--out", second]);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(fs.readFileSync(first, "utf8"));
    const b = JSON.parse(fs.readFileSync(second, "utf8"));
    expect(b.statement.chain).toBe(a.statement.chain);
    expect(b.events.slice(0, 8).map((e: any) => e.seed)).toEqual(a.events.map((e: any) => e.seed));
    expect(imladri(["proof", "verify", second, "--key", key.pub, "--since", first]).code).toBe(0);
    // A bundle of another chain does not extend it.
    const other = path.join(dir, "other.json");
    expect(imladri(["proof", "export", "--log", short, "--key-file", key.priv, "--out", other]).code).toBe(0);
    const fork = imladri(["proof", "verify", second, "--key", key.pub, "--since", other, "--json"]);
    expect(fork.code).toBe(1);
    expect(JSON.parse(fork.stdout).findings.map((f: any) => f.code)).toContain("since.chain");
  });

  it("refuses --continue when the source log changed after the earlier export, naming the seq", () => {
    const first = path.join(dir, "before.json");
    expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", first]).code).toBe(0);
    const changed = path.join(dir, "changed.jsonl");
    const lines = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n");
    lines[3] = lines[3]!.replace('"outcome":"approved"', '"outcome":"blocked"');
    expect(lines[3]).toContain('"outcome":"blocked"');
    fs.writeFileSync(changed, lines.join("\n") + "\n");
    const out = path.join(dir, "after.json");
    const r = imladri(["proof", "export", "--log", changed, "--key-file", key.priv, "--continue", first, "--out", out]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain("seq 3");
    expect(fs.existsSync(out)).toBe(false);
  });
});
