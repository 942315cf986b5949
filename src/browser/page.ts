/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The verifier page's main thread: it takes the files, hands them to the worker, and draws what
 * comes back. It verifies nothing itself: every verdict, finding and timeline row comes from the
 * core running in the worker (./worker.ts). Everything read from a bundle is put on the page as
 * text (textContent), never as markup, with control and bidi characters shown escaped (./dom.ts),
 * and the CSP would refuse any script it smuggled in.
 */
import { describeHidden } from "../core/redact/hidden.js";
import { appendPointer, ROOT_POINTER, type JsonPointer } from "../core/json/pointer.js";
import { isJsonArray, isJsonObject, type JsonValue } from "../core/json/value.js";
import type { Finding, Verdict } from "../core/verify/finding.js";
import type { VerificationReport } from "../core/verify/verifier.js";
import type { EvidenceCheck } from "../core/verify/steps/evidence.js";
import { el, pointerText, setText, textNode } from "./dom.js";
import type { KeyNote, ResultMessage, ToPage, ToWorker, TimelineRow } from "./protocol.js";
import { drawSummary } from "./summary-view.js";

/** The worker's bundled code, put here by scripts/build-page.mjs (esbuild `define`). */
declare const __IMLADRI_WORKER_SOURCE__: string;

const ROWS_PER_PAGE = 100;
/**
 * Shown wherever a share hides a value: the core's REDACTED, sent by the worker (importing it here
 * would pull the schema validators into the main-thread script as well).
 */
let redactedLabel = "";
/** Findings drawn at once; the rest on request (a broken bundle can have one per event). */
const FINDINGS_AT_ONCE = 300;

const VERDICT_TEXT: Record<Verdict, string> = {
  verified: "Every event digest, every link of the chain and the signed statement check out, with enough valid signatures by the keys you trust.",
  invalid: "Something differs from what was signed, a trusted key's signature fails, a key is revoked, or the file is not a well-formed bundle. Do not rely on its contents.",
  insufficient_evidence: "Everything is consistent, but the evidence is not enough: no signature by a key you trust (give the signer's public key), or a required check is unmet.",
};
const VERDICT_EXIT: Record<Verdict, number> = { verified: 0, invalid: 1, insufficient_evidence: 2 };

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page is missing #${id}`);
  return el;
}

function setState(state: "idle" | "verifying" | "done" | "refused" | "failed"): void {
  document.body.dataset.state = state;
}

const number = (n: number) => n.toLocaleString("en-US");

// ---------------------------------------------------------------------------------------------
// Inputs

let bundleFile: File | undefined;
const keyFiles: File[] = [];
let workerUrl: string | undefined;
let worker: Worker | undefined;
let run = 0;
/** The options of the run in progress, shown beside its verdict. */
let runOptions: { require: EvidenceCheck[]; root?: string } = { require: [] };

function chooseBundle(files: readonly File[]): void {
  const f = files[0];
  if (!f) return;
  bundleFile = f;
  setText($("bundle-name"), `${f.name} (${number(f.size)} bytes)${files.length > 1 ? ` — ${files.length - 1} more file(s) ignored: one bundle at a time` : ""}`);
  start();
}

function addKeys(files: readonly File[]): void {
  if (files.length === 0) return;
  keyFiles.push(...files);
  drawKeys();
  if (bundleFile) start();
}

function drawKeys(): void {
  const list = $("key-list");
  list.replaceChildren();
  if (keyFiles.length === 0) {
    list.append(el("li", "No key: signatures cannot be trusted, so the best verdict is insufficient_evidence.", "none"));
    return;
  }
  keyFiles.forEach((f, i) => {
    const li = el("li", f.name);
    const remove = el("button", "remove");
    remove.type = "button";
    remove.addEventListener("click", () => {
      keyFiles.splice(i, 1);
      drawKeys();
      if (bundleFile) start();
    });
    li.append(remove);
    list.append(li);
  });
}

function options(): { minSignatures: number; require: EvidenceCheck[]; root?: string } | string {
  const raw = ($("min-signatures") as HTMLInputElement).value.trim();
  // The CLI's --min-signatures rule: lacking evidence never yields "verified".
  if (!/^[1-9][0-9]{0,5}$/.test(raw)) return `Valid signatures required: ${JSON.stringify(raw)} is not a whole number of at least 1.`;
  const require = [...document.querySelectorAll<HTMLInputElement>('input[name="require"]:checked')].map((i) => i.value as EvidenceCheck);
  const root = ($("root") as HTMLInputElement).value.trim();
  return { minSignatures: Number(raw), require, ...(root ? { root } : {}) };
}

