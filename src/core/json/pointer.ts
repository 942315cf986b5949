/**
 * RFC 6901 JSON Pointers. One type for a pointer everywhere (STYLE: one representation per concept).
 * `""` is the root; `/a~1b` names member "a/b"; `~` is escaped before `/` (DESIGN §4).
 */
export type JsonPointer = string & { readonly __brand: "JsonPointer" };

export const ROOT_POINTER = "" as JsonPointer;

export function escapeToken(token: string): string {
  // Nearly every name has neither `~` nor `/`: one scan, and the regular expressions only when needed.
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 0x7e || c === 0x2f) return token.replace(/~/g, "~0").replace(/\//g, "~1");
  }
  return token;
}

export function unescapeToken(token: string): string {
  return token.indexOf("~") < 0 ? token : token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function appendPointer(p: JsonPointer, token: string | number): JsonPointer {
  return (p + "/" + (typeof token === "number" ? String(token) : escapeToken(token))) as JsonPointer;
}

/** Parses a pointer's text; returns undefined when it is not in canonical RFC 6901 spelling. */
export function parsePointer(text: string): string[] | undefined {
  if (text === "") return [];
  if (!isCanonicalPointer(text)) return undefined;
  const raw = text.slice(1).split("/");
  return text.indexOf("~") < 0 ? raw : raw.map(unescapeToken);
}

export function asPointer(text: string): JsonPointer | undefined {
  return text === "" || isCanonicalPointer(text) ? (text as JsonPointer) : undefined;
}

/** A non-empty pointer: starts with `/`, and every `~` is followed by 0 or 1 (anything else is not canonical). */
function isCanonicalPointer(text: string): boolean {
  if (text.charCodeAt(0) !== 0x2f) return false;
  for (let i = text.indexOf("~"); i >= 0; i = text.indexOf("~", i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next !== 0x30 && next !== 0x31) return false;
  }
  return true;
}

export function pointerFromTokens(tokens: readonly (string | number)[]): JsonPointer {
  let p = ROOT_POINTER;
  for (const t of tokens) p = appendPointer(p, t);
  return p;
}

/** True when `inner` lies strictly below `outer` (or equals it, when `orEqual`). */
export function isWithin(outer: JsonPointer, inner: JsonPointer, orEqual = false): boolean {
  if (outer === inner) return orEqual;
  return inner.length > outer.length && inner.charCodeAt(outer.length) === 0x2f && inner.startsWith(outer);
}
