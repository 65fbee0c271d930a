// Supervision cadence (LGA Employer Standard 5): when the next session is due.
import { addDays, daysBetween } from "../../calendar/days.js";
import { HR_POLICY } from "../policy.js";
import { addMonths } from "./dates.js";

type Policy = typeof HR_POLICY.supervision;

export type SupervisionStatus = "ok" | "due_soon" | "overdue" | "none_recorded";

/** The gap allowed after a session held on `day`, for this person. */
export function nextDueAfter(category: string, startDate: string | null, day: string, p: Policy = HR_POLICY.supervision): string {
  if (category === "asye" && startDate) {
    if (day < addDays(startDate, p.asyeWeeklyForWeeks * 7)) return addDays(day, p.asyeWeeklyIntervalDays);
    if (day < addMonths(startDate, p.asyeFortnightlyUntilMonths)) return addDays(day, p.asyeFortnightlyIntervalDays);
  }
  return addMonths(day, p.othersEveryMonths);
}

export interface SupervisionState {
  lastSupervision: string | null;
  dueBy: string;
  overdueDays: number;
  status: SupervisionStatus;
}

/**
 * Where a person stands on `asOf`, from their confirmed sessions' days. With no
 * session, the clock runs from their start date; with neither, one is due now.
 */
export function supervisionState(
  person: { category: string; startDate: string | null },
  confirmedDays: readonly string[],
  asOf: string,
  p: Policy = HR_POLICY.supervision,
): SupervisionState {
  const past = confirmedDays.filter((d) => d <= asOf);
  const last = past.length ? past.reduce((a, b) => (a > b ? a : b)) : null;
  const base = last ?? person.startDate;
  const dueBy = base && base <= asOf ? nextDueAfter(person.category, person.startDate, base, p) : base ?? asOf;
  const overdueDays = Math.max(0, daysBetween(dueBy, asOf));
  let status: SupervisionStatus;
  if (overdueDays > 0) status = "overdue";
  else if (!last && (!person.startDate || dueBy <= asOf)) status = "none_recorded";
  else if (daysBetween(asOf, dueBy) <= p.dueSoonDays) status = "due_soon";
  else status = "ok";
  return { lastSupervision: last, dueBy, overdueDays, status };
}
