// The check-in hot path's reads and writes as statements prepared once per connection
// (bench/checkin.ts: drizzle rebuilding and SQLite recompiling them per request was
// most of a check-in's CPU). Same rows and encodings as drizzle's (instants in ms).
import type { Db, Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
import type { visits, CheckInKind } from "./schema.js";

export type VisitRow = typeof visits.$inferSelect;

interface StoredVisit {
  id: string;
  staffId: string;
  purpose: VisitRow["purpose"];
  address: string;
  lat: number | null;
  lng: number | null;
  riskNotes: string | null;
  patientRef: string | null;
  checkInEveryMinutes: number | null;
  expectedEnd: number;
  status: VisitRow["status"];
  startedAt: number;
  endedAt: number | null;
  nextCheckInDue: number;
  overdueAlertId: string | null;
}

export function visitById(tx: Tx | Db, id: string): VisitRow | undefined {
  const r = prepared(
    tx,
    `SELECT id, staff_id AS staffId, purpose, address, lat, lng, risk_notes AS riskNotes, patient_ref AS patientRef,
            check_in_every_minutes AS checkInEveryMinutes, expected_end AS expectedEnd, status, started_at AS startedAt,
            ended_at AS endedAt, next_check_in_due AS nextCheckInDue, overdue_alert_id AS overdueAlertId
       FROM visits WHERE id = ?`,
  ).get(id) as StoredVisit | undefined;
  if (!r) return undefined;
  return {
    ...r,
    expectedEnd: new Date(r.expectedEnd),
    startedAt: new Date(r.startedAt),
    endedAt: r.endedAt === null ? null : new Date(r.endedAt),
    nextCheckInDue: new Date(r.nextCheckInDue),
  };
}

export function checkInOwner(tx: Tx, id: string): { visitId: string; staffId: string } | undefined {
  return prepared(tx, "SELECT visit_id AS visitId, staff_id AS staffId FROM check_ins WHERE id = ?").get(id) as { visitId: string; staffId: string } | undefined;
}

export interface NewCheckIn {
  id: string;
  visitId: string;
  staffId: string;
  kind: CheckInKind;
  at: Date;
  lat: number | null;
  lng: number | null;
  note: string | null;
}

/** Insert unless a check-in with this id exists; true when it was inserted. */
export function insertCheckIn(tx: Tx, c: NewCheckIn): boolean {
  const res = prepared(tx, "INSERT INTO check_ins (id, visit_id, staff_id, kind, at, lat, lng, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING").run(
    c.id,
    c.visitId,
    c.staffId,
    c.kind,
    c.at.getTime(),
    c.lat,
    c.lng,
    c.note,
  );
  return res.changes === 1;
}

/** A sign of life: the next due time moves on and the missed-check-in state clears. */
export function setNextDue(tx: Tx, visitId: string, next: Date): void {
  prepared(tx, "UPDATE visits SET next_check_in_due = ?, overdue_alert_id = NULL WHERE id = ?").run(next.getTime(), visitId);
}
