// Readiness: hours in which step 1 would find no duty manager, and managers who
// could not be reached by push, flagged before their next shift.
import { eq } from "drizzle-orm";
import type { Db } from "../db/connection.js";
import { staff } from "../staff/schema.js";
import { uncoveredIntervals, nextShiftOf } from "../rota/on-duty.js";
import { hasWorkingSubscription } from "../push/subscriptions.js";
import { currentPolicy } from "./policy.js";

export function readiness(db: Db, from: Date, to: Date) {
  const uncovered = uncoveredIntervals(db, "manager_cover", from, to).map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() }));
  const senior = new Set(currentPolicy(db).seniorStaffIds);
  const people = db.select({ id: staff.id, name: staff.name, roles: staff.roles }).from(staff).where(eq(staff.active, true)).all();
  const managersWithoutPush = people
    .filter((p) => p.roles.includes("manager") || p.roles.includes("senior_manager") || senior.has(p.id))
    .filter((p) => !hasWorkingSubscription(db, p.id))
    .map((p) => ({ id: p.id, name: p.name, nextShift: nextShiftOf(db, p.id, from)?.start.toISOString() ?? null, senior: senior.has(p.id) }));
  return { from: from.toISOString(), to: to.toISOString(), uncoveredManagerHours: uncovered, managersWithoutPush };
}
