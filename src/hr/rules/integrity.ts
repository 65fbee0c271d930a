// Effective-date rules every HR record obeys: not in the future, and a reason (and the
// late flag) when entered more than HR_POLICY.integrity.lateAfterDays after the event.
import { daysBetween } from "../../calendar/days.js";
import { HR_POLICY } from "../policy.js";

export type DateCheck =
  | { ok: true; late: boolean }
  | { ok: false; problem: "future" | "late_reason_required"; message: string };

/**
 * Is an effective date acceptable on `today`? Future dates are refused unless the
 * record may look ahead (leave); dates more than 7 days back need a reason and
 * are flagged late.
 */
export function checkEffectiveDate(
  effective: string,
  today: string,
  opts: { allowFuture?: boolean; lateEntryReason?: string | null } = {},
  p = HR_POLICY.integrity,
): DateCheck {
  if (effective > today && !opts.allowFuture) {
    return { ok: false, problem: "future", message: `The date ${effective} is after today (${today}); records are made after the event.` };
  }
  const late = daysBetween(effective, today) > p.lateAfterDays;
  if (late && !opts.lateEntryReason?.trim()) {
    return {
      ok: false,
      problem: "late_reason_required",
      message: `The date ${effective} is more than ${p.lateAfterDays} days ago: give a lateEntryReason.`,
    };
  }
  return { ok: true, late };
}

/**
 * Does changing an effective date from `before` to `after`, on `today`, make a late
 * entry? When it moves the date back to more than 7 days before today: otherwise a
 * record entered on the day and corrected to weeks ago would escape the rule.
 * Moving a date forward, or back within the 7 days, is not.
 */
export function isLateCorrection(before: string, after: string, today: string, p = HR_POLICY.integrity): boolean {
  return after < before && daysBetween(after, today) > p.lateAfterDays;
}
