// Loads what the eligibility and Working Time rules need about people, in a few
// queries per batch of staff (never per shift).
import { and, gt, inArray, isNull, lt, ne } from "drizzle-orm";
import type { Db, Tx } from "../db/connection.js";
import { staff } from "../staff/schema.js";
import { amhpApprovals, leaveRecords, sicknessEpisodes, trainingRecords } from "../hr/schema.js";
import { rotaAssignments } from "./schema.js";
import type { PersonFacts } from "./rules/eligibility.js";

const WEEK = 7 * 86_400_000;

/** PersonFacts while it is being filled in. */
type Mutable = { [K in keyof PersonFacts]: PersonFacts[K] extends readonly (infer U)[] ? U[] : PersonFacts[K] };
/** How far around a shift other shifts matter: the 17-week reference period, and a little. */
export const FACTS_MARGIN_MS = 18 * WEEK;

/**
 * Facts for each person, with their live assignments overlapping
 * [from - 18 weeks, to + 18 weeks). `excludeAssignmentId` leaves one out (the one
 * being replaced by a swap).
 */
export function loadFacts(db: Db | Tx, staffIds: readonly string[], from: Date, to: Date, excludeAssignmentId?: string): Map<string, PersonFacts> {
  const ids = [...new Set(staffIds)];
  const out = new Map<string, PersonFacts>();
  if (ids.length === 0) return out;
  for (const s of db.select().from(staff).where(inArray(staff.id, ids)).all()) {
    out.set(s.id, { id: s.id, name: s.name, roles: s.roles, active: s.active, approvals: [], leave: [], sickness: [], training: [], shifts: [] });
  }
  const facts = (id: string) => out.get(id) as Mutable | undefined;
  for (const a of db.select().from(amhpApprovals).where(and(inArray(amhpApprovals.staffId, ids), isNull(amhpApprovals.voidedAt))).all()) {
    facts(a.staffId)?.approvals.push({ validFrom: a.validFrom, validUntil: a.validUntil });
  }
  for (const t of db.select().from(trainingRecords).where(and(inArray(trainingRecords.staffId, ids), isNull(trainingRecords.voidedAt))).all()) {
    facts(t.staffId)?.training.push({ date: t.date, hours: t.hours });
  }
  for (const l of db.select().from(leaveRecords).where(and(inArray(leaveRecords.staffId, ids), isNull(leaveRecords.voidedAt))).all()) {
    facts(l.staffId)?.leave.push({ from: l.from, to: l.to, kind: l.kind });
  }
  for (const s of db.select().from(sicknessEpisodes).where(and(inArray(sicknessEpisodes.staffId, ids), isNull(sicknessEpisodes.voidedAt))).all()) {
    facts(s.staffId)?.sickness.push({ firstDay: s.firstDay, lastDay: s.lastDay });
  }
  const lo = new Date(from.getTime() - FACTS_MARGIN_MS);
  const hi = new Date(to.getTime() + FACTS_MARGIN_MS);
  const conds = [inArray(rotaAssignments.staffId, ids), lt(rotaAssignments.start, hi), gt(rotaAssignments.end, lo), isNull(rotaAssignments.cancelledAt)];
  if (excludeAssignmentId) conds.push(ne(rotaAssignments.id, excludeAssignmentId));
  for (const a of db.select().from(rotaAssignments).where(and(...conds)).orderBy(rotaAssignments.start).all()) {
    facts(a.staffId)?.shifts.push({ id: a.id, rotaId: a.rotaId, start: a.start, end: a.end });
  }
  return out;
}

export function loadPerson(db: Db | Tx, staffId: string, from: Date, to: Date, excludeAssignmentId?: string): PersonFacts | undefined {
  return loadFacts(db, [staffId], from, to, excludeAssignmentId).get(staffId);
}
