/**
 * Issue 11, bug 1: what a person reads can be trusted. A correctly signed bundle, a keyring, a log
 * and file names carrying every control class (ESC/CSI, OSC ended by BEL, a C1 CSI, DEL, NUL, line
 * feed, tab, bidirectional overrides and isolates) go through every command and its error paths;
 * no raw control character from them reaches stdout or stderr. NO_COLOR is set (test/support/cli),
 * so no escape sequence at all is legitimate; the only raw control allowed is the line feed that
 * ends each line.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_EVENTS, FIXTURES, demoKey, imladri, tempDir, type RunResult } from "../support/cli.js";
import { printable } from "../../src/core/text/printable.js";

/** Every class of control the issue names. */
const EVIL = "ok\u001b[2J\u001b]0;PWNED\u0007\u001b[32mverified\u009b31m\u007f\u0000\n\tx\u202etxt\u2066y\u2069\u200f\u2028end";
/** The same without NUL, for command-line arguments and file names (neither can hold one). */
const EVIL_ARG = EVIL.replace("\u0000", "").replace("\n", "");
/** A file name can hold no "/" either. */
const EVIL_NAME = "evil" + EVIL_ARG.replace(/\//g, "") + ".json";

/** Any raw control (C0 but line feed, DEL, C1) or bidirectional control or line separator. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectNoRawControl(r: RunResult, label: string): void {
  for (const [stream, text] of [["stdout", r.stdout], ["stderr", r.stderr]] as const) {
    const m = RAW.exec(text);
    expect(m, `${label}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, "0")} in ${stream}: ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 40))}`).toBeNull();
  }
  expect(r.stderr, label).not.toContain("internal error");
}

let dir: string;
let key: ReturnType<typeof demoKey>;
let log: string;
let bundle: string;
let keyring: string;
let revokedBundle: string;

beforeAll(() => {
  dir = tempDir();
  key = demoKey(dir);
  const events = fs.readFileSync(DEMO_EVENTS, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  const ev = events.slice(0, 3);
  ev[2].decision.reason = EVIL;
  ev[2].decision.policy = "pol/" + EVIL;
  ev[2].tool.name = "crm" + EVIL;
  ev[1].resource.id = "br" + EVIL;
  ev.push({ id: "evt-x" + EVIL, ts: "2026-11-20T09:05:00.000Z", type: "agent.note", actor: { tenant: "t" + EVIL, agent: "a" }, note: { [EVIL]: EVIL } });
  log = path.join(dir, "evil.jsonl");
  fs.writeFileSync(log, ev.map((e) => JSON.stringify(e)).join("\n") + "\n");
  bundle = path.join(dir, EVIL_NAME);
  const exported = imladri(["proof", "export", "--log", log, "--key-file", key.priv, "--out", bundle]);
  expect(exported.code, exported.stderr).toBe(0);
  // The keyring: its first key signs a bundle, then is revoked with a hostile reason.
  keyring = path.join(dir, "keyring.json");
  expect(imladri(["keys", "init", "--keyring", keyring, "--out-key", path.join(dir, "k1.jwk")]).code).toBe(0);
  revokedBundle = path.join(dir, "by-k1.json");
  expect(imladri(["proof", "export", "--log", log, "--key-file", path.join(dir, "k1.jwk"), "--out", revokedBundle]).code).toBe(0);
  const rotated = imladri(["keys", "rotate", "--keyring", keyring, "--key-file", path.join(dir, "k1.jwk"), "--out-key", path.join(dir, "k2.jwk"), "--revoke-old", "--reason", EVIL_ARG]);
  expect(rotated.code, rotated.stderr).toBe(0);
});

describe("no raw control character from data reaches the terminal", () => {
  it("the bundle verifies: the data is signed, and verify's report is escaped", () => {
    const r = imladri(["proof", "verify", bundle, "--key", key.pub]);
    expect(r.code, r.stderr).toBe(0);
    expectNoRawControl(r, "verify");
    // The name is shown, escaped visibly.
    expect(r.stdout).toContain(printable(EVIL_NAME));
  });

  it("inspect shows the hostile reason escaped, as visible \\u escapes", () => {
    const r = imladri(["proof", "inspect", bundle]);
    expect(r.code, r.stderr).toBe(0);
    expectNoRawControl(r, "inspect");
    expect(r.stdout).toContain("\\u001b[2J\\u001b]0;PWNED\\u0007");
    expect(r.stdout).toContain("\\u009b31m\\u007f\\u0000\\u000a\\u0009x\\u202etxt");
  });

  it("every command and mode, human and --json", () => {
    const share = path.join(dir, "share.json");
    const policy = path.join(dir, `policy${EVIL_ARG.replace(/\//g, "")}.json`);
    fs.writeFileSync(policy, JSON.stringify({ format: "imladri.policy/v1", name: "p" + EVIL, rules: [{ redact: ["/note/" + EVIL.replace(/~/g, "~0").replace(/\//g, "~1")] }] }));
    const runs: [string, string[]][] = [
      ["verify --json", ["--json", "proof", "verify", bundle, "--key", key.pub]],
      ["inspect --json", ["--json", "proof", "inspect", bundle]],
      ["redact --dry-run", ["proof", "redact", bundle, "--dry-run"]],
      ["redact --dry-run --json", ["--json", "proof", "redact", bundle, "--dry-run"]],
      ["redact", ["proof", "redact", bundle, "--out", share]],
      ["redact with a hostile policy", ["proof", "redact", bundle, "--policy", policy, "--dry-run"]],
      ["verify share", ["proof", "verify", share, "--key", key.pub]],
      ["inspect share", ["proof", "inspect", share]],
      ["keys list", ["keys", "list", "--keyring", keyring]],
      ["keys list --json", ["--json", "keys", "list", "--keyring", keyring]],
      ["verify --keyring", ["proof", "verify", revokedBundle, "--keyring", keyring]],
      ["verify --keyring --json", ["--json", "proof", "verify", revokedBundle, "--keyring", keyring]],
      ["cleanup", ["cleanup", "--log", log, "--config", path.join(FIXTURES, "cleanup/imladri.config.json")]],
      ["cleanup --check", ["cleanup", "--log", log, "--config", path.join(FIXTURES, "cleanup/imladri.config.json"), "--check"]],
      ["cleanup --json", ["--json", "cleanup", "--log", log, "--config", path.join(FIXTURES, "cleanup/imladri.config.json")]],
      ["export --continue", ["proof", "export", "--log", log, "--key-file", key.priv, "--continue", bundle, "--out", path.join(dir, "again.json")]],
    ];
    for (const [label, args] of runs) expectNoRawControl(imladri(args), label);
    // The revocation reason is quoted escaped (keys list and the verify finding).
    expect(imladri(["keys", "list", "--keyring", keyring]).stdout).toContain(printable(EVIL_ARG));
    expect(imladri(["proof", "verify", revokedBundle, "--keyring", keyring]).stdout).toContain(printable(EVIL_ARG));
  });

  it("error paths quote file names and values escaped", () => {
    const missing = path.join(dir, "missing" + EVIL_NAME);
    const notBundle = path.join(dir, "not" + EVIL_NAME);
    fs.writeFileSync(notBundle, "not json " + EVIL);
    const badLog = path.join(dir, "bad" + EVIL_ARG.replace(/\//g, "") + ".jsonl");
    const line = fs.readFileSync(log, "utf8").split("\n")[3]!;
    fs.writeFileSync(badLog, `${line}\n${line}\n{"id":"${EVIL_ARG.replace(/[\u0000-\u001f"\\]/g, "")}",\n`);
    const runs: [string, string[], number][] = [
      ["verify missing", ["proof", "verify", missing], 66],
      ["verify not a bundle", ["proof", "verify", notBundle], 65],
      ["inspect not a bundle", ["proof", "inspect", notBundle], 65],
      ["redact not a bundle", ["proof", "redact", notBundle, "--dry-run"], 65],
      ["export a bad log", ["proof", "export", "--log", badLog, "--key-file", key.priv, "--out", path.join(dir, "x.json")], 65],
      ["export over an existing file", ["proof", "export", "--log", log, "--key-file", key.priv, "--out", bundle], 73],
      ["redact with a missing policy", ["proof", "redact", bundle, "--policy", missing, "--dry-run"], 66],
      ["a missing key file", ["proof", "export", "--log", log, "--key-file", missing, "--out", path.join(dir, "y.json")], 66],
      ["a hostile --only", ["cleanup", "--log", log, "--config", path.join(FIXTURES, "cleanup/imladri.config.json"), "--only", "db." + EVIL_ARG], 64],
      ["a hostile --require", ["proof", "verify", bundle, "--require", EVIL_ARG], 64],
      ["a hostile unknown option", ["proof", "verify", bundle, "--x" + EVIL_ARG], 64],
      ["a hostile kid", ["keys", "revoke", EVIL_ARG, "--keyring", keyring, "--reason", "x"], 64],
    ];
    for (const [label, args, code] of runs) {
      for (const json of [false, true]) {
        const r = imladri(json ? ["--json", ...args] : args);
        expect(r.code, `${label}: ${r.stderr}`).toBe(code);
        expectNoRawControl(r, label + (json ? " --json" : ""));
      }
    }
  });
});
