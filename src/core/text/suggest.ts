/**
 * "Did you mean": the known name closest to a mistyped one (issue 11: a typo in `--only db.brnach`
 * must not pass a CI gate). Pure, so the CLI and io-level modules (cleanup) share it.
 */
import { printable } from "./printable.js";

/** Names longer than this are not compared (the edit distance is quadratic in the length). */
const MAX_COMPARED = 64;

/** The Levenshtein distance of two short strings, in O(a·b) time and O(b) memory. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known name closest to `value`, if it is close enough to be a typo (at most a third of its
 * characters differ, and at least one may).
 *
 * @example closestName("db.brnach", ["db.branch", "file"]) // "db.branch"
 */
export function closestName(value: string, known: Iterable<string>): string | undefined {
  if (value.length > MAX_COMPARED) return undefined;
  const limit = Math.max(1, Math.floor(value.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of known) {
    if (name.length > MAX_COMPARED || Math.abs(name.length - value.length) > limit) continue;
    const d = editDistance(value.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/**
 * The message for a flag value that names nothing known, e.g.
 * `--only "db.brnach": unknown resource kind; did you mean db.branch? (known: db.branch, file)`.
 */
export function unknownNameMessage(flag: string, value: string, what: string, known: readonly string[]): string {
  const guess = closestName(value, known);
  const list = known.length > 0 ? ` (known: ${known.map(printable).join(", ")})` : "";
  return `${flag} ${JSON.stringify(value)}: unknown ${what}${guess !== undefined ? `; did you mean ${printable(guess)}?` : ""}${list}`;
}
