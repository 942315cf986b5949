/**
 * The limits every input is held to, in one place (issue 12; docs/spec.md "Limits").
 *
 * Every byte of a bundle, log, keyring, config or policy is attacker-controlled, so what one input
 * can make the tool hold in memory or print is bounded: sizes are refused before memory grows,
 * and problem lists keep their first entries and count the rest. The limits are generous for real
 * data (an agent runtime's events are kilobytes); DESIGN gives none, so these are the tool's.
 */

const MiB = 1024 * 1024;

/** Largest event, as its line in an event log (export and cleanup refuse a longer line). */
export const MAX_EVENT_BYTES = 16 * MiB;

/**
 * Largest line of any JSON Lines input (a bundle's record lines; a log line is also held to
 * MAX_EVENT_BYTES). A share's partial record carries a salt for every disclosed leaf, so a record
 * may be a few times its event. The line reader refuses a longer line without buffering it.
 */
export const MAX_LINE_BYTES = 4 * MAX_EVENT_BYTES;

/** Largest header line of a JSON Lines bundle (statement, signatures, redaction block). */
export const MAX_HEADER_LINE_BYTES = 16 * MiB;

/** Largest bundle in the one-document form (V8 cannot hold a string much over 512 MB). */
export const MAX_DOCUMENT_BYTES = 400 * MiB;

/**
 * Most JSON values (scalars, objects and arrays, the root included) in one event. Each value of an
 * event becomes a node of its digest tree (DESIGN §4), which costs far more memory than its text:
 * `[0,0,0,...]` is two bytes a leaf. 500,000 values are well beyond any real event.
 */
export const MAX_EVENT_VALUES = 500_000;

/** Most JSON values in one event record: its event, plus a salt or a digest for each leaf. */
export const MAX_RECORD_VALUES = 2 * MAX_EVENT_VALUES + 16;

/**
 * Most JSON values in a bundle in the one-document form: about what 400 MiB of real events hold
 * (16 bytes a value), so it bites only for dense data such as `[0,0,...]`. Larger bundles go in
 * JSON Lines, which is held to the limits per line instead.
 */
export const MAX_DOCUMENT_VALUES = 25_000_000;

/** Most errors of one schema validation read (an object with a million unknown members has a million). */
export const MAX_SCHEMA_ERRORS = 1000;

/** Findings of one code shown (and held in full) by verify; the rest are only counted. */
export const MAX_FINDINGS_PER_CODE = 100;

/** Problems listed when a log, keyring, config or policy is refused; the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * The first `limit` items added, and how many were added in all: a list whose memory does not
 * grow with a hostile input.
 * ```ts
 * const problems = new FirstN<string>(20);
 * problems.add("line 3: not JSON");
 * problems.items; // the first 20
 * problems.more;  // how many were dropped
 * ```
 */
export class FirstN<T> {
  private readonly kept: T[] = [];
  private added = 0;

  constructor(readonly limit: number = MAX_LISTED_PROBLEMS) {}

  add(item: T): void {
    if (this.kept.length < this.limit) this.kept.push(item);
    this.added++;
  }

  /** Counts n more that are not kept: for items counted elsewhere once this list is full. */
  skip(n: number): void {
    if (n > 0 && this.kept.length < this.limit) throw new Error("FirstN.skip: the list has room; add the items instead");
    this.added += n;
  }

  addAll(items: Iterable<T>): void {
    for (const item of items) this.add(item);
  }

  get items(): readonly T[] {
    return this.kept;
  }

  /** How many were added in all. */
  get count(): number {
    return this.added;
  }

  /** How many were added but not kept. */
  get more(): number {
    return this.added - this.kept.length;
  }
}
