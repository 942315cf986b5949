/**
 * The one bundle source (src/io/bundle-source.ts, issue 14): either form from a file, a FIFO or
 * stdin, detected once from the first line and then streamed; what it hands a sink is what core's
 * in-memory reader (the page's) hands it; what is not a bundle is reported as before. A FIFO can
 * be read only once, so a bundle read from one proves there is no second read or detection.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readBundleBytes, type BundleSink } from "../../src/core/bundle/read.js";
import type { JsonValue } from "../../src/core/json/value.js";
import { IoError } from "../../src/io/errors.js";
import { openBundle, readBundleFile } from "../../src/io/bundle-source.js";
import { DEMO_EVENTS, REPO, demoKey, imladri, tempDir, withoutSigningKey } from "../support/cli.js";

let dir: string;
let key: { priv: string; pub: string };
let json: string;
let jsonl: string;

function file(name: string): string {
  return path.join(dir, name);
}

/** Everything a sink is told, in order. */
function recorder(): { sink: BundleSink; calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    sink: {
      header: (h, form) => calls.push(["header", form, h]),
      record: (r, i, line) => calls.push(["record", i, line, r]),
      problem: (f) => calls.push(["problem", f]),
      end: () => calls.push(["end"]),
    },
  };
}

function viaSource(name: string): unknown[] {
  const r = recorder();
  readBundleFile(name, r.sink);
  return r.calls;
}

function viaCore(bytes: Uint8Array): unknown[] {
  const r = recorder();
  readBundleBytes(bytes, r.sink);
  return r.calls;
}

/** `bytes` written into a new FIFO by a child process (mkfifo is coreutils: it must work). */
function fifoOf(name: string, bytes: Uint8Array): string {
  const fifo = file(name);
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const src = file(`${name}.src`);
  fs.writeFileSync(src, bytes);
  spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", src, fifo], { stdio: "ignore" });
  return fifo;
}

beforeAll(() => {
  dir = tempDir("imladri-bundle-source-");
  key = demoKey(dir);
  json = file("demo.json");
  jsonl = file("demo.jsonl");
  for (const out of [json, jsonl]) {
    const r = imladri(["proof", "export", "--log", DEMO_EVENTS, "--key-file", key.priv, "--chain", "src", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
  }
});

describe("openBundle", () => {
  it("detects each form once, at open, and hands a sink what the page's reader hands it", () => {
    for (const [f, form] of [
      [json, "json"],
      [jsonl, "jsonl"],
    ] as const) {
      const source = openBundle(f);
      expect(source.form).toBe(form);
      // JSON Lines: the header was read to detect the form, and is there before any record.
      expect(source.header === undefined).toBe(form === "json");
      source.close();
      const calls = viaSource(f);
      expect(calls).toEqual(viaCore(fs.readFileSync(f)));
      expect(calls.filter((c) => (c as string[])[0] === "record")).toHaveLength(14);
    }
  });

  it("gives the byte range of a regular JSON Lines file's records, after the header line", () => {
    const bytes = fs.readFileSync(jsonl);
    const source = openBundle(jsonl);
    try {
      const range = source.recordRange()!;
      expect(range.start).toBe(bytes.indexOf(0x0a) + 1);
      expect(source.size).toBe(bytes.length);
      expect(() => source.read(recorder().sink)).toThrow(/read once/);
    } finally {
      source.close();
    }
    const doc = openBundle(json);
    expect(doc.recordRange()).toBeUndefined();
    doc.close();
  });

  it("pulls records in order and stops at the first unreadable one", () => {
    const lines = fs.readFileSync(jsonl, "utf8").split("\n");
    lines[5] = "{broken";
    const broken = file("broken.jsonl");
    fs.writeFileSync(broken, lines.join("\n"));
    const source = openBundle(broken);
    const got: JsonValue[] = [...source.records()];
    source.close();
    expect(got).toEqual(lines.slice(1, 5).map((l) => JSON.parse(l)));
  });

  it.each([
    ["one document", () => fs.readFileSync(json)],
    ["JSON Lines", () => fs.readFileSync(jsonl)],
    ["JSON Lines whose header line has no LF", () => fs.readFileSync(jsonl, "utf8").split("\n")[0]!],
    ["not a bundle", () => "hello, world\n"],
    ["an empty file", () => ""],
    ["a BOM", () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(jsonl)])],
    ["a blank line among the records", () => fs.readFileSync(jsonl, "utf8").replace("\n", "\n\n")],
    ["invalid UTF-8 in the one document", () => Buffer.concat([fs.readFileSync(json), Buffer.from([0xff])])],
  ])("reads %s as the page's reader does", (name, make) => {
    const bytes = Buffer.from(make());
    const f = file(`case-${name.replace(/\W+/g, "-")}`);
    fs.writeFileSync(f, bytes);
    expect(viaSource(f)).toEqual(viaCore(bytes));
  });

  it("says which line of a streamed JSON Lines bundle is not UTF-8, and reads on", () => {
    const lines = fs.readFileSync(jsonl);
    const at = lines.indexOf(0x0a, lines.indexOf(0x0a) + 1) + 1; // the start of line 3
    const bad = file("bad-utf8.jsonl");
    fs.writeFileSync(bad, Buffer.concat([lines.subarray(0, at), Buffer.from([0xff]), lines.subarray(at)]));
    const calls = viaSource(bad);
    expect(calls).toContainEqual(["problem", { code: "bundle.parse", effect: "invalid", message: "line 3 is not valid UTF-8", line: 3 }]);
    expect(calls.filter((c) => (c as string[])[0] === "record")).toHaveLength(13);
  });

  it("throws IoError for a missing file and a folder", () => {
    expect(() => openBundle(file("missing.json"))).toThrow(IoError);
    try {
      openBundle(dir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IoError);
      expect((e as IoError).kind).toBe("unreadable");
    }
  });

  it("reads a FIFO (readable once) in either form", () => {
    for (const f of [json, jsonl]) {
      const bytes = fs.readFileSync(f);
      const fifo = fifoOf(`${path.basename(f)}.fifo`, bytes);
      const source = openBundle(fifo);
      expect(source.size).toBeUndefined();
      expect(source.recordRange()).toBeUndefined(); // not a regular file: no worker threads
      const r = recorder();
      source.read(r.sink);
      source.close();
      expect(r.calls).toEqual(viaCore(bytes));
    }
  });
});

