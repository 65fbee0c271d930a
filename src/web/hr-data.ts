import type { Context } from "hono";
import type { AppEnv, CurrentUser } from "../deps.js";
import { NotFound } from "../errors.js";
import { reportScope } from "../hr/access.js";
import { listSickness } from "../hr/sickness.js";
import { StaffList } from "../staff/routes.js";
import { addDays, eachDay } from "../calendar/days.js";
import { isWorkingDay } from "../calendar/bank-holidays.js";
import { load } from "./api.js";
import type { Bar } from "./charts.js";

/**
 * Working days lost to sickness in each of the 12 months up to `asOf`, for the people
 * the caller may report on. Counts only (no causes), so a line manager sees no more
 * than the sickness report already shows them. Null when the API will not list the
 * staff to this caller.
 *
 * No route gives these figures for many people at once: the staff list comes through the
 * API, and each person's episodes from the service behind GET /api/staff/{id}/sickness
 * (`listSickness`, with the caller's own rights: a person it will not show them is a
 * NotFound and adds nothing). Through the route itself that is one in-process request
 * per person: about 30 times slower at 300 staff.
 */
export async function sicknessDaysByMonth(c: Context<AppEnv>, user: CurrentUser, asOf: string): Promise<Bar[] | null> {
  const firstMonth = monthStart(addDays(`${asOf.slice(0, 7)}-15`, -330));
  const people = await load(c, "/api/staff", StaffList);
  if (!people.ok) return null;
  const scope = reportScope(user);
  const inScope = people.data.staff.filter((p) => scope.all || p.teamId === scope.teamId);
  const deps = c.get("deps");
  const episodes = [];
  for (const p of inScope) {
    try {
      episodes.push(...(await listSickness(deps, user, p.id)));
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
    }
  }
  const months = new Map<string, number>();
  // Twelve months; the count (not the string compare alone) ends the loop.
  for (let m = firstMonth, i = 0; i < 13 && m <= asOf; m = monthStart(addDays(m, 32)), i++) months.set(m.slice(0, 7), 0);
  for (const e of episodes) {
    if (e.voidedAt !== null || e.firstDay > asOf || (e.lastDay !== null && e.lastDay < firstMonth)) continue;
    const from = e.firstDay < firstMonth ? firstMonth : e.firstDay;
    const to = !e.lastDay || e.lastDay > asOf ? asOf : e.lastDay;
    for (const d of eachDay(from, to)) {
      const k = d.slice(0, 7);
      if (isWorkingDay(d) && months.has(k)) months.set(k, months.get(k)! + 1);
    }
  }
  const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short", year: "numeric" });
  return [...months].map(([k, value]) => ({ label: fmt.format(new Date(`${k}-15T12:00:00Z`)), value }));
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
