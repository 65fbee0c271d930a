// AMHP approvals, training and leave: the records the rota reads.
import type { CurrentUser, Deps } from "../deps.js";
import { Forbidden, RuleViolation } from "../errors.js";
import { stamp } from "./records.js";
import { actorFor, managedPerson, visiblePerson } from "./people.js";
import { isHrOrAdmin } from "./access.js";
import { approvalTooLong, latestValidUntil } from "./rules/approvals.js";
import { HR_POLICY } from "./policy.js";
import { recordsStore } from "./store/records.js";
import { staffRecordsStore } from "./store/staff-records.js";

export interface ApprovalInput {
  validFrom: string;
  validUntil: string;
  lateEntryReason?: string;
}

export async function addApproval(deps: Deps, user: CurrentUser, staffId: string, input: ApprovalInput) {
  // Approvals are a council decision: HR and admin only (the route gate says so too).
  if (!isHrOrAdmin(user)) throw new Forbidden();
  await managedPerson(deps, user, staffId);
  if (input.validUntil < input.validFrom) {
    throw new RuleViolation("validUntil is before validFrom.", [{ path: "validUntil", message: "before validFrom" }]);
  }
  if (approvalTooLong(input)) {
    const msg = `An AMHP approval lasts at most ${HR_POLICY.approval.maxYears} years: from ${input.validFrom} it may run to ${latestValidUntil(input.validFrom)}.`;
    throw new RuleViolation(msg, [{ path: "validUntil", message: msg }]);
  }
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.validFrom, field: "validFrom" }, input.lateEntryReason);
  return recordsStore(deps.db).add("amhp-approvals", { staffId, validFrom: input.validFrom, validUntil: input.validUntil, ...s }, actor);
}

export interface TrainingInput {
  date: string;
  hours: number;
  topic: string;
  lateEntryReason?: string;
}

export async function addTraining(deps: Deps, user: CurrentUser, staffId: string, input: TrainingInput) {
  await managedPerson(deps, user, staffId);
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.date, field: "date" }, input.lateEntryReason);
  return recordsStore(deps.db).add("training", { staffId, date: input.date, hours: input.hours, topic: input.topic, ...s }, actor);
}

export interface LeaveInput {
  from: string;
  to: string;
  kind: string;
  lateEntryReason?: string;
}

export async function addLeave(deps: Deps, user: CurrentUser, staffId: string, input: LeaveInput) {
  await managedPerson(deps, user, staffId);
  if (input.to < input.from) throw new RuleViolation("Leave ends before it starts.", [{ path: "to", message: "before from" }]);
  const actor = actorFor(user);
  // Leave is booked ahead, so a future start is fine; a late record still needs a reason.
  const s = stamp(deps, actor, { day: input.from, field: "from", allowFuture: true }, input.lateEntryReason);
  return staffRecordsStore(deps.db).addLeave({ staffId, from: input.from, to: input.to, kind: input.kind, ...s }, actor);
}

/** Approvals, training and leave of one person (void ones included, marked). */
export async function listStaffRecords(deps: Deps, user: CurrentUser, staffId: string) {
  await visiblePerson(deps, user, staffId);
  return staffRecordsStore(deps.db).listFor(staffId);
}
