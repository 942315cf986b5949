/**
 * The JSON data model used everywhere in imladri.
 *
 * Values come only from the strict I-JSON parser (DESIGN §2), so an object never has a
 * `__proto__` member, every number is finite, and every string is well-formed UTF-16.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonArray = JsonValue[];
export interface JsonObject {
  [name: string]: JsonValue;
}
export type JsonValue = JsonPrimitive | JsonArray | JsonObject;

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isJsonArray(v: JsonValue | undefined): v is JsonArray {
  return Array.isArray(v);
}

/** Own-member lookup that never consults the prototype chain. */
export function hasMember(o: JsonObject, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, name);
}

/**
 * True when `v` holds more than `maxValues` values (scalars, objects and arrays, itself included,
 * counted the way the parser's `maxValues` counts) or more than `maxChars` UTF-16 units of strings
 * and member names; stops as soon as it knows. No recursion, so any depth is safe.
 */
export function exceedsSize(v: JsonValue, maxValues: number, maxChars: number): boolean {
  let values = maxValues - 1;
  let chars = maxChars - (typeof v === "string" ? v.length : 0);
  const stack: JsonValue[] = [v];
  while (stack.length > 0 && chars >= 0) {
    const x = stack.pop()!;
    if (typeof x !== "object" || x === null) continue;
    if (Array.isArray(x)) {
      values -= x.length;
      if (values < 0) return true;
      for (const c of x) {
        if (typeof c === "string") chars -= c.length;
        else if (typeof c === "object" && c !== null) stack.push(c);
      }
    } else {
      const names = Object.keys(x);
      values -= names.length;
      if (values < 0) return true;
      for (const name of names) {
        const c = x[name]!;
        chars -= name.length;
        if (typeof c === "string") chars -= c.length;
        else if (typeof c === "object" && c !== null) stack.push(c);
      }
    }
  }
  return chars < 0;
}
