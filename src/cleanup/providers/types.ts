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

/** Hides the password of any `scheme://user:password@host` in a message. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, "$1***@");
}
