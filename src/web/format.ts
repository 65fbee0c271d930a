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

export function fmtDayTime(iso: string | undefined | null, tz: string): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", { timeZone: tz, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
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

/** A list out of an API body that may be `{ key: [...] }` or a bare array. */
export function listOf<T = any>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const v = (body as Record<string, unknown> | undefined)?.[key];
  if (Array.isArray(v)) return v as T[];
  const rows = (body as Record<string, unknown> | undefined)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}
