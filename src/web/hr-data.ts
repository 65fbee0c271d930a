import { and, isNull, lte, gte, or } from "drizzle-orm";
import type { CurrentUser, Deps } from "../deps.js";
import { sicknessEpisodes } from "../hr/schema.js";
import { staff } from "../staff/schema.js";
import { reportScope } from "../hr/access.js";
import { addDays, eachDay } from "../calendar/days.js";
import { isWorkingDay } from "../calendar/bank-holidays.js";
import type { Bar } from "./charts.js";
import { eq } from "drizzle-orm";

/**
 * Working days lost to sickness in each of the 12 months up to `asOf`, for the people
 * the caller may report on. Counts only (no causes), so a line manager sees no more
 * than the sickness report already shows them.
 */
export function sicknessDaysByMonth(deps: Deps, user: CurrentUser, asOf: string): Bar[] {
  const firstMonth = monthStart(addDays(`${asOf.slice(0, 7)}-15`, -330));
  const rows = deps.db
    .select({ firstDay: sicknessEpisodes.firstDay, lastDay: sicknessEpisodes.lastDay, teamId: staff.teamId })
    .from(sicknessEpisodes)
    .innerJoin(staff, eq(staff.id, sicknessEpisodes.staffId))
    .where(and(isNull(sicknessEpisodes.voidedAt), lte(sicknessEpisodes.firstDay, asOf), or(isNull(sicknessEpisodes.lastDay), gte(sicknessEpisodes.lastDay, firstMonth))))
    .all();
  const scope = reportScope(user);
  const months = new Map<string, number>();
  // Twelve months; the count (not the string compare alone) ends the loop.
  for (let m = firstMonth, i = 0; i < 13 && m <= asOf; m = monthStart(addDays(m, 32)), i++) months.set(m.slice(0, 7), 0);
  for (const r of rows) {
    if (!scope.all && r.teamId !== scope.teamId) continue;
    const from = r.firstDay < firstMonth ? firstMonth : r.firstDay;
    const to = !r.lastDay || r.lastDay > asOf ? asOf : r.lastDay;
    for (const d of eachDay(from, to)) {
      const k = d.slice(0, 7);
      if (isWorkingDay(d) && months.has(k)) months.set(k, months.get(k)! + 1);
    }
  }
  const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short", year: "numeric" });
  return [...months].map(([k, value]) => ({ label: fmt.format(new Date(`${k}-15T12:00:00Z`)), value }));
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