function wireDrop(zoneId: string, onFiles: (files: File[]) => void): void {
  const zone = $(zoneId);
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    onFiles([...(e.dataTransfer?.files ?? [])]);
  });
}

// ---------------------------------------------------------------------------------------------
// Running the worker

function newWorker(): Worker {
  // A Blob URL of inlined code: works from file://, where a worker script file could not load.
  workerUrl ??= URL.createObjectURL(new Blob([__IMLADRI_WORKER_SOURCE__], { type: "text/javascript" }));
  return new Worker(workerUrl, { name: "imladri-verifier" });
}

async function start(): Promise<void> {
  if (!bundleFile) return;
  const mine = ++run;
  // A new input cancels the run in progress: its worker is stopped, its answers are never drawn.
  worker?.terminate();
  worker = undefined;
  $("result").hidden = true;
  showNotes([]);
  const opts = options();
  if (typeof opts === "string") {
    showNotes([{ file: "options", level: "error", message: opts }]);
    setState("refused");
    return;
  }
  setState("verifying");
  showProgress("reading", 0, undefined);
  let request: ToWorker;
  try {
    const bundle = { name: bundleFile.name, bytes: await bundleFile.arrayBuffer() };
    const keys = await Promise.all(keyFiles.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    request = { type: "verify", bundle, keys, ...opts };
  } catch (e) {
    if (mine === run) fail(`cannot read the file: ${String(e)}`);
    return;
  }
  if (mine !== run) return;
  runOptions = opts;
  let w: Worker;
  try {
    w = newWorker();
  } catch (e) {
    return fail(`this browser refused to start the verification worker (${String(e)})`);
  }
  worker = w;
  w.onmessage = (e: MessageEvent<ToPage>) => {
    if (w === worker) onWorkerMessage(e.data);
  };
  w.onerror = (e) => {
    if (w === worker) fail(`the verification worker stopped: ${e.message || "unknown error"}`);
  };
  w.postMessage(request, [request.bundle.bytes, ...request.keys.map((k) => k.bytes)]);
}

function onWorkerMessage(msg: ToPage): void {
  switch (msg.type) {
    case "progress":
      return showProgress(msg.phase, msg.done, msg.total);
    case "refused":
      $("progress-section").hidden = true;
      showNotes(msg.notes);
      setState("refused");
      return;
    case "result":
      $("progress-section").hidden = true;
      showNotes(msg.notes);
      showResult(msg);
      setState("done");
      return;
    case "rows":
      return drawRows(msg.offset, msg.rows);
    case "failure":
      return fail(msg.message);
  }
}

function fail(message: string): void {
  $("progress-section").hidden = true;
  showNotes([{ file: "page", level: "error", message: `No verdict: ${message}` }]);
  setState("failed");
}

function showProgress(phase: "reading" | "checking", done: number, total: number | undefined): void {
  $("progress-section").hidden = false;
  const bar = $("progress") as HTMLProgressElement;
  if (phase === "checking" && total !== undefined && total > 0) {
    bar.max = total;
    bar.value = Math.min(done, total);
    setText($("progress-text"), `Checking events: ${number(done)} of ${number(total)}`);
  } else {
    bar.removeAttribute("value");
    setText($("progress-text"), phase === "reading" ? "Reading the file…" : `Checking events: ${number(done)}`);
  }
}

function showNotes(notes: readonly KeyNote[]): void {
  const box = $("notes");
  box.replaceChildren(...notes.map((n) => el("p", `${n.file}: ${n.message}`, `note-${n.level}`)));
  box.hidden = notes.length === 0;
}

// ---------------------------------------------------------------------------------------------
// The result

let rowCount = 0;
let pageOffset = 0;

function showResult(msg: ResultMessage): void {
  const r = msg.report;
  redactedLabel = msg.redactedLabel;
  $("result").hidden = false;
  const verdict = $("verdict");
  verdict.className = `verdict ${r.verdict}`;
  verdict.dataset.verdict = r.verdict;
  setText($("verdict-word"), r.verdict);
  setText($("verdict-explain"), `${VERDICT_TEXT[r.verdict]} (The command line would exit ${VERDICT_EXIT[r.verdict]}.)`);
  drawFacts(r);
  drawFindings(r.findings, FINDINGS_AT_ONCE);
  drawSummary($("summary"), msg.summary, { redactedLabel, goToSeq });
  $("inspect-note").textContent =
    r.verdict === "invalid"
      ? "This bundle is invalid: what follows is what the file says, not what was signed. Read it only to find what was changed."
      : "Read from the events, like imladri proof inspect. Only the verdict above says whether they are what was signed.";
  $("inspect-note").classList.toggle("note-error", r.verdict === "invalid");
  rowCount = msg.rows;
  // DESIGN §12: an excerpt's rows are its records, each at its own seq, not a row per seq.
  excerptSeqs = r.kind === "excerpt" ? (r.excerptSeqs ?? []) : undefined;
  markedSeq = undefined;
  setText($("page-goto-status"), "");
  setText($("timeline-count"), `(${number(rowCount)} records)`);
  requestRows(0);
}

function addFact(list: HTMLElement, label: string, value: string | Node, mono = false): void {
  const dd = el("dd");
  if (mono) dd.className = "mono";
  if (typeof value === "string") setText(dd, value);
  else dd.append(value);
  list.append(el("dt", label), dd);
}

function drawFacts(r: VerificationReport): void {
  const list = $("facts");
  list.replaceChildren();
  addFact(list, "identity", r.identity ?? "none: the bundle has no well-formed statement", true);
  list.lastElementChild!.id = "identity";
  if (r.chain !== undefined) addFact(list, "chain", `${r.chain}, ${number(r.length ?? 0)} events (${r.kind ?? "?"} bundle, ${r.form === "jsonl" ? "JSON Lines" : "JSON"})`);
  drawPartialView(list, r);
  if (r.kind === "share") {
    const e = r.events;
    addFact(list, "hidden", describeHidden({ ...e, events: e.total }, number));
  }
  const sigs = el("div");
  sigs.append(el("div", `${r.validSignatures} valid by trusted keys (${r.minSignatures} required)`));
  for (const s of r.signatures) {
    sigs.append(el("div", `#${s.index} ${s.status}${s.kid ? ` · key ${s.kid}` : ""}${s.source ? ` · from ${s.source}` : ""}`, "mono"));
  }
  addFact(list, "signatures", sigs);
  if (runOptions.require.length > 0) addFact(list, "evidence required", runOptions.require.join(", "));
  if (runOptions.root !== undefined) addFact(list, "keyring root", runOptions.root, true);
  if (r.kind === "share") {
    const redactors = r.redactorSignatures ?? [];
    const text = redactors.length ? redactors.map((s) => `${s.kid ?? "?"} (${s.status === "valid" ? `valid, ${s.source}` : s.status})`).join(", ") : "unsigned redaction";
    addFact(list, "redactor", `${text} (never counted toward the signatures required)`);
  }
}

/**
 * DESIGN §12: an excerpt or a checkpoint says what it shows and what it cannot (the CLI's words,
 * src/cli/run/verify.ts partialViewText).
 */
function drawPartialView(list: HTMLElement, r: VerificationReport): void {
  if (r.kind === "excerpt") {
    const seqs = r.excerptSeqs ?? [];
    addFact(list, "excerpt", `${number(seqs.length)} of ${number(r.length ?? 0)} events shown (seq ${seqs.slice(0, 10).join(", ")}${seqs.length > 10 ? ", …" : ""}); the rest are not in this file`);
    list.lastElementChild!.id = "partial-view";
  } else if (r.kind === "checkpoint") {
    const c = r.consistency;
    addFact(list, "checkpoint", `the signed statement alone: no events shown${c ? `; consistency proof from ${number(c.length)} events ${c.verified ? "verified" : "FAILED"}` : ""}`);
    list.lastElementChild!.id = "partial-view";
  }
}

function drawFindings(findings: readonly Finding[], limit: number): void {
  setText($("findings-count"), `(${number(findings.length)})`);
  const body = $("findings").querySelector("tbody")!;
  body.replaceChildren();
  if (findings.length === 0) {
    const td = el("td", "No findings.");
    td.colSpan = 6;
    const tr = el("tr");
    tr.append(td);
    body.append(tr);
  }
  for (const f of findings.slice(0, limit)) {
    const tr = el("tr");
    tr.dataset.code = f.code;
    if (f.seq !== undefined) tr.dataset.seq = String(f.seq);
    const effect = el("td");
    effect.append(el("span", f.effect, `effect effect-${f.effect}`));
    // A code or pointer never breaks inside a word: codes do not wrap, pointers only before a `/`.
    const pointer = el("td", undefined, "mono");
    if (f.pointer) pointer.append(pointerText(f.pointer));
    tr.append(effect, el("td", f.code, "mono code"), el("td", f.seq !== undefined ? String(f.seq) : "", "num"), el("td", f.line !== undefined ? String(f.line) : "", "num"), pointer, el("td", f.message, "message"));
    body.append(tr);
  }
  const more = $("findings-more");
  more.hidden = findings.length <= limit;
  const button = $("findings-all");
  setText(button, `Show all ${number(findings.length)} findings`);
  button.onclick = () => drawFindings(findings, findings.length);
}

// ---------------------------------------------------------------------------------------------
// Go to a seq (the input above the timeline, and every seq in the summary): shows the row's page,
// scrolls to the row and marks it (`tr.target`), so a blocked action or a resource is one click
// from its event.

/** The row marked by the last go-to, kept marked when its page is drawn again. */
let markedSeq: number | undefined;
/** Set by goToSeq until the row is on the page and scrolled to. */
let scrollPending = false;

/** An excerpt's seqs, in row order; undefined for a bundle that has a row per seq. */
let excerptSeqs: readonly number[] | undefined;

/** The row that shows `seq`, if any. */
function rowOf(seq: number): number | undefined {
  if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
  if (excerptSeqs !== undefined) {
    const at = excerptSeqs.indexOf(seq);
    return at < 0 ? undefined : at;
  }
  return seq < rowCount ? seq : undefined;
}

function goToSeq(seq: number): void {
  const status = $("page-goto-status");
  const row = rowOf(seq);
  if (row === undefined) {
    const range = excerptSeqs !== undefined ? "this excerpt shows only its own seqs" : `from 0 to ${number(rowCount - 1)}`;
    setText(status, rowCount === 0 ? "no events" : `no seq ${String(seq)}: ${range}`);
    return;
  }
  setText(status, "");
  ($("page-goto") as HTMLInputElement).value = String(seq);
  markedSeq = seq;
  scrollPending = true;
  requestRows(row);
}

function showMarkedRow(): void {
  if (markedSeq === undefined) return;
  const row = $("timeline").querySelector<HTMLTableRowElement>(`tbody tr[data-seq="${markedSeq}"]`);
  if (!row || !scrollPending) return;
  scrollPending = false;
  row.scrollIntoView({ block: "center" });
}

// ---------------------------------------------------------------------------------------------
// The timeline, a page of rows at a time (the worker holds the records)

function requestRows(offset: number): void {
  pageOffset = Math.max(0, Math.min(offset, Math.max(0, rowCount - 1)));
  pageOffset -= pageOffset % ROWS_PER_PAGE;
  worker?.postMessage({ type: "rows", offset: pageOffset, limit: ROWS_PER_PAGE } satisfies ToWorker);
}

function drawRows(offset: number, rows: readonly TimelineRow[]): void {
  if (offset !== pageOffset) return;
  const shown = excerptSeqs !== undefined ? `records ${number(offset + 1)}–${number(offset + rows.length)}` : `seq ${number(offset)}–${number(offset + rows.length - 1)}`;
  setText($("page-label"), rowCount === 0 ? "no events" : `${shown} of ${number(rowCount)}`);
  ($("page-prev") as HTMLButtonElement).disabled = offset === 0;
  ($("page-next") as HTMLButtonElement).disabled = offset + ROWS_PER_PAGE >= rowCount;
  $("pager").hidden = rowCount <= ROWS_PER_PAGE;
  const body = $("timeline").querySelector("tbody")!;
  body.replaceChildren(...rows.map(drawRow));
  showMarkedRow();
}

function drawRow(row: TimelineRow): HTMLTableRowElement {
  const tr = el("tr");
  tr.dataset.seq = String(row.seq);
  tr.dataset.form = row.form;
  if (row.worst) tr.classList.add(`row-${row.worst}`);
  if (row.form === "elided") tr.classList.add("elided");
  const what = el("td");
  const tags = el("div");
  if (row.form === "elided") tags.append(el("span", "elided", "tag tag-elided"));
  if (row.redacted.length > 0) tags.append(el("span", `${row.redacted.length} redacted`, "tag tag-redacted"));
  if (row.form === "unreadable") tags.append(el("span", "unreadable", "tag tag-problem"));
  for (const code of row.codes) tags.append(el("span", code, row.worst === "invalid" ? "tag tag-problem" : "tag tag-note"));
  if (row.seq === markedSeq) tr.classList.add("target");
  if (tags.childElementCount > 0) what.append(tags);
  if (row.form === "elided") {
    what.append(el("span", `The share hides this whole event; its digest ${row.digest ?? "?"} still links the chain.`));
  } else if (row.form === "unreadable") {
    what.append(el("span", "This record cannot be read: see the findings for this seq."));
  }
  for (const f of row.facts) {
    const span = el("span", undefined, "fact");
    span.append(el("b", `${f.label} `));
    span.append(f.redacted && f.text === redactedLabel ? el("span", f.text, "redacted") : textNode(f.text));
    what.append(span);
  }
  if (row.event !== undefined) {
    // The whole event, drawn when first opened (a page of 100 rows stays light).
    const d = el("details", undefined, "event");
    d.append(el("summary", row.redacted.length > 0 ? "the event as the share discloses it" : "the event"));
    const event = row.event;
    const hidden = new Set(row.redacted);
    d.addEventListener("toggle", () => {
      if (d.open && d.childElementCount === 1) d.append(renderJson(event, hidden));
    });
    what.append(d);
  }
  tr.append(el("td", String(row.seq), "num"), el("td", row.ts ?? "", "mono nowrap"), el("td", row.type ?? (row.form === "elided" ? "(elided)" : ""), "mono nowrap"), el("td", row.actor ?? ""), what);
  return tr;
}

/** The event as indented JSON, with every redacted pointer shown as a marked `[redacted]`. */
function renderJson(value: JsonValue, hidden: ReadonlySet<string>): HTMLPreElement {
  const pre = el("pre", undefined, "json");
  const text = (t: string) => pre.append(document.createTextNode(t));
  const walk = (v: JsonValue, p: JsonPointer, indent: string) => {
    if (hidden.has(p)) {
      pre.append(el("span", redactedLabel, "redacted"));
      return;
    }
    if (isJsonArray(v) || isJsonObject(v)) {
      const entries: [string | number, JsonValue][] = isJsonArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      const [open, close] = isJsonArray(v) ? ["[", "]"] : ["{", "}"];
      if (entries.length === 0) return text(open + close);
      text(open + "\n");
      entries.forEach(([k, x], i) => {
        // JSON.stringify escapes C0 controls; printable() the C1 and bidi ones it leaves (./dom.ts).
        text(indent + "  ");
        if (typeof k === "string") pre.append(textNode(JSON.stringify(k) + ": "));
        walk(x, appendPointer(p, k), indent + "  ");
        text((i < entries.length - 1 ? "," : "") + "\n");
      });
      text(indent + close);
      return;
    }
    pre.append(textNode(JSON.stringify(v)));
  };
  walk(value, ROOT_POINTER, "");
  return pre;
}

// ---------------------------------------------------------------------------------------------
// Wiring

function init(): void {
  // A file dropped outside the two zones must not make the browser open it in place of the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  wireDrop("bundle-drop", chooseBundle);
  wireDrop("keys-drop", addKeys);
  const bundleInput = $("bundle-input") as HTMLInputElement;
  bundleInput.addEventListener("change", () => {
    chooseBundle([...(bundleInput.files ?? [])]);
    bundleInput.value = "";
  });
  const keysInput = $("keys-input") as HTMLInputElement;
  keysInput.addEventListener("change", () => {
    addKeys([...(keysInput.files ?? [])]);
    keysInput.value = "";
  });
  for (const input of document.querySelectorAll<HTMLInputElement>("#options input")) {
    input.addEventListener("change", () => void start());
  }
  $("page-prev").addEventListener("click", () => requestRows(pageOffset - ROWS_PER_PAGE));
  $("page-next").addEventListener("click", () => requestRows(pageOffset + ROWS_PER_PAGE));
  const goto = $("page-goto") as HTMLInputElement;
  goto.addEventListener("change", () => {
    if (goto.value.trim() !== "") goToSeq(Number(goto.value));
  });
}

init();
