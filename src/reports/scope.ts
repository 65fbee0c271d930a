// Who a report covers: HR, admin and senior managers see everyone; a manager their team.
import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import type { CurrentUser } from "../deps.js";
import type { Db } from "../db/connection.js";
import { staff, teams } from "../staff/schema.js";
import { reportScope } from "../hr/access.js";

export interface ReportPerson {
  id: string;
  name: string;
  team: string | null;
  teamId: string | null;
  category: string;
  startDate: string | null;
  fte: number;
  roles: string[];
}

/**
 * The active people the caller may report on, by name. One query. As of a day, only
 * those who had started by then (no start date: counted from the beginning).
 */
export function peopleInScope(db: Db, user: CurrentUser, asOf?: string): ReportPerson[] {
  const scope = reportScope(user);
  const conds = [eq(staff.active, true)];
  if (asOf !== undefined) conds.push(or(isNull(staff.startDate), lte(staff.startDate, asOf))!);
  if (!scope.all) conds.push(scope.teamId ? eq(staff.teamId, scope.teamId) : eq(staff.id, "\u0000none"));
  return db
    .select({ id: staff.id, name: staff.name, team: teams.name, teamId: staff.teamId, category: staff.category, startDate: staff.startDate, fte: staff.fte, roles: staff.roles })
    .from(staff)
    .leftJoin(teams, eq(teams.id, staff.teamId))
    .where(and(...conds))
    .orderBy(asc(staff.name))
    .all();
}

/** Group rows by a key, once, in memory. */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
