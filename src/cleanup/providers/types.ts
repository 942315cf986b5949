/**
 * What every cleanup provider offers. A provider never throws for a resource it cannot destroy:
 * it answers with an {@link Outcome}, so every attempt ends in an outcome event in the log.
 */
import type { Leftover, ProviderView } from "../plan.js";

export type Outcome =
  /** Destroyed by this attempt. */
  | { result: "ok"; detail?: string }
  /** Already gone: counts as done (an interrupted run's destroy may have completed). */
  | { result: "absent"; detail?: string }
  /**
   * Not destroyed. `transient` failures (a timeout, a dropped connection, a busy database) are
   * retried with back-off; the others (a refusal, a permission error) are not.
   */
  | { result: "failed"; error: string; transient: boolean };

export interface Provider extends ProviderView {
  /** Per-attempt time limit in milliseconds; undefined when the provider bounds itself. */
  readonly timeoutMs: number | undefined;
  readonly retries: number;
  readonly retryDelayMs: number;
  /**
   * Checks of the environment, once per run before the plan is shown (an env var is set, the
   * root folder exists, a driver loads). Sets `blocked` when the provider cannot act at all.
   */
  preflight(): Promise<void>;
  /**
   * Destroys one leftover. `signal` aborts when the attempt's time is up: the provider stops
   * what it runs and answers a transient failure.
   */
  destroy(leftover: Leftover, signal: AbortSignal): Promise<Outcome>;
}

/** Error text of an unknown thrown value, on one line. */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return redactUrls(text.replace(/\s+/g, " ").trim());
}

/**
 * Hides the password of any `scheme://user:password@host` in a message. What the regex
 * `/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi` → `$1***@` does, in linear time: that
 * regex retries every start in a long run of letters (quadratic), and messages carry data.
 */
export function redactUrls(text: string): string {
  let out = "";
  let done = 0;
  let from = 0;
  for (;;) {
    const sep = text.indexOf("://", from);
    if (sep < 0) break;
    from = sep + 1;
    // The scheme: the longest run before "://" that starts with a letter (and not before `done`).
    let start = sep;
    while (start > done && isSchemeChar(text.charCodeAt(start - 1))) start--;
    while (start < sep && !isLetter(text.charCodeAt(start))) start++;
    if (start === sep) continue;
    let userEnd = sep + 3;
    while (userEnd < text.length && !isStop(text[userEnd]!, ":/@")) userEnd++;
    if (text[userEnd] !== ":") continue;
    let passwordEnd = userEnd + 1;
    while (passwordEnd < text.length && !isStop(text[passwordEnd]!, "@/")) passwordEnd++;
    if (text[passwordEnd] !== "@") continue;
    out += text.slice(done, userEnd + 1) + "***@";
    done = from = passwordEnd + 1;
  }
  return out + text.slice(done);
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isSchemeChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2e || c === 0x2d;
}

function isStop(ch: string, stops: string): boolean {
  return stops.includes(ch) || /\s/.test(ch);
}
