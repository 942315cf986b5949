/**
 * Timestamps (DESIGN §2): RFC 3339 in UTC with `Z`. Writers emit milliseconds; readers accept
 * any fraction, upper-case `T` and `Z` only, and refuse impossible dates.
 */

// The spelling; the calendar is checked in code below. `\d` is ASCII-only without the u flag.
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True when `s` is an RFC 3339 UTC timestamp naming a real instant: `2026-11-20T09:00:00Z`,
 * `2028-02-29T23:59:59.123456Z`. Refuses `2026-02-30`, month 13, hour 24, a lower-case `t` or
 * `z`, an offset such as `+01:00`, and any whitespace.
 *
 * Leap seconds (`23:59:60`) are refused. RFC 3339 allows them only at the end of a month in
 * which one was inserted, which needs a table the tool would have to keep current; JavaScript
 * dates cannot represent them, so ordering and re-formatting would silently shift such a time;
 * and the clocks that write agent logs smear leap seconds instead of emitting :60.
 *
 * @example isRfc3339Utc("2026-11-20T09:00:00.000Z") // true
 * @example isRfc3339Utc("2026-02-29T00:00:00Z")     // false: 2026 is not a leap year
 */
export function isRfc3339Utc(s: string): boolean {
  const m = RFC3339_UTC.exec(s);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // RFC 3339 §5.7: full-date is any four-digit year, 0000 included (proleptic Gregorian).
  if (month < 1 || month > 12) return false;
  if (day < 1 || day > daysInMonth(year, month)) return false;
  return hour <= 23 && minute <= 59 && second <= 59;
}

/**
 * The writers' spelling of an instant (DESIGN §2): always milliseconds and `Z`.
 * Throws a RangeError for an invalid date or a year outside 0000–9999, which RFC 3339 cannot
 * spell.
 *
 * @example formatTimestamp(new Date(Date.UTC(2026, 10, 20, 9))) // "2026-11-20T09:00:00.000Z"
 */
export function formatTimestamp(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError("formatTimestamp: invalid date");
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) {
    throw new RangeError(`formatTimestamp: year ${year} cannot be written in RFC 3339`);
  }
  // toISOString spells years 0000–9999 as four digits, always with milliseconds and Z.
  return d.toISOString();
}
