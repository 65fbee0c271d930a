// A person's shifts as an iCalendar feed at a secret URL. Only the token's digest
// is kept; issuing a new token replaces (and so revokes) the old one.
import ical from "ical-generator";
import type { Deps } from "../deps.js";
import { type Actor } from "../audit/chain.js";
import { digest, newSecret } from "../auth/tokens.js";
import { NotFound } from "../errors.js";
import { calendarStore } from "./store/calendar.js";

const DAY_MS = 86_400_000;

export async function issueCalendarToken(deps: Deps, actor: Actor & { type: "staff" }): Promise<{ url: string }> {
  const now = deps.clock.now();
  const token = newSecret();
  await calendarStore(deps.db).issue(digest(token), actor, now);
  return { url: `${deps.config.PUBLIC_URL.replace(/\/$/, "")}/api/calendar/${token}.ics` };
}

/** The feed for a token: shifts from 60 days ago to a year ahead, times in UTC. */
export async function calendarFeed(deps: Deps, token: string): Promise<string> {
  const now = deps.clock.now();
  const row = await calendarStore(deps.db).feed(digest(token), new Date(now.getTime() - 60 * DAY_MS), new Date(now.getTime() + 366 * DAY_MS));
  if (!row || !row.active) throw new NotFound("calendar");
  const cal = ical({ name: `Dutyline shifts: ${row.name}`, prodId: { company: "Dutyline", product: "rota", language: "EN" }, ttl: 3600 });
  for (const s of row.shifts) {
    cal.createEvent({
      id: `assignment-${s.assignmentId}@dutyline`,
      start: s.start,
      end: s.end,
      stamp: now,
      summary: s.kind === "amhp_duty" ? `AMHP duty: ${s.rotaName}` : `Manager cover: ${s.rotaName}`,
      description: `Rota: ${s.rotaName}`,
    });
  }
  return cal.toString();
}