describe("verify, inspect and redact read stdin and FIFOs through the one source (built CLI)", () => {
  for (const form of ["json", "jsonl"] as const) {
    it(`from stdin, ${form}: the same verdict and report as from the file`, () => {
      const f = form === "json" ? json : jsonl;
      const input = fs.readFileSync(f, "utf8");
      const fromFile = JSON.parse(imladri(["proof", "verify", f, "--key", key.pub, "--json"]).stdout);
      const fromStdin = imladri(["proof", "verify", "-", "--key", key.pub, "--json"], { input });
      expect(fromStdin.code).toBe(0);
      expect({ ...JSON.parse(fromStdin.stdout), bundle: f }).toEqual(fromFile);
      const inspected = imladri(["proof", "inspect", "-", "--json"], { input });
      expect(inspected.code).toBe(0);
      expect(JSON.parse(inspected.stdout).records).toBe(14);
    });
  }

  it("verifies, inspects and redacts a FIFO", () => {
    const bin = path.join(REPO, "bin/imladri.js");
    for (const [cmd, extra, expected] of [
      ["verify", ["--key", key.pub], /^verified /],
      ["inspect", [], /14 records/],
      ["redact", ["--out", file("fifo-share.jsonl")], /wrote share/],
    ] as const) {
      const fifo = file(`cli-${cmd}.fifo`);
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const script = 'src=$1 fifo=$2 node=$3 bin=$4 cmd=$5; shift 5; cat "$src" > "$fifo" & "$node" "$bin" proof "$cmd" "$fifo" "$@"; s=$?; wait; exit $s';
      const r = spawnSync("sh", ["-c", script, "sh", jsonl, fifo, process.execPath, bin, cmd, ...extra], {
        encoding: "utf8",
        env: withoutSigningKey({ ...process.env, NO_COLOR: "1" }),
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(expected);
    }
  });

  it("refuses what is not a bundle from stdin as from a file (exit 65 for inspect and verify: docs/spec.md, not a bundle)", () => {
    const f = file("not-a-bundle.txt");
    fs.writeFileSync(f, "hello\n");
    const fromFile = imladri(["proof", "inspect", f]);
    const fromStdin = imladri(["proof", "inspect", "-"], { input: "hello\n" });
    expect(fromStdin.code).toBe(65);
    expect(fromStdin.code).toBe(fromFile.code);
    expect(fromStdin.stderr.replace("<stdin>:", "X:")).toBe(fromFile.stderr.replace(`${f}:`, "X:"));
    expect(imladri(["proof", "verify", "-", "--key", key.pub], { input: "hello\n" }).code).toBe(65);
  });
});
