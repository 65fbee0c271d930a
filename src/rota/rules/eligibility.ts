// Who may hold a shift: AMHP duty needs an approval in force for
// the whole shift; manager cover needs a manager; nobody holds two shifts at once.
// Pure functions of the person's records; each answers with the reason, or nothing.
import { localDayFast as localDay } from "../zone.js";
import type { Role } from "../../staff/schema.js";
import { MANAGER_COVER, hasAny } from "../../staff/roles.js";
import type { RotaKind } from "../schema.js";

export interface Window {
  start: Date;
  end: Date;
}

export interface ApprovalFact {
  validFrom: string;
  validUntil: string;
}

export interface PersonFacts {
  id: string;
  name: string;
  roles: readonly Role[];
  active: boolean;
  /** AMHP approvals, voided ones already left out. */
  approvals: readonly ApprovalFact[];
  leave: readonly { from: string; to: string; kind: string }[];
  sickness: readonly { firstDay: string; lastDay: string | null }[];
  training: readonly { date: string; hours: number }[];
  /** The person's other live assignments, on any rota. */
  shifts: readonly (Window & { id?: string; rotaId?: string })[];
}

/** The local days a shift touches: its start day to the day of its last minute. */
export function shiftDays(w: Window, tz: string): { first: string; last: string } {
  return { first: localDay(w.start, tz), last: localDay(new Date(w.end.getTime() - 1), tz) };
}

/** Why the person may not hold a shift on a rota of this kind, or undefined. */
export function ineligibility(kind: RotaKind, p: PersonFacts, w: Window, tz: string): string | undefined {
  if (!p.active) return `${p.name} is no longer active.`;
  if (kind === "manager_cover") {
    if (!hasAny(p, MANAGER_COVER)) return `${p.name} is not a manager; manager cover needs the manager or senior_manager role.`;
    return undefined;
  }
  const { first, last } = shiftDays(w, tz);
  if (p.approvals.some((a) => a.validFrom <= first && a.validUntil >= last)) return undefined;
  if (p.approvals.length === 0) return `${p.name} has no AMHP approval.`;
  const atStart = p.approvals.filter((a) => a.validFrom <= first && a.validUntil >= first).sort((a, b) => (a.validUntil < b.validUntil ? 1 : -1))[0];
  if (atStart) return `${p.name}'s AMHP approval ends on ${atStart.validUntil}, before the shift ends on ${last}.`;
  const latest = [...p.approvals].sort((a, b) => (a.validUntil < b.validUntil ? 1 : -1))[0]!;
  if (latest.validUntil < first) return `${p.name}'s AMHP approval expired on ${latest.validUntil}.`;
  return `${p.name} has no AMHP approval in force on ${first}.`;
}

/** The person's shift that overlaps this one, if any (a double booking). */
export function doubleBooking<T extends Window>(shifts: readonly T[], w: Window): T | undefined {
  return shifts.find((s) => s.start < w.end && w.start < s.end);
}

/** Leave that overlaps the shift's days. */
export function leaveDuring(p: PersonFacts, w: Window, tz: string) {
  const { first, last } = shiftDays(w, tz);
  return p.leave.find((l) => l.from <= last && l.to >= first);
}

/** A sickness episode (open, or closed but overlapping) during the shift's days. */
export function sicknessDuring(p: PersonFacts, w: Window, tz: string) {
  const { first, last } = shiftDays(w, tz);
  return p.sickness.find((s) => s.firstDay <= last && (s.lastDay === null || s.lastDay >= first));
}

/**
 * Why round-robin rotation passes the person over for this shift: ineligible,
 * on leave, off sick, or already on duty. Undefined when they can take it.
 */
export function unavailability(kind: RotaKind, p: PersonFacts, w: Window, tz: string): string | undefined {
  const inel = ineligibility(kind, p, w, tz);
  if (inel) return inel;
  const leave = leaveDuring(p, w, tz);
  if (leave) return `${p.name} is on ${leave.kind} leave ${leave.from} to ${leave.to}.`;
  const sick = sicknessDuring(p, w, tz);
  if (sick) return `${p.name} is off sick (since ${sick.firstDay}${sick.lastDay ? ` to ${sick.lastDay}` : ", still open"}).`;
  const clash = doubleBooking(p.shifts, w);
  if (clash) return `${p.name} is already on duty ${clash.start.toISOString()} to ${clash.end.toISOString()}.`;
  return undefined;
}
