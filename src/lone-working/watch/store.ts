// The watch on a visit: the ONLY writer of a visit's watch columns (next_check_in_due,
// overdue_alert_id), and the reads the missed-check-in sweep and the timer make of them.
// Every function here is tx-level (or a plain read), for the visits and escalation stores
// to call inside their own transaction: the watch has no use case of its own.
// The sweep's statements are drizzle's, prepared once per connection; the check-in's
// re-arm stays hand-prepared SQL, as the rest of the check-in path (bench/checkin.ts).
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
import { perConnection } from "../../db/store-kit.js";
import { visits } from "../visits/schema.js";

type VisitRow = typeof visits.$inferSelect;

function build(h: Db | Tx) {
  const db = h as Db;
  const p = (name: string) => sql.placeholder(name);
  return {
    markOverdue: db.update(visits).set({ overdueAlertId: sql`${p("alertId")}` }).where(eq(visits.id, p("id"))).prepare(),
    state: db
      .select({ id: visits.id, staffId: visits.staffId, status: visits.status, overdueAlertId: visits.overdueAlertId, due: sql<number>`${visits.nextCheckInDue}` })
      .from(visits)
      .where(eq(visits.id, p("id")))
      .prepare(),
  };
}
const stmts = perConnection(build);
/** A new visit's columns other than the watch's own. */
export type UnwatchedVisit = Omit<typeof visits.$inferInsert, "nextCheckInDue" | "overdueAlertId">;

/**
 * Insert a visit watched from its first due time. The row is inserted here because its
 * due time is NOT NULL: the visits store decides every other column.
 */
export function armNew(tx: Tx, visit: UnwatchedVisit, due: Date): VisitRow {
  return tx.insert(visits).values({ ...visit, nextCheckInDue: due, overdueAlertId: null }).returning().get();
}

/** A sign of life: the next due time moves on and the missed-check-in state clears. */
export function rearm(tx: Tx, visitId: string, next: Date): void {
  prepared(tx, "UPDATE visits SET next_check_in_due = ?, overdue_alert_id = NULL WHERE id = ?").run(next.getTime(), visitId);
}

/** The visit is over (checked out): nothing is overdue on it any more. */
export function clear(tx: Tx, visitId: string): void {
  tx.update(visits).set({ overdueAlertId: null }).where(eq(visits.id, visitId)).run();
}

/** The sweep raised (or found) the missed-check-in alert for the current due time. */
export function markOverdue(tx: Tx, visitId: string, alertId: string | null): void {
  stmts(tx).markOverdue.run({ alertId, id: visitId });
}

/**
 * Watch again from `next`, only while the visit still points at this alert (a resolved
 * missed check-in on a visit that goes on). True when it did.
 */
export function rewatch(tx: Tx, visitId: string, alertId: string, next: Date): boolean {
  return tx.update(visits).set({ overdueAlertId: null, nextCheckInDue: next }).where(and(eq(visits.id, visitId), eq(visits.overdueAlertId, alertId))).run().changes > 0;
}

/** Active visits whose check-in is overdue and not yet alerted, oldest first. */
export function overdueVisits(db: Db, now: Date, limit: number): string[] {
  return db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.status, "active"), lte(visits.nextCheckInDue, now), isNull(visits.overdueAlertId)))
    .orderBy(asc(visits.nextCheckInDue))
    .limit(limit)
    .all()
    .map((r) => r.id);
}

export interface WatchState {
  id: string;
  staffId: string;
  status: string;
  overdueAlertId: string | null;
  /** The due time, in ms. */
  due: number;
}

/** A visit's watch state read again inside the sweep's transaction. */
export function watchState(tx: Tx, visitId: string): WatchState | undefined {
  return stmts(tx).state.get({ id: visitId });
}

/** The earliest due time of a watched visit (the scheduler's timer), or undefined. */
export function nextWatchedDue(db: Db): Date | undefined {
  return db
    .select({ at: visits.nextCheckInDue })
    .from(visits)
    .where(and(eq(visits.status, "active"), isNull(visits.overdueAlertId)))
    .orderBy(asc(visits.nextCheckInDue))
    .limit(1)
    .get()?.at;
}
