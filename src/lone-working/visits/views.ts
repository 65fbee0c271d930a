// What the API answers about a visit.
import type { visits } from "./schema.js";

type VisitRow = typeof visits.$inferSelect;

export function visitView(v: VisitRow, staffName?: string) {
  return {
    id: v.id,
    staffId: v.staffId,
    staffName,
    purpose: v.purpose,
    location: { address: v.address, lat: v.lat ?? undefined, lng: v.lng ?? undefined },
    expectedEnd: v.expectedEnd.toISOString(),
    checkInEveryMinutes: v.checkInEveryMinutes ?? undefined,
    riskNotes: v.riskNotes ?? undefined,
    patientRef: v.patientRef ?? undefined,
    status: v.status,
    startedAt: v.startedAt.toISOString(),
    endedAt: v.endedAt?.toISOString(),
    nextCheckInDue: v.nextCheckInDue.toISOString(),
    overdue: v.overdueAlertId !== null,
  };
}
