// Calendar days (`YYYY-MM-DD`) and wall-clock times in the service's time zone.
// Days are plain strings; two valid days compare correctly as strings, but only
// while the year has four digits ("10000-01-01" sorts before "9999-12-31"), so a
// loop over days counts its steps (dayNumber) rather than comparing strings, and
// no day is written outside 0000-9999. Arithmetic is on UTC day numbers, so no
// clock change can move a day.

const DAY_MS = 86_400_000;

/**
 * The days any input may name (the shared `Day` and `Instant` schemas in
 * src/http/route.ts enforce it): wide enough for any working life's records, narrow
 * enough that every loop over days is short (at most ~73,000 steps) and that every
 * day computed from one (plus a few years) still has a four-digit year.
 */
export const FIRST_DAY = "1900-01-01";
export const LAST_DAY = "2100-12-31";

const DAY_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(day: string): { y: number; m: number; d: number } {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return { y, m, d };
}

/** `YYYY-MM-DD`; a year outside 0000-9999 cannot be written so (and would sort wrongly), so it throws. */
export function formatDay(y: number, m: number, d: number): string {
  if (!Number.isInteger(y) || y < 0 || y > 9999) throw new RangeError(`year ${y} is outside 0000-9999`);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A real calendar day written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isCalendarDay(s: string): boolean {
  const m = DAY_SHAPE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** A calendar day inside FIRST_DAY..LAST_DAY. */
export const isDayInRange = (s: string) => isCalendarDay(s) && s >= FIRST_DAY && s <= LAST_DAY;

/** The day as a number: days since 1970-01-01 (negative before). Numbers order and count safely. */
export function dayNumber(day: string): number {
  const { y, m, d } = parseDay(day);
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d); // unlike Date.UTC, keeps years 0-99 as written
  return Math.round(t.getTime() / DAY_MS);
}

/** The day numbered n (see dayNumber). */
export function dayOfNumber(n: number): string {
  const t = new Date(n * DAY_MS + 12 * 3_600_000);
  return formatDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export const addDays = (day: string, n: number): string => dayOfNumber(dayNumber(day) + n);

/** Whole days from a to b (b - a); positive when b is later. */
export const daysBetween = (a: string, b: string): number => dayNumber(b) - dayNumber(a);

/** -1, 0 or 1 as a is before, on or after b, by day number (not by spelling). */
export function compareDays(a: string, b: string): number {
  const d = dayNumber(a) - dayNumber(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** 0 = Sunday ... 6 = Saturday. (Day 0, 1970-01-01, was a Thursday.) */
export const weekday = (day: string): number => (((dayNumber(day) + 4) % 7) + 7) % 7;

export const isWeekend = (day: string) => {
  const w = weekday(day);
  return w === 0 || w === 6;
};

/** Most days one loop may walk: the whole supported range. A longer walk is a bug, not a request. */
export const MAX_DAY_SPAN = dayNumber(LAST_DAY) - dayNumber(FIRST_DAY) + 1;

/** How many days from `from` to `to`, both included (0 when `to` is before `from`); refuses a span longer than MAX_DAY_SPAN. */
export function daySpan(from: string, to: string): number {
  const n = Math.max(0, daysBetween(from, to) + 1);
  if (n > MAX_DAY_SPAN) throw new RangeError(`${n} days from ${from} to ${to} is longer than any supported range`);
  return n;
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const n = daySpan(from, to);
  const start = dayNumber(from);
  return Array.from({ length: n }, (_, i) => dayOfNumber(start + i));
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsCache.set(tz, f);
  }
  return f;
}

/** The wall-clock reading of an instant in a zone. */
export function wallClock(at: Date, tz: string): { day: string; hour: number; minute: number; second: number } {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(at)) p[part.type] = part.value;
  return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

/** The calendar day an instant falls on, in the zone. */
export const localDay = (at: Date, tz: string) => wallClock(at, tz).day;

/** The zone's offset from UTC at an instant, in minutes (Europe/London: 0 or 60). */
export function offsetMinutes(at: Date, tz: string): number {
  const w = wallClock(at, tz);
  const { y, m, d } = parseDay(w.day);
  const asUtc = Date.UTC(y, m - 1, d, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the zone's clocks read `time` on `day`. A time that does
 * not exist (in the spring gap) moves forward by the gap, as clocks do; a time
 * that happens twice (autumn) is the first of the two.
 */
export function zonedInstant(day: string, time: string, tz: string): Date {
  const { y, m, d } = parseDay(day);
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  // Try the offsets either side; pick the earliest that reads back correctly.
  const candidates = [offsetMinutes(new Date(naive - 12 * 3_600_000), tz), offsetMinutes(new Date(naive + 12 * 3_600_000), tz)];
  const hits = candidates
    .map((off) => new Date(naive - off * 60_000))
    .filter((t) => {
      const w = wallClock(t, tz);
      return w.day === day && w.hour === hh && w.minute === mm;
    })
    .sort((a, b) => a.getTime() - b.getTime());
  if (hits[0]) return hits[0];
  // In the gap: use the offset from before the change, which lands after it.
  return new Date(naive - Math.min(...candidates) * 60_000);
}

/** The instant the local day begins (midnight). */
export const startOfLocalDay = (day: string, tz: string) => zonedInstant(day, "00:00", tz);
