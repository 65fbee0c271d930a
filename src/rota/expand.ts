// Pattern expansion: an RRULE over local calendar days, each occurrence a shift
// that starts at a local wall-clock time and lasts a local wall-clock duration.
// rrule is run on "floating" days (UTC midnight standing for a local day), so the
// process zone never matters; the zone is applied only when days become instants.
import rrule from "rrule";
import { addDays, formatDay, parseDay } from "../calendar/days.js";
import { localDayFast as localDay, zonedInstantFast as zonedInstant } from "./zone.js";
import { bankHolidays } from "../calendar/bank-holidays.js";

const { RRule } = rrule;

export interface PatternSpec {
  id: string;
  rrule: string;
  startTime: string;
  durationMinutes: number;
  label: string | null;
  startsOn: string;
  endsOn: string | null;
  skipBankHolidays: boolean;
  addBankHolidays: boolean;
}

export interface Shift {
  patternId: string;
  label: string | null;
  /** The local day the shift starts on. */
  day: string;
  start: Date;
  end: Date;
}

const floating = (day: string) => {
  const { y, m, d } = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d));
};
const dayOf = (t: Date) => formatDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Parse and check an RRULE for shifts: a day-level frequency (daily or coarser),
 * no DTSTART or time parts (the pattern's startsOn and startTime give those).
 * Returns an error message, or the parsed options.
 */
export function parseShiftRule(text: string): { ok: true; options: Partial<rrule.Options> } | { ok: false; message: string } {
  const body = text.trim().replace(/^RRULE:/i, "");
  if (!body || /[\r\n]/.test(body)) return { ok: false, message: "must be a single RRULE line" };
  if (/(^|;)\s*(DTSTART|TZID)\b/i.test(body)) return { ok: false, message: "must not carry DTSTART or TZID; use startsOn" };
  if (/(^|;)\s*(BYHOUR|BYMINUTE|BYSECOND)\s*=/i.test(body)) return { ok: false, message: "must not set times; use startTime" };
  let options: Partial<rrule.Options>;
  try {
    options = RRule.parseString(body);
  } catch (e) {
    return { ok: false, message: `is not a valid RRULE (${(e as Error).message})` };
  }
  if (typeof options.freq !== "number") return { ok: false, message: "needs FREQ (e.g. FREQ=WEEKLY;BYDAY=MO)" };
  if (options.freq > RRule.DAILY) return { ok: false, message: "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY" };
  return { ok: true, options };
}

/** The local end of a shift: start day/time plus the duration on the wall clock, as an instant. */
export function shiftEnd(day: string, startTime: string, durationMinutes: number, tz: string): Date {
  const { y, m, d } = parseDay(day);
  const [hh, mm] = startTime.split(":").map(Number) as [number, number];
  const wall = new Date(Date.UTC(y, m - 1, d, hh, mm) + durationMinutes * 60_000);
  return zonedInstant(dayOf(wall), `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`, tz);
}

/** The local days (inclusive range) on which the pattern has an occurrence. */
export function occurrenceDays(p: PatternSpec, fromDay: string, toDay: string): string[] {
  const lo = fromDay > p.startsOn ? fromDay : p.startsOn;
  const hi = p.endsOn && p.endsOn < toDay ? p.endsOn : toDay;
  if (lo > hi) return [];
  const parsed = parseShiftRule(p.rrule);
  if (!parsed.ok) return [];
  const rule = new RRule({ ...parsed.options, dtstart: floating(p.startsOn) });
  const days = new Set(rule.between(floating(lo), floating(hi), true).map(dayOf));
  const firstYear = Number(lo.slice(0, 4));
  const lastYear = Number(hi.slice(0, 4));
  for (let y = firstYear; y <= lastYear; y++) {
    for (const h of bankHolidays(y)) {
      if (h.day < lo || h.day > hi) continue;
      if (p.skipBankHolidays) days.delete(h.day);
      else if (p.addBankHolidays) days.add(h.day);
    }
  }
  return [...days].sort();
}

/** The pattern's shifts overlapping [from, to), in the zone `tz`. */
export function expandPattern(p: PatternSpec, from: Date, to: Date, tz: string): Shift[] {
  // A shift may start days before `from` and still run into it.
  const spanDays = Math.ceil(p.durationMinutes / 1440) + 1;
  const days = occurrenceDays(p, addDays(localDay(from, tz), -spanDays), localDay(to, tz));
  const out: Shift[] = [];
  for (const day of days) {
    const start = zonedInstant(day, p.startTime, tz);
    const end = shiftEnd(day, p.startTime, p.durationMinutes, tz);
    if (start < to && end > from && end > start) out.push({ patternId: p.id, label: p.label, day, start, end });
  }
  return out;
}

/** Every pattern's shifts overlapping [from, to), by start. */
export function expandPatterns(ps: readonly PatternSpec[], from: Date, to: Date, tz: string): Shift[] {
  return ps.flatMap((p) => expandPattern(p, from, to, tz)).sort((a, b) => a.start.getTime() - b.start.getTime());
}
