// Calendar days (`YYYY-MM-DD`) and wall-clock times in the service's time zone.
// Days are plain strings compared lexically; arithmetic goes through UTC noon so
// no clock change can move a day.

const DAY_MS = 86_400_000;

export function parseDay(day: string): { y: number; m: number; d: number } {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return { y, m, d };
}

export function formatDay(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const noon = (day: string) => {
  const { y, m, d } = parseDay(day);
  return Date.UTC(y, m - 1, d, 12);
};

export function addDays(day: string, n: number): string {
  const t = new Date(noon(day) + n * DAY_MS);
  return formatDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Whole days from a to b (b - a); positive when b is later. */
export function daysBetween(a: string, b: string): number {
  return Math.round((noon(b) - noon(a)) / DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(noon(day)).getUTCDay();
}

export const isWeekend = (day: string) => {
  const w = weekday(day);
  return w === 0 || w === 6;
};

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
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
