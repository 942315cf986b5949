/**
 * Bad input to every command: a one-line error naming the problem, the exit code of DESIGN §8 and
 * §11, no stack trace, nothing written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { colorEnabled, makeChalk } from "../../src/cli/output.js";
import { BIN, DEMO_EVENTS, demoKey, imladri, tempDir, type RunResult } from "../support/cli.js";

const require = createRequire(import.meta.url);

let dir: string;
let key: ReturnType<typeof demoKey>;
let bundle: string;

function expectCleanError(r: RunResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(r.stderr).not.toContain("internal error");
}

beforeAll(() => {
  dir = tempDir();
  key = demoKey(dir);
  bundle = path.join(dir, "proof.json");
  expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", bundle]).code).toBe(0);
});

describe("proof export refuses bad input", () => {
  it("missing log → 66", () => {
    const out = path.join(dir, "x.json");
    expectCleanError(imladri(["proof", "export", "--log", path.join(dir, "nope.jsonl"), "--key-file", key.priv, "--out", out]), 66, /nope\.jsonl: event log not found/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("a log that is not JSON, or breaks the schema → 65, every bad line listed, nothing written", () => {
    const log = path.join(dir, "bad.jsonl");
    const good = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n");
    const lines = [good[0]!, "this is not json", good[1]!.replace('"type":"resource.create"', '"type":"Resource Create"'), good[2]!.replace('"outcome":"blocked"', '"outcome":"maybe"'), '{"a":1,"a":2}', good[0]!];
    fs.writeFileSync(log, lines.join("\n") + "\n");
    const out = path.join(dir, "bad.json");
    const r = imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--out", out]);
    expectCleanError(r, 65, /5 bad event line\(s\); nothing was written/);
    expect(r.stderr).toMatch(/bad\.jsonl:2: not strict I-JSON/);
    expect(r.stderr).toMatch(/bad\.jsonl:3 \/type/);
    expect(r.stderr).toMatch(/bad\.jsonl:4 \/decision\/outcome: .*allowed, blocked, approved, dry_run/);
    expect(r.stderr).toMatch(/bad\.jsonl:5 \/a: .*duplicate/);
    expect(r.stderr).toMatch(/bad\.jsonl:6 \/id: duplicate event id "evt-0001" \(first used on line 1\)/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a number whose canonical form no strict reader accepts (1e20), naming its pointer", () => {
    const log = path.join(dir, "bignum.jsonl");
    fs.writeFileSync(log, '{"id":"b1","ts":"2026-11-20T09:00:00Z","type":"agent.note","actor":{"tenant":"t","agent":"a"},"n":{"ok":1e21,"bad":1e20,"also":9007199254740992.0}}\n');
    const out = path.join(dir, "bignum.json");
    const r = imladri(["proof", "export", "--log", log, "--unsigned", "--out", out]);
    expectCleanError(r, 65, /bignum\.jsonl:1 \/n\/bad: .*write it as a string/);
    expect(r.stderr).toMatch(/bignum\.jsonl:1 \/n\/also:/);
    expect(r.stderr).not.toMatch(/\/n\/ok/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("no key and no --unsigned → 64", () => {
    expectCleanError(imladri(["proof", "export", "--log", DEMO_EVENTS, "--out", path.join(dir, "n.json")]), 64, /no signing key/);
  });

  it("an existing output without --force → 73, the old file intact; --force replaces it", () => {
    const before = fs.readFileSync(bundle);
    expectCleanError(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", bundle]), 73, /already exists.*--force/);
    expect(fs.readFileSync(bundle).equals(before)).toBe(true);
    const copy = path.join(dir, "copy.json");
    fs.copyFileSync(bundle, copy);
    expect(imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--out", copy, "--force"]).code).toBe(0);
    expect(fs.readFileSync(copy).equals(before)).toBe(false);
  });

  it("an unknown flag → 64", () => {
    expectCleanError(imladri(["proof", "export", "--log", DEMO_EVENTS, "--out", "x.json", "--frobnicate"]), 64, /unknown option '--frobnicate'/);
  });

  it("a key file readable by others → 65 with how to fix it", () => {
    const loose = path.join(dir, "loose.jwk");
    fs.copyFileSync(key.priv, loose);
    fs.chmodSync(loose, 0o644);
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", loose, "--out", path.join(dir, "l.json")]);
    expectCleanError(r, 65, /chmod 600/);
    expect(r.stderr + r.stdout).not.toContain(key.d);
  });

  it("key material given as a command-line value is refused without echoing it", () => {
    const jwk = fs.readFileSync(key.priv, "utf8");
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", jwk, "--out", path.join(dir, "k.json")]);
    expectCleanError(r, 64, /never passed on the command line/);
    expect(r.stderr + r.stdout).not.toContain(key.d);
  });

  it("a broken private key never shows its contents", () => {
    const broken = path.join(dir, "broken.jwk");
    fs.writeFileSync(broken, fs.readFileSync(key.priv, "utf8").replace("{", "{,"), { mode: 0o600 });
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", broken, "--out", path.join(dir, "b.json")]);
    expectCleanError(r, 65, /not a JSON JWK/);
    expect(r.stderr + r.stdout).not.toContain(key.d);
  });
});

describe("proof verify refuses bad input", () => {
  it("missing bundle → 66", () => {
    expectCleanError(imladri(["proof", "verify", path.join(dir, "none.json"), "--key", key.pub]), 66, /none\.json: bundle not found/);
  });

  it("a file that is not JSON is not a bundle → 65 with the parse problem, as from inspect and redact (docs/spec.md)", () => {
    const f = path.join(dir, "garbage.json");
    fs.writeFileSync(f, "not json at all");
    const r = imladri(["proof", "verify", f, "--key", key.pub]);
    expectCleanError(r, 65, /garbage\.json: not a bundle: not strict I-JSON/);
  });

  it("a missing --key file → 66; a malformed --key file → 65", () => {
    expectCleanError(imladri(["proof", "verify", bundle, "--key", path.join(dir, "nokey.jwk")]), 66, /key file not found/);
    const bad = path.join(dir, "bad.pub.jwk");
    fs.writeFileSync(bad, '{"kty":"OKP","crv":"Ed25519","x":"not-base64!"}');
    expectCleanError(imladri(["proof", "verify", bundle, "--key", bad]), 65, /"x" must be 32 bytes/);
  });

  it("a small-order public key is refused where it is loaded", () => {
    const bad = path.join(dir, "small.pub.jwk");
    // The identity point (y = 1): order 1; under a lax verifier it "verifies" forged signatures.
    fs.writeFileSync(bad, JSON.stringify({ kty: "OKP", crv: "Ed25519", x: "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }));
    expectCleanError(imladri(["proof", "verify", bundle, "--key", bad]), 65, /small order/);
  });

  it("a private JWK given as --key is used for its public part, with a warning", () => {
    const r = imladri(["proof", "verify", bundle, "--key", key.priv]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*private key/);
    expect(r.stderr + r.stdout).not.toContain(key.d);
  });

  it("an unknown --require check → 64", () => {
    expectCleanError(imladri(["proof", "verify", bundle, "--key", key.pub, "--require", "vibes"]), 64, /unknown evidence check/);
  });

  it("--require cleanup passes on the demo (everything destroyed); decisions too", () => {
    expect(imladri(["proof", "verify", bundle, "--key", key.pub, "--require", "cleanup", "--require", "decisions"]).code).toBe(0);
  });
});

describe("proof inspect", () => {
  it("missing bundle → 66; not JSON → 65", () => {
    expectCleanError(imladri(["proof", "inspect", path.join(dir, "none.json")]), 66, /bundle not found/);
    const f = path.join(dir, "garbage2.json");
    fs.writeFileSync(f, "{");
    expectCleanError(imladri(["proof", "inspect", f]), 65, /not a bundle/);
  });

  it("summarises decisions, blocked actions and resources, and never claims validity", () => {
    const r = imladri(["proof", "inspect", bundle, "--json"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.decisions.blocked).toBe(1);
    expect(s.blocked[0].tool).toBe("crm.export");
    expect(s.resources.every((x: any) => x.state === "destroyed")).toBe(true);
    expect(s.unknownTypes).toEqual(["agent.note"]);
    const human = imladri(["proof", "inspect", bundle]).stdout;
    expect(human).not.toMatch(/\bverified\b|\bvalid\b/);
    expect(human).toMatch(/does not verify/);
  });
});

describe("global options", () => {
  it("--version prints the package version", () => {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(imladri(["--version"]).stdout.trim()).toBe(pkg.version);
  });

  it("every command's --help has examples", () => {
    const commands = [[], ["proof"], ["proof", "export"], ["proof", "verify"], ["proof", "inspect"], ["proof", "redact"], ["keys"], ["keys", "init"], ["keys", "rotate"], ["keys", "revoke"], ["keys", "list"], ["cleanup"], ["verifier-page"]];
    for (const cmd of commands) {
      const r = imladri([...cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout, cmd.join(" ")).toMatch(/Examples:\n\s+imladri /);
    }
  });

  it("stops quietly when the reader of its output goes away (| head)", () => {
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    const big = path.join(dir, "many.jsonl");
    const line = fs.readFileSync(DEMO_EVENTS, "utf8").split("\n")[0]!;
    fs.writeFileSync(big, Array.from({ length: 3000 }, (_, i) => line.replace('"evt-0001"', `"e${i}"`)).join("\n") + "\n");
    const out = path.join(dir, "many.json");
    expect(imladri(["proof", "export", "--log", big, "--unsigned", "--out", out]).code).toBe(0);
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" proof inspect "${out}" --json | head -c 10`], { encoding: "utf8" });
    expect(r.stdout.length).toBe(10);
    expect(r.stderr).toBe("");
  });

  it("colors only on a terminal, and never with NO_COLOR or --no-color", () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(colorEnabled(undefined, tty)).toBe(true);
      expect(colorEnabled(undefined, pipe)).toBe(false);
      expect(colorEnabled(false, tty)).toBe(false); // --no-color
      process.env.NO_COLOR = "1";
      expect(colorEnabled(undefined, tty)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
    expect(makeChalk(true).red("x")).toMatch(/\u001b\[/);
    expect(makeChalk(false).red("x")).toBe("x");
  });
});
