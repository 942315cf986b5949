/**
 * RFC 6901 JSON Pointers. One type for a pointer everywhere (STYLE: one representation per concept).
 * `""` is the root; `/a~1b` names member "a/b"; `~` is escaped before `/` (DESIGN §4).
 */
export type JsonPointer = string & { readonly __brand: "JsonPointer" };

export const ROOT_POINTER = "" as JsonPointer;

export function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function appendPointer(p: JsonPointer, token: string | number): JsonPointer {
  return (p + "/" + (typeof token === "number" ? String(token) : escapeToken(token))) as JsonPointer;
}

/** Parses a pointer's text; returns undefined when it is not in canonical RFC 6901 spelling. */
export function parsePointer(text: string): string[] | undefined {
  if (text === "") return [];
  if (!text.startsWith("/")) return undefined;
  const raw = text.slice(1).split("/");
  for (const t of raw) {
    // A `~` must be followed by 0 or 1: anything else is not a canonical spelling.
    if (/~(?![01])/.test(t)) return undefined;
  }
  return raw.map(unescapeToken);
}

export function asPointer(text: string): JsonPointer | undefined {
  return parsePointer(text) === undefined ? undefined : (text as JsonPointer);
}

export function pointerFromTokens(tokens: readonly (string | number)[]): JsonPointer {
  let p = ROOT_POINTER;
  for (const t of tokens) p = appendPointer(p, t);
  return p;
}

/** True when `inner` lies strictly below `outer` (or equals it, when `orEqual`). */
export function isWithin(outer: JsonPointer, inner: JsonPointer, orEqual = false): boolean {
  if (outer === inner) return orEqual;
  return inner.startsWith(outer + "/");
}
