// AMHP approval and training rules (MHA 1983 s.114; AMHP Approval Regulations 2008).
import { addDays, daysBetween } from "../../calendar/days.js";
import { HR_POLICY } from "../policy.js";
import { addYears, wholeYearsBetween } from "./dates.js";

type Policy = typeof HR_POLICY.approval;

export interface Approval {
  validFrom: string;
  validUntil: string;
}

/** The last day an approval starting on validFrom may run to (5 years, less a day). */
export const latestValidUntil = (validFrom: string, p: Policy = HR_POLICY.approval) => addDays(addYears(validFrom, p.maxYears), -1);

export const approvalTooLong = (a: Approval, p: Policy = HR_POLICY.approval) => a.validUntil > latestValidUntil(a.validFrom, p);

/** The approval year (validFrom + k years .. the day before the next anniversary) holding `day`. */
export function approvalYear(a: Approval, day: string): { from: string; to: string; index: number } {
  const k = wholeYearsBetween(a.validFrom, day);
  const to = addDays(addYears(a.validFrom, k + 1), -1);
  return { from: addYears(a.validFrom, k), to: to < a.validUntil ? to : a.validUntil, index: k };
}

export type ApprovalStatus = "none" | "expired" | "training_shortfall" | "expiring" | "training_due" | "current";

export interface ApprovalState {
  validFrom: string | null;
  validUntil: string | null;
  daysToExpiry: number | null;
  approvalYearFrom: string | null;
  approvalYearTo: string | null;
  trainingHoursThisYear: number;
  trainingHoursRequired: number;
  /** Completed approval years short of the 18 hours. */
  shortYears: { from: string; to: string; hours: number }[];
  status: ApprovalStatus;
}

/**
 * Where a person's approval stands on asOf: the approval in force (or the latest
 * one, if none is), training hours in the current approval year, completed years
 * that fell short, and a 90-day warning before expiry or a short year's end.
 */
export function approvalState(
  approvals: readonly Approval[],
  training: readonly { date: string; hours: number }[],
  asOf: string,
  p: Policy = HR_POLICY.approval,
): ApprovalState {
  const inForce = approvals
    .filter((a) => a.validFrom <= asOf && a.validUntil >= asOf)
    .sort((a, b) => (a.validUntil < b.validUntil ? 1 : -1))[0];
  const latest = [...approvals].filter((a) => a.validFrom <= asOf).sort((a, b) => (a.validUntil < b.validUntil ? 1 : -1))[0];
  const base = { trainingHoursRequired: p.trainingHoursPerYear, shortYears: [] as ApprovalState["shortYears"] };
  if (!inForce) {
    return {
      ...base,
      validFrom: latest?.validFrom ?? null,
      validUntil: latest?.validUntil ?? null,
      daysToExpiry: null,
      approvalYearFrom: null,
      approvalYearTo: null,
      trainingHoursThisYear: 0,
      status: latest ? "expired" : "none",
    };
  }
  const hoursIn = (from: string, to: string) => training.filter((t) => t.date >= from && t.date <= to).reduce((s, t) => s + t.hours, 0);
  const year = approvalYear(inForce, asOf);
  const shortYears: ApprovalState["shortYears"] = [];
  for (let k = 0; k < year.index; k++) {
    const from = addYears(inForce.validFrom, k);
    const to = addDays(addYears(inForce.validFrom, k + 1), -1);
    const hours = hoursIn(from, to);
    if (hours < p.trainingHoursPerYear) shortYears.push({ from, to, hours });
  }
  const hoursThisYear = hoursIn(year.from, year.to);
  const daysToExpiry = daysBetween(asOf, inForce.validUntil);
  let status: ApprovalStatus = "current";
  if (shortYears.length) status = "training_shortfall";
  else if (daysToExpiry <= p.warningDays) status = "expiring";
  else if (hoursThisYear < p.trainingHoursPerYear && daysBetween(asOf, year.to) <= p.warningDays) status = "training_due";
  return {
    ...base,
    validFrom: inForce.validFrom,
    validUntil: inForce.validUntil,
    daysToExpiry,
    approvalYearFrom: year.from,
    approvalYearTo: year.to,
    trainingHoursThisYear: Math.round(hoursThisYear * 100) / 100,
    shortYears,
    status,
  };
}
