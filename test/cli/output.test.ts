/**
 * Issue 11: the escaping pieces on their own — printable() covers every control class, a line
 * keeps only chalk's colour codes (and only on a coloured stream), reports are escaped field by
 * field, and the "did you mean" helper.
 */
import { describe, expect, it } from "vitest";
import { printable } from "../../src/core/text/printable.js";
import { escapeStrings, makeChalk, terminalLine } from "../../src/cli/output.js";
import { formatFinding } from "../../src/cli/run/verify.js";
import { closestName } from "../../src/core/text/suggest.js";

const EVIL = "ok\u001b[2J\u001b]0;PWNED\u0007\u001b[32mverified\u009b31m\u007f\u0000\n\t\u202e\u2066\u2069\u200f\u061c\u2028\u2029";
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe("printable", () => {
  it("escapes every C0 and C1 control, DEL, bidirectional controls and line separators", () => {
    for (let c = 0; c <= 0x9f; c++) {
      const ch = String.fromCharCode(c);
      const escaped = c < 0x20 || c >= 0x7f;
      expect(printable(ch), `U+${c.toString(16)}`).toBe(escaped ? `\\u${c.toString(16).padStart(4, "0")}` : ch);
    }
    for (const c of [0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(printable(String.fromCharCode(c))).toBe(`\\u${c.toString(16).padStart(4, "0")}`);
    }
    expect(printable("pod-a é 返")).toBe("pod-a é 返");
  });
});

describe("terminalLine", () => {
  it("without colour, escapes every escape sequence, chalk's too", () => {
    expect(RAW.test(terminalLine("a\u001b[31mb" + EVIL, false))).toBe(false);
  });

  it("with colour, keeps colour codes and escapes everything else", () => {
    const c = makeChalk(true);
    const line = terminalLine(c.red("invalid") + " " + EVIL, true);
    expect(line.startsWith("\u001b[31minvalid\u001b[39m ")).toBe(true);
    expect(line).toContain("\\u001b]0;PWNED\\u0007");
    expect(line).not.toContain("\u001b[2J");
    expect(line).not.toContain("\u0007");
  });

  it("a finding from data, printed in colour, carries no escape of the data's own", () => {
    const c = makeChalk(true);
    const text = formatFinding(c, { code: "signature.revoked-key", effect: "invalid", message: `revoked (${EVIL})`, pointer: "/x" + EVIL });
    const withoutChalk = text.replace(/\u001b\[(31|39)m/g, "");
    expect(RAW.test(withoutChalk)).toBe(false);
  });

  it("escapeStrings escapes every string of a report, deeply, and keeps the rest", () => {
    const r = escapeStrings({ a: EVIL, n: 3, list: [EVIL, { b: EVIL }], none: null });
    expect(RAW.test(JSON.stringify(r).replace(/\\\\u/g, ""))).toBe(false);
    expect(r.n).toBe(3);
    expect(r.none).toBeNull();
    expect(r.a).toBe(printable(EVIL));
  });
});

describe("closestName", () => {
  it("suggests a near name, and nothing for a far one", () => {
    expect(closestName("db.brnach", ["db.branch", "file", "compute.pod"])).toBe("db.branch");
    expect(closestName("decisons", ["cleanup", "decisions", "no-elided"])).toBe("decisions");
    expect(closestName("audtor", ["auditor", "strict"])).toBe("auditor");
    expect(closestName("x", ["auditor", "strict"])).toBeUndefined();
    expect(closestName("constructor", ["auditor", "strict"])).toBeUndefined();
    expect(closestName("a".repeat(10_000), ["auditor"])).toBeUndefined();
  });
});
