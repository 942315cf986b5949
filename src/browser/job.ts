/**
 * One verification, as the worker runs it: load the trust material, read the bundle once and feed
 * every record to the core's Verifier (the verdict), Summarizer (what `proof inspect` shows) and
 * the timeline. The same modules `imladri proof verify` and `proof inspect` use, with the
 * portable @noble crypto provider: no second implementation of anything.
 *
 * No DOM and no Worker API here, so tests can run it in Node beside the CLI.
 */
import { readBundleBytes, type BundleSink } from "../core/bundle/read.js";
import type { CryptoProvider } from "../core/crypto/provider.js";
import { decodeUtf8Strict } from "../core/encoding/utf8.js";
import { Summarizer, type Summary } from "../core/inspect/summary.js";
import { JsonSyntaxError, parseJson } from "../core/json/parse.js";
import { hasMember, isJsonObject, type JsonObject, type JsonValue } from "../core/json/value.js";
import { isKid, readPublicJwk, type Kid } from "../core/jws/jwk.js";
import { TrustStore } from "../core/jws/trust.js";
import { replayKeyring } from "../core/keyring/replay.js";
import { trustKeyring } from "../core/keyring/trust.js";
import { KEYRING_FORMAT } from "../core/keyring/types.js";
import type { Finding } from "../core/verify/finding.js";
import type { EvidenceCheck } from "../core/verify/steps/evidence.js";
import { Verifier, type VerificationReport } from "../core/verify/verifier.js";
import type { KeyNote } from "./protocol.js";
import { TimelineCollector } from "./timeline.js";

export interface JobFile {
  name: string;
  bytes: Uint8Array;
}

export interface JobInput {
  bundle: JobFile;
  keys: readonly JobFile[];
  minSignatures: number;
  require: readonly EvidenceCheck[];
  /** `--root`: the kid a keyring's entry 0 must add. */
  root?: string;
}

export type JobOutcome =
  | { kind: "refused"; notes: KeyNote[] }
  | { kind: "done"; report: VerificationReport; summary: Summary; notes: KeyNote[]; timeline: TimelineCollector };

export type ProgressListener = (phase: "reading" | "checking", done: number, total: number | undefined) => void;

/** How often (in records) the worker reports progress: often enough for a smooth bar, no more. */
export const PROGRESS_EVERY = 500;

export function runJob(crypto: CryptoProvider, input: JobInput, onProgress: ProgressListener = () => {}): JobOutcome {
  const trust = loadTrust(crypto, input.keys, input.root);
  if (trust.notes.some((n) => n.level === "error")) return { kind: "refused", notes: trust.notes };

  const verifier = new Verifier({ crypto, trust: trust.store, minSignatures: input.minSignatures, require: input.require, extraFindings: trust.findings });
  const summarizer = new Summarizer();
  const timeline = new TimelineCollector();
  onProgress("reading", 0, undefined);
  readBundleBytes(input.bundle.bytes, withProgress([verifier, summarizer, timeline], onProgress));
  const report = verifier.result();
  timeline.attachFindings(report.findings);
  return { kind: "done", report, summary: summarizer.result(), notes: trust.notes, timeline };
}

/**
 * The trust store from the files the auditor gave, as `proof verify` builds it: public JWKs as
 * `--key` (each an active key, named by its file), then at most one keyring as `--keyring`
 * (replayed by the core; its findings join the bundle's, DESIGN §7). A file that is not a usable
 * key refuses the run, as the CLI exits 65, with the same words; a private JWK is used for its
 * public part only, with the CLI's warning.
 */
export function loadTrust(crypto: CryptoProvider, files: readonly JobFile[], root?: string): Trust {
  const store = new TrustStore();
  const notes: KeyNote[] = [];
  const findings: Finding[] = [];
  const keyrings: { file: JobFile; doc: JsonValue }[] = [];
  for (const file of files) {
    const parsed = parseKeyText(file);
    if ("error" in parsed) {
      notes.push({ file: file.name, level: "error", message: parsed.error });
      continue;
    }
    if (isKeyring(parsed.value)) {
      keyrings.push({ file, doc: parsed.value });
      continue;
    }
    const r = readPublicJwk(crypto, parsed.value);
    if (!r.ok) {
      notes.push({ file: file.name, level: "error", message: r.message });
      continue;
    }
    if (r.hadPrivatePart) {
      notes.push({ file: file.name, level: "warning", message: "holds a private key; only its public part is used. Give verifiers the public JWK instead." });
    }
    store.add({ key: r.key, status: "active", source: file.name });
  }
  // The CLI's usage rules for --keyring and --root.
  if (keyrings.length > 1) {
    for (const k of keyrings.slice(1)) notes.push({ file: k.file.name, level: "error", message: "a second keyring: give one keyring at a time (as --keyring), beside any number of public keys" });
  }
  const pin = root !== undefined && isKid(root) ? root : undefined;
  if (root !== undefined && pin === undefined) {
    notes.push({ file: "keyring root", level: "error", message: `${JSON.stringify(root.slice(0, 60))}: expected a kid (43 base64url characters, as keys list prints it)` });
  } else if (root !== undefined && keyrings.length === 0) {
    notes.push({ file: "keyring root", level: "error", message: "pins a keyring's first key: give a keyring too" });
  }
  const keyring = keyrings[0];
  if (keyring && !notes.some((n) => n.level === "error")) {
    for (const f of trustKeyring(store, replayKeyring(crypto, keyring.doc, pin === undefined ? {} : { root: pin }), keyring.file.name)) findings.push(f);
  }
  return { store, notes, findings };
}

export interface Trust {
  store: TrustStore;
  notes: KeyNote[];
  /** The keyring's findings, for the Verifier's extraFindings. */
  findings: Finding[];
}

/** A keyring is told from a JWK by its members (DESIGN §7: exactly format, keys, log). */
function isKeyring(v: JsonValue): boolean {
  return isJsonObject(v) && !hasMember(v, "kty") && (v.format === KEYRING_FORMAT || hasMember(v, "log"));
}

/** Key material is never echoed: errors carry only the position and kind (src/cli/key-files.ts). */
function parseKeyText(file: JobFile): { value: JsonValue } | { error: string } {
  const text = decodeUtf8Strict(file.bytes);
  if (text === undefined) return { error: "not valid UTF-8" };
  try {
    return { value: parseJson(text) };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { error: `not a JSON JWK or keyring (${e.code} at line ${e.line}, column ${e.column})` };
    throw e;
  }
}

/** Hands every part to each sink in turn, and reports progress every PROGRESS_EVERY records. */
function withProgress(sinks: readonly BundleSink[], onProgress: ProgressListener): BundleSink {
  let total: number | undefined;
  let done = 0;
  const tick = () => {
    done++;
    if (done % PROGRESS_EVERY === 0) onProgress("checking", done, total);
  };
  return {
    header(header: JsonObject, form: "json" | "jsonl") {
      const st = header.statement;
      // The claimed length sizes the bar only; the verifier checks it.
      if (isJsonObject(st) && typeof st.length === "number" && Number.isSafeInteger(st.length) && st.length >= 0) total = st.length;
      for (const s of sinks) s.header(header, form);
      onProgress("checking", 0, total);
    },
    record(record, index, line) {
      for (const s of sinks) s.record(record, index, line);
      tick();
    },
    problem(finding) {
      for (const s of sinks) s.problem(finding);
      if (finding.seq !== undefined) tick();
    },
    end() {
      for (const s of sinks) s.end();
      onProgress("checking", done, total);
    },
  };
}
