// Who a step tells, resolved at the moment it fires (the rota changes hour by hour).
import type { Db } from "../../db/connection.js";
import type { Role } from "../../staff/schema.js";
import { onDutyAt as rotaOnDutyAt } from "../../rota/store/tx.js";
import { activeAmong as activeOnly, activeWithRole } from "./store.js";
import type { NotifyTarget, Policy } from "./policy.js";

export type OnDutyFn = (db: Db, at: Date) => { managers: { id: string; name: string }[] };

export interface Resolved {
  staffIds: string[];
  /** A manager step found no manager on duty: the senior list was told instead. */
  nobodyOnDuty: boolean;
}

export type Resolver = (policy: Policy, notify: NotifyTarget, worker: string | null) => Resolved;

/**
 * Who a step tells: the worker; the duty manager(s) on the manager rota; every manager on
 * duty and the senior list; or the senior list. A manager step that finds nobody goes to
 * the senior list at once. The worker never receives a manager's notification about
 * themselves. Any non-worker step that reaches nobody at all is reported as nobodyOnDuty.
 *
 * Resolved for many alerts at one instant: the rota and the active staff are read once
 * (not once per alert), then each alert only filters out its own worker. Use it inside
 * one transaction, so what it read is what that transaction sees.
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
    // The senior list's active members; a step must reach someone, so when none is active
    // (deactivated, or never set) fall back to every active senior manager, manager, then admin.
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
