/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * "What the events say" on the page: the `proof inspect` summary, readable for a share of any
 * size (issue 11). Each list shows the first LIST_CAP entries, the most important first (blocked
 * actions; resources whose destroy failed or that were left running, styled apart from destroyed
 * ones), then a collapsed "and N more" that draws the rest only when opened. Every seq is a button
 * that takes the timeline to that row. The order and the cap are the CLI's (core/inspect/lists.ts).
 */
import { LIST_CAP, countsForReading, moreText, resourceTally, resourcesByImportance, RESOURCE_STATE_TEXT, stillRunning } from "../core/inspect/lists.js";
import type { BlockedAction, ResourceLine, Summary } from "../core/inspect/summary.js";
import { describeHidden } from "../core/redact/hidden.js";
import { el, textNode } from "./dom.js";

export interface SummaryView {
  /** The text shown wherever a share hides a value (the core's REDACTED). */
  redactedLabel: string;
  /** Takes the timeline to a seq and marks its row. */
  goToSeq(seq: number): void;
}

const number = (n: number) => n.toLocaleString("en-US");

function addFact(list: HTMLElement, label: string, value: string | Node): HTMLElement {
  const dd = el("dd");
  if (typeof value === "string") dd.append(textNode(value));
  else dd.append(value);
  list.append(el("dt", label), dd);
  return dd;
}

/**
 * The first LIST_CAP items, then a closed <details> "and N more" whose items are drawn the first
 * time it opens (a list of 20,000 costs nothing until someone asks for it).
 */
function collapsed<T>(
  items: readonly T[],
  draw: (item: T) => Node,
  container: () => HTMLElement,
  what: string,
  options: { separator?: string; note?: (rest: readonly T[]) => string } = {},
): HTMLElement {
  const { separator, note } = options;
  const fill = (box: HTMLElement, part: readonly T[]) => {
    part.forEach((item, i) => {
      if (separator !== undefined && i > 0) box.append(textNode(separator));
      box.append(draw(item));
    });
    return box;
  };
  const box = el("div", undefined, `list list-${what}`);
  box.append(fill(container(), items.slice(0, LIST_CAP)));
  if (items.length > LIST_CAP) {
    const more = el("details", undefined, "more");
    more.dataset.more = String(items.length - LIST_CAP);
    const extra = note?.(items.slice(LIST_CAP)) ?? "";
    more.append(el("summary", `${moreText(items.length - LIST_CAP)}${extra} (show all ${number(items.length)})`));
    more.addEventListener("toggle", () => {
      if (!more.open || more.childElementCount > 1) return;
      more.append(fill(container(), items.slice(LIST_CAP)));
    });
    box.append(more);
  }
  return box;
}

/** A one-line list ("a 3, b 2, ..."), collapsed past LIST_CAP like the others. */
function inline(items: readonly string[], what: string): HTMLElement | string {
  if (items.length === 0) return "-";
  return collapsed(items, (t) => el("span", t, "item"), () => el("span", undefined, "inline"), what, { separator: ", " });
}

function seqButton(view: SummaryView, seq: number): HTMLButtonElement {
  const b = el("button", `seq ${seq}`, "seq-link");
  b.type = "button";
  b.dataset.seq = String(seq);
  b.title = "show this event in the timeline";
  b.addEventListener("click", () => view.goToSeq(seq));
  return b;
}

function blockedItem(view: SummaryView, b: BlockedAction): HTMLLIElement {
  const li = el("li", undefined, "blocked");
  li.append(seqButton(view, b.seq), textNode(`${b.ts ? ` ${b.ts}` : ""}  ${b.tool}: ${b.reason}`));
  if (b.policy) li.append(el("span", ` (policy ${b.policy})`, "muted"));
  return li;
}

function resourceItem(view: SummaryView, r: ResourceLine): HTMLLIElement {
  const li = el("li", undefined, `resource res-${r.state}`);
  li.dataset.state = r.state;
  li.append(el("span", RESOURCE_STATE_TEXT[r.state], "state"), textNode(` ${r.kind} ${r.id}${r.provider ? ` (${r.provider})` : ""}`));
  if (r.createdSeq !== undefined) li.append(textNode(" — created "), seqButton(view, r.createdSeq));
  if (r.destroyedSeq !== undefined) li.append(textNode(r.createdSeq !== undefined ? ", destroyed " : " — destroyed "), seqButton(view, r.destroyedSeq));
  return li;
}

export function drawSummary(list: HTMLElement, s: Summary, view: SummaryView): void {
  list.replaceChildren();
  const claimed = s.statementLength !== undefined && s.statementLength !== s.records ? ` but the statement says ${number(s.statementLength)}` : "";
  addFact(list, "records", `${number(s.records)}${claimed}`);
  if (s.kind === "share") addFact(list, "hidden", describeHidden({ ...s, events: s.records }, number)).id = "summary-hidden";
  addFact(list, "time", `${s.firstTs ?? "?"} .. ${s.lastTs ?? "?"}`);
  const actors = [...s.actors].sort((a, b) => b.events - a.events).map((a) => `${a.tenant}/${a.agent} (${number(a.events)})`);
  const who = addFact(list, "actors", inline(actors, "actors"));
  const users = [s.users ? `${number(s.users)} distinct user(s)` : "", s.redactedUsers ? `user ${view.redactedLabel} in ${number(s.redactedUsers)} event(s)` : ""].filter(Boolean).join("; ");
  if (users) who.append(el("div", users, "muted"));
  addFact(list, "types", inline(countsForReading(s.byType).map(([t, n]) => `${t} ${number(n)}`), "types"));
  addFact(list, "decisions", inline(countsForReading(s.decisions).map(([t, n]) => `${t} ${number(n)}`), "decisions"));
  if (s.blockedCount > 0) {
    const dd = addFact(list, "blocked", el("div", `${number(s.blockedCount)} action(s)`, "muted"));
    dd.id = "summary-blocked";
    dd.append(collapsed(s.blocked, (b) => blockedItem(view, b), () => el("ul"), "blocked"));
  }
  if (s.resources.length > 0) {
    const t = resourceTally(s.resources);
    const tally = el("div", undefined, "muted");
    if (t.running) tally.append(el("span", `${number(t.running)} left running`, "res-left-text"), textNode(", "));
    if (t.failed) tally.append(el("span", `${number(t.failed)} destroy failed`, "res-failed-text"), textNode(", "));
    tally.append(textNode(`${number(t.destroyed)} destroyed`));
    const dd = addFact(list, "resources", tally);
    dd.id = "summary-resources";
    const running = (rest: readonly ResourceLine[]) => {
      const n = rest.filter(stillRunning).length;
      return n ? `, ${number(n)} of them still running` : "";
    };
    dd.append(collapsed(resourcesByImportance(s.resources), (r) => resourceItem(view, r), () => el("ul"), "resources", { note: running }));
  }
  if (s.unknownTypes.length > 0) {
    const dd = addFact(list, "unknown types", inline(s.unknownTypes, "unknown"));
    dd.append(el("div", "(types this version does not know)", "muted"));
  }
}
