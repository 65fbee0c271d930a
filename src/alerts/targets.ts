// Who a step tells, resolved at the moment it fires (the rota changes hour by hour).
import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "../db/connection.js";
import { staff, type Role } from "../staff/schema.js";
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

function activeWithRole(db: Db | Tx, role: Role): string[] {
  return db
    .select({ id: staff.id, roles: staff.roles })
    .from(staff)
    .where(eq(staff.active, true))
    .all()
    .filter((r) => r.roles.includes(role))
    .map((r) => r.id);
}

/**
 * The senior list's active members. A step must reach someone, so when none is
 * active (deactivated, or the list never set) it falls back in turn to every active
 * senior manager, every active manager, then the admins. Never the worker.
 */
export function seniorTargets(db: Db | Tx, policy: Policy, worker: string | null): { staffIds: string[]; fellBack: boolean } {
  const notWorker = (ids: string[]) => ids.filter((id) => id !== worker);
  const listed = notWorker(activeOnly(db, policy.seniorStaffIds));
  if (listed.length > 0) return { staffIds: listed, fellBack: false };
  for (const role of ["senior_manager", "manager", "admin"] as const) {
    const ids = notWorker(activeWithRole(db, role));
    if (ids.length > 0) return { staffIds: ids, fellBack: policy.seniorStaffIds.length > 0 };
  }
  return { staffIds: [], fellBack: true };
}

/**
 * The worker; the duty manager(s) on the manager rota; every manager on duty and the
 * senior list; or the senior list. A manager step that finds nobody goes to the senior
 * list at once. The worker never receives a manager's notification about themselves.
 * Any non-worker step that reaches nobody at all is reported as nobodyOnDuty.
 */
export function resolveTargets(
  db: Db,
  policy: Policy,
  notify: NotifyTarget,
  worker: string | null,
  at: Date,
  onDutyAt: OnDutyFn = rotaOnDutyAt,
): Resolved {
  return targetResolver(db, at, onDutyAt)(policy, notify, worker);
}

export type Resolver = (policy: Policy, notify: NotifyTarget, worker: string | null) => Resolved;

/**
 * resolveTargets for many alerts at one instant: the rota and the active staff are read
 * once (not once per alert), then each alert only filters out its own worker. Use it
 * inside one transaction, so what it read is what that transaction sees.
 */
export function targetResolver(db: Db, at: Date, onDutyAt: OnDutyFn = rotaOnDutyAt): Resolver {
  let onDuty: string[] | undefined;
  const listed = new Map<string, string[]>();
  const withRole = new Map<Role, string[]>();
  const seniorOf = (policy: Policy, worker: string | null): string[] => {
    const notWorker = (ids: string[]) => ids.filter((id) => id !== worker);
    const key = policy.seniorStaffIds.join(",");
    let live = listed.get(key);
    if (!live) listed.set(key, (live = activeOnly(db, policy.seniorStaffIds)));
    const mine = notWorker(live);
    if (mine.length > 0) return mine;
    // Fallbacks, as seniorTargets: every active senior manager, manager, then admin.
    for (const role of ["senior_manager", "manager", "admin"] as const) {
      let ids = withRole.get(role);
      if (!ids) withRole.set(role, (ids = activeWithRole(db, role)));
      const theirs = notWorker(ids);
      if (theirs.length > 0) return theirs;
    }
    return [];
  };
  const uniq = (ids: string[]) => [...new Set(ids)];
  return (policy, notify, worker) => {
    if (notify === "worker") return { staffIds: worker ? [worker] : [], nobodyOnDuty: false };
    const senior = seniorOf(policy, worker);
    if (notify === "senior") return { staffIds: uniq(senior), nobodyOnDuty: senior.length === 0 };
    onDuty ??= activeOnly(db, onDutyAt(db, at).managers.map((m) => m.id));
    const managers = onDuty.filter((id) => id !== worker);
    if (managers.length === 0) return { staffIds: uniq(senior), nobodyOnDuty: true };
    return { staffIds: notify === "all_managers" ? uniq([...managers, ...senior]) : uniq(managers), nobodyOnDuty: false };
  };
}
