// Warnings on an assignment: Working Time Regulations
// 1998 — reg. 10 (11 consecutive hours' daily rest), reg. 11 (24 hours' uninterrupted
// rest in each 7 days), reg. 4 (48 hours a week averaged over 17 weeks) — AMHP
// training below 18 hours in the approval year, and leave or sickness during the
// shift. Warnings never refuse an assignment: the coordinator decides.
import { approvalYear } from "../../hr/rules/approvals.js";
import { HR_POLICY } from "../../hr/policy.js";
import { complement, mergeSpans, type Span } from "../intervals.js";
import { leaveDuring, shiftDays, sicknessDuring, type PersonFacts, type Window } from "./eligibility.js";
import type { RotaKind } from "../schema.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const WORKING_TIME = {
  dailyRestHours: 11,
  weeklyRestHours: 24,
  weeklyRestWindowDays: 7,
  averageWeeklyHours: 48,
  referenceWeeks: 17,
} as const;

export const WARNING_KINDS = ["short_rest", "no_weekly_rest", "over_48_hours", "training_shortfall", "leave", "sickness"] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

export interface Warning {
  kind: WarningKind;
  detail: string;
}

const span = (w: Window): Span => ({ start: w.start.getTime(), end: w.end.getTime() });
const iso = (t: number) => new Date(t).toISOString();
const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;

/** Under 11 hours between this shift and the person's previous or next one. */
export function shortRest(others: readonly Window[], w: Window, p = WORKING_TIME): Warning[] {
  const c = span(w);
  const min = p.dailyRestHours * HOUR;
  const out: Warning[] = [];
  const prevEnd = Math.max(-Infinity, ...others.map(span).filter((s) => s.end <= c.start).map((s) => s.end));
  if (c.start - prevEnd < min) {
    out.push({ kind: "short_rest", detail: `Only ${hours(c.start - prevEnd)} h rest after the shift ending ${iso(prevEnd)} (${p.dailyRestHours} h needed).` });
  }
  const nextStart = Math.min(Infinity, ...others.map(span).filter((s) => s.start >= c.end).map((s) => s.start));
  if (nextStart - c.end < min) {
    out.push({ kind: "short_rest", detail: `Only ${hours(nextStart - c.end)} h rest before the shift starting ${iso(nextStart)} (${p.dailyRestHours} h needed).` });
  }
  return out;
}

/**
 * No uninterrupted 24 hours off in some 7-day window that contains the shift.
 * The longest rest inside a sliding window changes only where a window edge meets
 * a shift boundary, so only those window positions are checked.
 */
export function noWeeklyRest(others: readonly Window[], w: Window, p = WORKING_TIME): Warning[] {
  const c = span(w);
  const len = p.weeklyRestWindowDays * DAY;
  const need = p.weeklyRestHours * HOUR;
  const busy = mergeSpans([...others.map(span).filter((s) => s.end > c.start - 2 * len && s.start < c.end + 2 * len), c]);
  const lo = c.start - len;
  const hi = c.end;
  const starts = new Set<number>([lo, hi]);
  for (const b of busy) for (const t of [b.start, b.end, b.start - len, b.end - len]) if (t >= lo && t <= hi) starts.add(t);
  for (const ws of [...starts].sort((a, b) => a - b)) {
    const longest = Math.max(0, ...complement(busy, ws, ws + len).map((f) => f.end - f.start));
    if (longest < need) {
      return [{ kind: "no_weekly_rest", detail: `No ${p.weeklyRestHours} h rest in the 7 days from ${iso(ws)} (longest ${hours(longest)} h).` }];
    }
  }
  return [];
}

/** Over 48 hours a week, averaged over the 17 weeks ending with, or starting with, the shift. */
export function over48Hours(others: readonly Window[], w: Window, p = WORKING_TIME): Warning[] {
  const c = span(w);
  const len = p.referenceWeeks * 7 * DAY;
  const all = mergeSpans([...others.map(span), c]);
  for (const [from, to] of [
    [c.end - len, c.end],
    [c.start, c.start + len],
  ] as const) {
    const total = all.reduce((sum, s) => sum + Math.max(0, Math.min(s.end, to) - Math.max(s.start, from)), 0);
    const avg = total / HOUR / p.referenceWeeks;
    if (avg > p.averageWeeklyHours) {
      return [{ kind: "over_48_hours", detail: `${hours(avg * HOUR)} h a week on average over the 17 weeks from ${iso(from)} (limit ${p.averageWeeklyHours}).` }];
    }
  }
  return [];
}

/** AMHP training under 18 hours in the approval year the shift falls in. */
export function trainingShortfall(person: PersonFacts, w: Window, tz: string, required = HR_POLICY.approval.trainingHoursPerYear): Warning[] {
  const { first } = shiftDays(w, tz);
  const approval = person.approvals.filter((a) => a.validFrom <= first && a.validUntil >= first).sort((a, b) => (a.validUntil < b.validUntil ? 1 : -1))[0];
  if (!approval) return [];
  const year = approvalYear(approval, first);
  const got = person.training.filter((t) => t.date >= year.from && t.date <= year.to).reduce((s, t) => s + t.hours, 0);
  if (got >= required) return [];
  return [{ kind: "training_shortfall", detail: `${got} h of AMHP training recorded in the approval year ${year.from} to ${year.to} (${required} h needed).` }];
}

/** Every warning for the person holding this shift on a rota of this kind. */
export function shiftWarnings(kind: RotaKind, person: PersonFacts, w: Window, tz: string): Warning[] {
  const others = person.shifts;
  const out = [...shortRest(others, w), ...noWeeklyRest(others, w), ...over48Hours(others, w)];
  if (kind === "amhp_duty") out.push(...trainingShortfall(person, w, tz));
  const leave = leaveDuring(person, w, tz);
  if (leave) out.push({ kind: "leave", detail: `${person.name} is on ${leave.kind} leave ${leave.from} to ${leave.to}.` });
  const sick = sicknessDuring(person, w, tz);
  if (sick) out.push({ kind: "sickness", detail: `${person.name} is off sick from ${sick.firstDay}${sick.lastDay ? ` to ${sick.lastDay}` : " (open)"}.` });
  return out;
}
