// Who a step tells, resolved at the moment it fires (the rota changes hour by hour).
import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "../db/connection.js";
import { staff } from "../staff/schema.js";
import { onDutyAt as rotaOnDutyAt } from "../rota/on-duty.js";
import type { NotifyTarget, Policy } from "./policy.js";

export type OnDutyFn = (db: Db, at: Date) => { managers: { id: string; name: string }[] };

export interface Resolved {
  staffIds: string[];
  /** A manager step found no manager on duty: the senior list was told instead. */
  nobodyOnDuty: boolean;
}

function activeOnly(db: Db | Tx, ids: string[]): string[] {
  if (ids.length === 0) return [];
  const live = new Set(
    db.select({ id: staff.id }).from(staff).where(and(inArray(staff.id, ids), eq(staff.active, true))).all().map((r) => r.id),
  );
  return ids.filter((id) => live.has(id));
}

function allSeniorManagers(db: Db | Tx): string[] {
  return db
    .select({ id: staff.id, roles: staff.roles })
    .from(staff)
    .where(eq(staff.active, true))
    .all()
    .filter((r) => r.roles.includes("senior_manager"))
    .map((r) => r.id);
}

/**
 * The worker; the duty manager(s) on the manager rota; every manager on duty and the
 * senior list; or the senior list. A manager step that finds nobody goes to the senior
 * list at once. The worker never receives a manager's notification about themselves.
 */
export function resolveTargets(
  db: Db,
  policy: Policy,
  notify: NotifyTarget,
  worker: string | null,
  at: Date,
  onDutyAt: OnDutyFn = rotaOnDutyAt,
): Resolved {
  const uniq = (ids: string[]) => [...new Set(ids)];
  // Until an admin sets the senior list (it may never be empty), every senior manager is on it.
  const seniorIds = policy.seniorStaffIds.length > 0 ? policy.seniorStaffIds : allSeniorManagers(db);
  const senior = activeOnly(db, seniorIds).filter((id) => id !== worker);
  if (notify === "worker") return { staffIds: worker ? [worker] : [], nobodyOnDuty: false };
  if (notify === "senior") return { staffIds: uniq(senior), nobodyOnDuty: false };
  const managers = activeOnly(db, onDutyAt(db, at).managers.map((m) => m.id)).filter((id) => id !== worker);
  if (managers.length === 0) return { staffIds: uniq(senior), nobodyOnDuty: true };
  return { staffIds: notify === "all_managers" ? uniq([...managers, ...senior]) : uniq(managers), nobodyOnDuty: false };
}
