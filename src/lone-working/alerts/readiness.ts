// Readiness: hours in which step 1 would find no duty manager, and managers who
// could not be reached by push, flagged before their next shift.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/connection.js";
import { staff } from "../../staff/schema.js";
import { uncoveredIntervals, nextShiftOf } from "../../rota/on-duty.js";
import { hasWorkingSubscription } from "../delivery/channels/push/subscriptions.js";
import { currentPolicy } from "../escalation/policy.js";
import { LINE_MANAGERS, hasAny } from "../../staff/roles.js";

/** Why the ladder's last resort is not the senior list as set, or null when it is fine. */
export function seniorListProblem(db: Db): string | null {
  const policy = currentPolicy(db);
  if (policy.seniorStaffIds.length === 0) return "The senior escalation list is not set: senior steps go to every active senior manager (or managers, then admins).";
  const active = db.select({ id: staff.id }).from(staff).where(eq(staff.active, true)).all().filter((r) => policy.seniorStaffIds.includes(r.id));
  if (active.length === 0) return "No one on the senior escalation list is active: senior steps fall back to senior managers, managers, then admins.";
  return null;
}

export function readiness(db: Db, from: Date, to: Date) {
  const uncovered = uncoveredIntervals(db, "manager_cover", from, to).map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() }));
  const senior = new Set(currentPolicy(db).seniorStaffIds);
  const people = db.select({ id: staff.id, name: staff.name, roles: staff.roles }).from(staff).where(eq(staff.active, true)).all();
  const managersWithoutPush = people
    .filter((p) => hasAny(p, LINE_MANAGERS) || senior.has(p.id))
    .filter((p) => !hasWorkingSubscription(db, p.id))
    .map((p) => ({ id: p.id, name: p.name, nextShift: nextShiftOf(db, p.id, from)?.start.toISOString() ?? null, senior: senior.has(p.id) }));
  return { from: from.toISOString(), to: to.toISOString(), uncoveredManagerHours: uncovered, managersWithoutPush, seniorListProblem: seniorListProblem(db) };
}
