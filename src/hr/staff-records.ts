// AMHP approvals, training and leave: the records the rota reads.
import { and, asc, eq, isNull } from "drizzle-orm";
import type { CurrentUser, Deps } from "../deps.js";
import { writeTx } from "../db/connection.js";
import { Forbidden, RuleViolation } from "../errors.js";
import { amhpApprovals, leaveRecords, trainingRecords } from "./schema.js";
import { insertRecord, stamp } from "./records.js";
import { actorFor, managedPerson, visiblePerson } from "./people.js";
import { isHrOrAdmin } from "./access.js";
import { approvalTooLong, latestValidUntil } from "./rules/approvals.js";
import { HR_POLICY } from "./policy.js";

export interface ApprovalInput {
  validFrom: string;
  validUntil: string;
  lateEntryReason?: string;
}

export function addApproval(deps: Deps, user: CurrentUser, staffId: string, input: ApprovalInput) {
  // Approvals are a council decision: HR and admin only (the route gate says so too).
  if (!isHrOrAdmin(user)) throw new Forbidden();
  managedPerson(deps, user, staffId);
  if (input.validUntil < input.validFrom) {
    throw new RuleViolation("validUntil is before validFrom.", [{ path: "validUntil", message: "before validFrom" }]);
  }
  if (approvalTooLong(input)) {
    const msg = `An AMHP approval lasts at most ${HR_POLICY.approval.maxYears} years: from ${input.validFrom} it may run to ${latestValidUntil(input.validFrom)}.`;
    throw new RuleViolation(msg, [{ path: "validUntil", message: msg }]);
  }
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.validFrom, field: "validFrom" }, input.lateEntryReason);
  return writeTx(deps.db, (tx) =>
    insertRecord(tx, "amhp-approvals", { staffId, validFrom: input.validFrom, validUntil: input.validUntil, ...s }, actor, s.recordedAt),
  );
}

export interface TrainingInput {
  date: string;
  hours: number;
  topic: string;
  lateEntryReason?: string;
}

export function addTraining(deps: Deps, user: CurrentUser, staffId: string, input: TrainingInput) {
  managedPerson(deps, user, staffId);
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.date, field: "date" }, input.lateEntryReason);
  return writeTx(deps.db, (tx) =>
    insertRecord(tx, "training", { staffId, date: input.date, hours: input.hours, topic: input.topic, ...s }, actor, s.recordedAt),
  );
}

export interface LeaveInput {
  from: string;
  to: string;
  kind: string;
  lateEntryReason?: string;
}

export function addLeave(deps: Deps, user: CurrentUser, staffId: string, input: LeaveInput) {
  managedPerson(deps, user, staffId);
  if (input.to < input.from) throw new RuleViolation("Leave ends before it starts.", [{ path: "to", message: "before from" }]);
  const actor = actorFor(user);
  // Leave is booked ahead, so a future start is fine; a late record still needs a reason.
  const s = stamp(deps, actor, { day: input.from, field: "from", allowFuture: true }, input.lateEntryReason);
  return writeTx(deps.db, (tx) => {
    const overlapping = tx
      .select({ id: leaveRecords.id, from: leaveRecords.from, to: leaveRecords.to })
      .from(leaveRecords)
      .where(and(eq(leaveRecords.staffId, staffId), isNull(leaveRecords.voidedAt)))
      .all()
      .find((l) => l.from <= input.to && l.to >= input.from);
    if (overlapping) {
      throw new RuleViolation(`This overlaps leave already recorded (${overlapping.from} to ${overlapping.to}).`, [{ path: "from", message: "overlaps other leave" }]);
    }
    return insertRecord(tx, "leave", { staffId, from: input.from, to: input.to, kind: input.kind, ...s }, actor, s.recordedAt);
  });
}

/** Approvals, training and leave of one person (void ones included, marked). */
export function listStaffRecords(deps: Deps, user: CurrentUser, staffId: string) {
  visiblePerson(deps, user, staffId);
  const db = deps.db;
  return {
    approvals: db.select().from(amhpApprovals).where(eq(amhpApprovals.staffId, staffId)).orderBy(asc(amhpApprovals.validFrom)).all(),
    training: db.select().from(trainingRecords).where(eq(trainingRecords.staffId, staffId)).orderBy(asc(trainingRecords.date)).all(),
    leave: db.select().from(leaveRecords).where(eq(leaveRecords.staffId, staffId)).orderBy(asc(leaveRecords.from)).all(),
  };
}
