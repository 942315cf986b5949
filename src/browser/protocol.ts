/**
 * Messages between the verifier page (main thread) and its Web Worker. Verification runs in the
 * worker so a 100,000-event share never freezes the page; the page only draws what it is sent.
 * Files cross as transferred ArrayBuffers: nothing is uploaded anywhere (the page's CSP allows no
 * network access at all).
 */
import type { Summary } from "../core/inspect/summary.js";
import type { JsonValue } from "../core/json/value.js";
import type { Effect } from "../core/verify/finding.js";
import type { EvidenceCheck } from "../core/verify/steps/evidence.js";
import type { VerificationReport } from "../core/verify/verifier.js";

export interface InputFile {
  name: string;
  bytes: ArrayBuffer;
}

export interface VerifyRequest {
  type: "verify";
  bundle: InputFile;
  /** Public JWKs and a keyring: the trust material (never read from the bundle, DESIGN §5). */
  keys: InputFile[];
  minSignatures: number;
  require: EvidenceCheck[];
  /** `--root`: the kid a keyring's entry 0 must add (only with a keyring). */
  root?: string;
}

export interface RowsRequest {
  type: "rows";
  /** First seq of the page. */
  offset: number;
  limit: number;
}

export type ToWorker = VerifyRequest | RowsRequest;

/** What the page says about a key file: refused (like the CLI's exit 65), or a warning. */
export interface KeyNote {
  file: string;
  level: "error" | "warning";
  message: string;
}

export interface ProgressMessage {
  type: "progress";
  /** `reading`: decoding and parsing the file; `checking`: records are being verified. */
  phase: "reading" | "checking";
  done: number;
  /** The event count the statement claims, when there is one (else the bar is indeterminate). */
  total?: number;
}

export interface ResultMessage {
  type: "result";
  report: VerificationReport;
  summary: Summary;
  notes: KeyNote[];
  /** How many timeline rows the worker holds (one per record read). */
  rows: number;
  /** The text shown wherever a share hides a value (the core's REDACTED). */
  redactedLabel: string;
}

/** A key file could not be used: no verdict is given, as the CLI refuses to run (exit 65). */
export interface RefusedMessage {
  type: "refused";
  notes: KeyNote[];
}

export interface RowsMessage {
  type: "rows";
  offset: number;
  rows: TimelineRow[];
}

/** A bug, not a verdict: the page says so and gives none. */
export interface FailureMessage {
  type: "failure";
  message: string;
}

export type ToPage = ProgressMessage | ResultMessage | RefusedMessage | RowsMessage | FailureMessage;

/** One labelled value of an event, for the timeline's "what happened" column. */
export interface Fact {
  label: string;
  /** The value as text; `[redacted]` when a share hides it. */
  text: string;
  redacted: boolean;
}

/** One line of the timeline: a record as `proof inspect` would read it. */
export interface TimelineRow {
  seq: number;
  /** `unreadable`: the record could not be parsed or has no known form (see the findings). */
  form: "disclosed" | "partial" | "elided" | "unreadable";
  ts?: string;
  type?: string;
  actor?: string;
  facts: Fact[];
  /** Pointers inside the event that a share replaced by their digest (partial records). */
  redacted: string[];
  /** The event as disclosed (redacted values are null), for the details view. */
  event?: JsonValue;
  /** An elided event's node digest. */
  digest?: string;
  /** The worst effect of the findings about this seq, and their codes. */
  worst?: Effect;
  codes: string[];
}
