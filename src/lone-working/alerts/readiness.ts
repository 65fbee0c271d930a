// Readiness: hours in which step 1 would find no duty manager, and managers who
// could not be reached by push, flagged before their next shift.
import type { Db } from "../../db/connection.js";
import { uncoveredIntervals, nextShiftOf } from "../../rota/store/tx.js";
import { deliveryStore } from "../delivery/index.js";
import type { Policy } from "../escalation/policy.js";
import { currentPolicy } from "../escalation/policy-store.js";
import { LINE_MANAGERS, hasAny } from "../../staff/roles.js";
import { alertsStore } from "./store.js";

/** Why the ladder's last resort is not the senior list as set, or null when it is fine (pure). */
export function seniorListProblemOf(policy: Policy, activeIds: Set<string>): string | null {
  if (policy.seniorStaffIds.length === 0) return "The senior escalation list is not set: senior steps go to every active senior manager (or managers, then admins).";
  if (!policy.seniorStaffIds.some((id) => activeIds.has(id))) return "No one on the senior escalation list is active: senior steps fall back to senior managers, managers, then admins.";
  return null;
}

/** Why the ladder's last resort is not the senior list as set, or null when it is fine. */
export async function seniorListProblem(db: Db): Promise<string | null> {
  const people = await alertsStore(db).activeStaff();
  return seniorListProblemOf(currentPolicy(db), new Set(people.map((p) => p.id)));
}

export async function readiness(db: Db, from: Date, to: Date) {
  const uncovered = uncoveredIntervals(db, "manager_cover", from, to).map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() }));
  const policy = currentPolicy(db);
  const senior = new Set(policy.seniorStaffIds);
  const people = await alertsStore(db).activeStaff();
  const managers = people.filter((p) => hasAny(p, LINE_MANAGERS) || senior.has(p.id));
  // Who a channel reaches is the channels' business (a working push subscription today).
  const reached = await deliveryStore(db).reachable(managers.map((p) => p.id));
  const managersWithoutPush = managers
    .filter((p) => !reached.has(p.id))
    .map((p) => ({ id: p.id, name: p.name, nextShift: nextShiftOf(db, p.id, from)?.start.toISOString() ?? null, senior: senior.has(p.id) }));
  return { from: from.toISOString(), to: to.toISOString(), uncoveredManagerHours: uncovered, managersWithoutPush, seniorListProblem: seniorListProblemOf(policy, new Set(people.map((p) => p.id))) };
}
