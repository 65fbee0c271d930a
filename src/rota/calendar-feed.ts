// A person's shifts as an iCalendar feed at a secret URL. Only the token's digest
// is kept; issuing a new token replaces (and so revokes) the old one.
import { eq } from "drizzle-orm";
import ical from "ical-generator";
import type { Deps } from "../deps.js";
import { writeTx } from "../db/connection.js";
import { type Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import { digest, newSecret } from "../auth/tokens.js";
import { NotFound } from "../errors.js";
import { staff } from "../staff/schema.js";
import { calendarTokens } from "./schema.js";
import { shiftsOfPerson } from "./service.js";

const DAY_MS = 86_400_000;

export function issueCalendarToken(deps: Deps, actor: Actor & { type: "staff" }): { url: string } {
  const now = deps.clock.now();
  const token = newSecret();
  writeTx(deps.db, (tx) => {
    const existing = tx.select().from(calendarTokens).where(eq(calendarTokens.staffId, actor.id)).get();
    if (existing) tx.update(calendarTokens).set({ tokenHash: digest(token), createdAt: now }).where(eq(calendarTokens.id, existing.id)).run();
    else tx.insert(calendarTokens).values({ staffId: actor.id, tokenHash: digest(token), createdAt: now }).run();
    appendAudit(tx, actor, { action: existing ? "reissue" : "create", entity: "calendar_token", entityId: actor.id, data: {} }, now);
  });
  return { url: `${deps.config.PUBLIC_URL.replace(/\/$/, "")}/api/calendar/${token}.ics` };
}

/** The feed for a token: shifts from 60 days ago to a year ahead, times in UTC. */
export function calendarFeed(deps: Deps, token: string): string {
  const row = deps.db
    .select({ staffId: calendarTokens.staffId, name: staff.name, active: staff.active })
    .from(calendarTokens)
    .innerJoin(staff, eq(staff.id, calendarTokens.staffId))
    .where(eq(calendarTokens.tokenHash, digest(token)))
    .get();
  if (!row || !row.active) throw new NotFound("calendar");
  const now = deps.clock.now();
  const cal = ical({ name: `Dutyline shifts: ${row.name}`, prodId: { company: "Dutyline", product: "rota", language: "EN" }, ttl: 3600 });
  for (const s of shiftsOfPerson(deps.db, row.staffId, new Date(now.getTime() - 60 * DAY_MS), new Date(now.getTime() + 366 * DAY_MS))) {
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
