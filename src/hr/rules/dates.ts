// Month and working-day arithmetic on calendar days, beside src/calendar/days.ts.
import { addDays, formatDay, parseDay } from "../../calendar/days.js";
import { isWorkingDay } from "../../calendar/bank-holidays.js";

/** The same day n months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, n: number): string {
  const { y, m, d } = parseDay(day);
  const idx = y * 12 + (m - 1) + n;
  const ny = Math.floor(idx / 12);
  const nm = (idx % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return formatDay(ny, nm, Math.min(d, last));
}

export const addYears = (day: string, n: number) => addMonths(day, 12 * n);

/** Weekdays that are not bank holidays, from `from` to `to` inclusive. */
export function workingDaysIn(from: string, to: string): number {
  let n = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) if (isWorkingDay(d)) n++;
  return n;
}

/** The first working day on or after `day`. */
export function nextWorkingDay(day: string): string {
  let d = day;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/** The n-th working day counting `start` (a working day) as the first. */
export function nthWorkingDay(start: string, n: number): string {
  let d = nextWorkingDay(start);
  for (let i = 1; i < n; i++) d = nextWorkingDay(addDays(d, 1));
  return d;
}

export const maxDay = (a: string, b: string) => (a > b ? a : b);
export const minDay = (a: string, b: string) => (a < b ? a : b);
