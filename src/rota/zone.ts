// Fast zone arithmetic for expanding and checking thousands of shifts. Intl is
// slow (microseconds a call), and a zone's offset only changes at a transition,
// which real zones place on a quarter hour: so the offset is looked up once per
// quarter hour of UTC and kept. Same answers as src/calendar/days.ts.
import { formatDay, offsetMinutes, parseDay } from "../calendar/days.js";

const QUARTER = 15 * 60_000;
const caches = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at an instant, in minutes. */
export function offsetAt(t: number, tz: string): number {
  let cache = caches.get(tz);
  if (!cache) caches.set(tz, (cache = new Map()));
  const key = Math.floor(t / QUARTER);
  let off = cache.get(key);
  if (off === undefined) {
    if (cache.size > 200_000) cache.clear();
    off = offsetMinutes(new Date(key * QUARTER), tz);
    cache.set(key, off);
  }
  return off;
}

/** The local calendar day of an instant. */
export function localDayFast(at: Date, tz: string): string {
  const local = new Date(at.getTime() + offsetAt(at.getTime(), tz) * 60_000);
  return formatDay(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
}

/**
 * The instant the zone's clocks read `time` on `day`: in a spring gap, moved on
 * by the gap; when it happens twice in autumn, the first.
 */
export function zonedInstantFast(day: string, time: string, tz: string): Date {
  const { y, m, d } = parseDay(day);
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  const candidates = [offsetAt(naive - 12 * 3_600_000, tz), offsetAt(naive + 12 * 3_600_000, tz)];
  const hits = candidates.map((off) => naive - off * 60_000).filter((t) => offsetAt(t, tz) === (naive - t) / 60_000);
  if (hits.length) return new Date(Math.min(...hits));
  return new Date(naive - Math.min(...candidates) * 60_000);
}
