// Month and working-day arithmetic on calendar days, beside src/calendar/days.ts.
// Nothing here walks day by day to an end day: counts are worked out, and the few
// short walks (to the next working day) are bounded by a step count.
import { addDays, daySpan, dayNumber, daysInMonth, formatDay, isWeekend, parseDay, weekday } from "../../calendar/days.js";
import { bankHolidays, isWorkingDay } from "../../calendar/bank-holidays.js";

/** The same day n months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, n: number): string {
  const { y, m, d } = parseDay(day);
  const idx = y * 12 + (m - 1) + n;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  return formatDay(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

export const addYears = (day: string, n: number) => addMonths(day, 12 * n);

/** The largest k >= 0 with addYears(from, k) <= day (0 when day is before the first anniversary). */
export function wholeYearsBetween(from: string, day: string): number {
  const k = parseDay(day).y - parseDay(from).y;
  if (k <= 0) return 0;
  return addYears(from, k) <= day ? k : k - 1;
}

/**
 * Weekdays that are not bank holidays, from `from` to `to` inclusive: whole weeks
 * count five, the odd days are looked at, and the year's bank holidays that fall
 * on weekdays inside the range come off. O(years), however long the range.
 */
export function workingDaysIn(from: string, to: string): number {
  const span = daySpan(from, to);
  if (span === 0) return 0;
  let n = Math.floor(span / 7) * 5;
  const rest = span % 7;
  const w0 = weekday(from);
  for (let i = 0; i < rest; i++) {
    const w = (w0 + i) % 7;
    if (w !== 0 && w !== 6) n++;
  }
  const lo = dayNumber(from);
  const hi = lo + span - 1;
  const off = new Set<number>();
  for (let y = parseDay(from).y; y <= parseDay(to).y; y++) {
    for (const h of bankHolidays(y)) {
      const k = dayNumber(h.day);
      if (k >= lo && k <= hi && !isWeekend(h.day)) off.add(k);
    }
  }
  return n - off.size;
}

/** A run of days off is never longer than this (Christmas at a weekend: 4); looking further is a bug. */
const MAX_DAYS_OFF = 14;

/** The first working day on or after `day`. */
export function nextWorkingDay(day: string): string {
  for (let i = 0; i < MAX_DAYS_OFF; i++) {
    const d = addDays(day, i);
    if (isWorkingDay(d)) return d;
  }
  throw new RangeError(`no working day in the ${MAX_DAYS_OFF} days from ${day}`);
}

/** The n-th working day counting `start` (a working day) as the first. */
export function nthWorkingDay(start: string, n: number): string {
  let d = nextWorkingDay(start);
  for (let i = 1; i < n; i++) d = nextWorkingDay(addDays(d, 1));
  return d;
}

export const maxDay = (a: string, b: string) => (a > b ? a : b);
export const minDay = (a: string, b: string) => (a < b ? a : b);
