import { daysBetween, localDay } from "../calendar/days.js";

/** Times as a person in the service's zone reads them. */
export function fmtTime(iso: string | undefined | null, tz: string): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/**
 * "17:00–09:00 (next day)": a span read from the day it starts, saying when it ends on a
 * later day (a night shift belongs to the evening it starts, not to both days).
 */
export function fmtSpan(start: string, end: string, tz: string): string {
  // A span ending at midnight ends on the day it started.
  const endDay = localDay(new Date(Date.parse(end) - 1), tz);
  const later = daysBetween(localDay(new Date(start), tz), endDay);
  const times = `${fmtTime(start, tz)}–${fmtTime(end, tz)}`;
  if (later <= 0) return times;
  if (later === 1) return `${times} (next day)`;
  return `${times} (ends ${fmtDay(endDay)})`;
}

export function fmtDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

export const PURPOSES: Record<string, string> = {
  mha_assessment: "Mental Health Act assessment",
  home_visit: "Home visit",
  other: "Other visit",
};

export const REASONS: Record<string, string> = {
  missed_check_in: "Missed check-in",
  panic: "PANIC alarm",
  duress: "Duress check-out",
  no_manager_on_duty: "No manager on duty",
};

const instantFormats = new Map<string, Intl.DateTimeFormat>();
/** An instant as a person in the zone reads it: "24 Nov 2026 17:05". */
export function fmtInstant(iso: string | undefined | null, tz: string): string {
  if (!iso) return "";
  let f = instantFormats.get(tz);
  if (!f) instantFormats.set(tz, (f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
  return f.format(new Date(iso)).replace(",", "");
}

/** A calendar day as read: "24 Nov 2026". */
export function fmtDate(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

const WORDS: Record<string, string> = {
  ok: "OK",
  missed_check_in: "Missed check-in",
  no_manager_on_duty: "No manager on duty",
  none_recorded: "None recorded",
  due_soon: "Due soon",
  rtw: "RTW",
  oh: "OH",
  amhp: "AMHP",
  asye: "ASYE",
};
const ACRONYMS = new Set(["oh", "rtw", "amhp", "asye", "mha"]);

/** A machine key ("due_soon", "training_shortfall") in words ("Due soon"); free text is left as written. */
export function words(key: string): string {
  if (WORDS[key]) return WORDS[key]!;
  if (!/^[a-z0-9]+(_[a-z0-9]+)*$/.test(key)) return key;
  const w = key.split("_").map((p) => (ACRONYMS.has(p) ? p.toUpperCase() : p)).join(" ");
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** A number as read: whole numbers as they are, others to at most two places. */
export function fmtNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** A number of seconds as read: "35 s", "5 min 35 s", "1 h 04 min". */
export function fmtSeconds(n: number): string {
  if (n < 60) return `${fmtNumber(n)} s`;
  const s = Math.round(n);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  return `${m} min ${String(s % 60).padStart(2, "0")} s`;
}
