// Who may write to a visit, as pure rules the visits store applies inside its transaction.
import { Conflict, NotFound } from "../../errors.js";
import type { visits } from "./schema.js";

type VisitRow = typeof visits.$inferSelect;

/** The caller's own visit, for writes (a manager cannot check in for someone else). */
export function ownVisit(v: VisitRow | undefined, staffId: string): VisitRow {
  if (!v || v.staffId !== staffId) throw new NotFound("visit");
  return v;
}

/** The caller's own visit, still going on: `what` says what a finished one cannot take. */
export function activeOwnVisit(v: VisitRow | undefined, staffId: string, what: string): VisitRow {
  const own = ownVisit(v, staffId);
  if (own.status !== "active") throw new Conflict(`The visit is finished; cannot ${what}.`);
  return own;
}
