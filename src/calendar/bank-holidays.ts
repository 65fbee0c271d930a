import { addDays, daysInMonth, formatDay, weekday } from "./days.js";

// Bank holidays of England and Wales, computed, never fetched: the Banking and
// Financial Dealings Act 1971 days plus the usual royal proclamations. When a
// fixed-date holiday falls at a weekend, the next weekday(s) are the substitute.
// One-off proclamations (coronations, jubilees, state funerals) are listed here.

const ONE_OFF: Record<string, { add?: string[]; move?: Record<string, string> }> = {
  "2020": { move: { "2020-05-04": "2020-05-08" } }, // VE Day 75
  "2022": { add: ["2022-06-03", "2022-09-19"], move: { "2022-05-30": "2022-06-02" } }, // Platinum Jubilee, state funeral
  "2023": { add: ["2023-05-08"] }, // Coronation
};

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatDay(year, month, day);
}

/** The first (n = 1) or last (n = -1) Monday of a month: worked out, not walked to. */
function monday(year: number, month: number, n: 1 | -1): string {
  if (n === 1) {
    const first = formatDay(year, month, 1);
    return addDays(first, (8 - weekday(first)) % 7);
  }
  const last = formatDay(year, month, daysInMonth(year, month));
  return addDays(last, -((weekday(last) + 6) % 7));
}

/** The first day on or after `day` that passes `ok`, looking at most a week ahead. */
function firstFrom(day: string, ok: (d: string) => boolean): string {
  for (let i = 0; i < 7; i++) {
    const d = addDays(day, i);
    if (ok(d)) return d;
  }
  throw new RangeError(`no suitable day in the week from ${day}`);
}
const notWeekend = (d: string) => weekday(d) !== 0 && weekday(d) !== 6;

const cache = new Map<number, { day: string; name: string }[]>();

/** The bank holidays of a year, in date order, with their names. */
export function bankHolidays(year: number): { day: string; name: string }[] {
  const hit = cache.get(year);
  if (hit) return hit;
  const easter = easterSunday(year);
  const list: { day: string; name: string }[] = [];
  const taken = new Set<string>();
  const push = (day: string, name: string) => {
    list.push({ day, name });
    taken.add(day);
  };
  // New Year's Day: substitute the next weekday.
  push(firstFrom(formatDay(year, 1, 1), notWeekend), "New Year's Day");
  push(addDays(easter, -2), "Good Friday");
  push(addDays(easter, 1), "Easter Monday");
  push(monday(year, 5, 1), "Early May bank holiday");
  push(monday(year, 5, -1), "Spring bank holiday");
  push(monday(year, 8, -1), "Summer bank holiday");
  // Christmas and Boxing Day: each weekend one moves to the next free weekday.
  for (const [d, name] of [[formatDay(year, 12, 25), "Christmas Day"], [formatDay(year, 12, 26), "Boxing Day"]] as const) {
    const day = firstFrom(d, (x) => notWeekend(x) && !taken.has(x));
    push(day, day === d ? name : `${name} (substitute day)`);
  }
  const extra = ONE_OFF[String(year)];
  let out = list;
  if (extra?.move) out = out.map((h) => ({ ...h, day: extra.move![h.day] ?? h.day }));
  if (extra?.add) out = [...out, ...extra.add.map((day) => ({ day, name: "Special bank holiday" }))];
  out.sort((a, b) => (a.day < b.day ? -1 : 1));
  cache.set(year, out);
  return out;
}

export function isBankHoliday(day: string): boolean {
  return bankHolidays(Number(day.slice(0, 4))).some((h) => h.day === day);
}

/** Monday to Friday and not a bank holiday. */
export function isWorkingDay(day: string): boolean {
  const w = weekday(day);
  return w !== 0 && w !== 6 && !isBankHoliday(day);
}
