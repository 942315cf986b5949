/**
 * Passwords in URLs are hidden from cleanup's messages in linear time (issue 12): the rewrite of
 * the old regex must hide exactly what the regex hid.
 */
import { describe, expect, it } from "vitest";
import { redactUrls } from "../../src/cleanup/providers/types.js";

/** The regex this replaced: a fine reference on short inputs, quadratic on long ones. */
function byRegex(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, "$1***@");
}

describe("redactUrls", () => {
  it("hides the password of scheme://user:password@host", () => {
    expect(redactUrls("connect postgres://app:s3cret@db:5432/x failed")).toBe("connect postgres://app:***@db:5432/x failed");
    expect(redactUrls("a https://h/x and svn+ssh://u:p:q@h two")).toBe("a https://h/x and svn+ssh://u:***@h two");
    expect(redactUrls("no url here")).toBe("no url here");
  });

  it("agrees with the regex it replaced on 50,000 random strings", () => {
    let a = 7;
    const next = () => {
      a = (a * 1103515245 + 12345) & 0x7fffffff;
      return a / 0x80000000;
    };
    const pieces = ["a", "Z", "1", "+", ".", "-", ":", "/", "://", "@", " ", "\t", "x:y@", "pg://u:p@h"];
    for (let i = 0; i < 50_000; i++) {
      let s = "";
      const n = Math.floor(next() * 12);
      for (let k = 0; k < n; k++) s += pieces[Math.floor(next() * pieces.length)];
      expect(redactUrls(s), JSON.stringify(s)).toBe(byRegex(s));
    }
  });
});
