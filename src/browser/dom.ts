/// <reference lib="dom" />
/**
 * The one way the page puts text on screen. Text from a bundle, a key file or a file name is
 * attacker-controlled: it becomes a Text node (textContent, never markup), and passes through the
 * core's printable() first, so a control character (ESC, BEL, C1 CSI U+009B, ...) or a
 * bidirectional override (U+202E, U+2066...) is shown as a visible `\u` escape instead of
 * reordering or hiding what the auditor reads (issue 11). Page-written text goes through the same
 * door: it holds no such characters, so printable() leaves it as it is.
 */
import { printable } from "../core/text/printable.js";

/** A new element whose text (if any) is `text`, shown printable. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = printable(text);
  if (className) e.className = className;
  return e;
}

/** Replaces a node's content with `text`, shown printable. */
export function setText(node: Node, text: string): void {
  node.textContent = printable(text);
}

/** A Text node of `text`, shown printable. */
export function textNode(text: string): Text {
  return document.createTextNode(printable(text));
}

/**
 * A JSON Pointer (or a dotted finding code) that may wrap only before a `/`: a <wbr> there, and the
 * CSS keeps the rest whole (`.pointer`: no break inside `args` or `bundle.digest`). The text read
 * back (textContent, copy and paste) is the pointer unchanged.
 */
export function pointerText(pointer: string, className = "pointer"): HTMLSpanElement {
  const span = el("span", undefined, className);
  const parts = printable(pointer).split(/(?=\/)/);
  parts.forEach((part, i) => {
    if (i > 0) span.append(document.createElement("wbr"));
    span.append(document.createTextNode(part));
  });
  return span;
}
