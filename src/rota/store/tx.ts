// The rota's tables read (and assignments written) inside a transaction someone else
// opened: plain synchronous functions taking `db` or `tx`. Other modules' stores call
// the readers (onDutyAt, uncoveredIntervals, nextShiftOf, assignmentsOfKind) inside
// THEIR transaction; the rota's own stores (rotas.ts, swaps.ts, calendar.ts) build
// their use cases from all of them. Services never call these.
// On-duty answers are read straight from assignments (indexed on start/end), never by
// expanding patterns, so the escalation ladder can ask at every step.
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/connection.js";
import { perConnection } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { NotFound, RuleViolation } from "../../errors.js";
import { staff } from "../../staff/schema.js";
import { amhpApprovals, leaveRecords, sicknessEpisodes, trainingRecords } from "../../hr/schema.js";
import { rotaAssignments, rotaPatterns, rotas, type AssignmentSource, type RotaKind } from "../schema.js";
import { complement, toInterval } from "../intervals.js";
import { SCAN_BACK_MS } from "../limits.js";
import { doubleBooking, ineligibility, type PersonFacts, type Window } from "../rules/eligibility.js";
import { shiftWarnings, type Warning } from "../rules/working-time.js";

export type RotaRow = typeof rotas.$inferSelect;
export type PatternRow = typeof rotaPatterns.$inferSelect;
export type AssignmentRow = typeof rotaAssignments.$inferSelect;

/** Several reads as one consistent snapshot (a deferred transaction: no write lock). */
export function readTx<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: "deferred" });
}

export const actorId = (a: Actor) => (a.type === "staff" ? a.id : `system:${a.job}`);

/** Assignments not cancelled that overlap [from, to). The lower bound on `start` keeps the
 *  scan on the (start, end) index instead of every assignment ever made. */
export function liveAssignmentsOverlapping(from: Date, to: Date) {
  return and(
    lt(rotaAssignments.start, to),
    gte(rotaAssignments.start, new Date(from.getTime() - SCAN_BACK_MS)),
    gt(rotaAssignments.end, from),
    isNull(rotaAssignments.cancelledAt),
  );
}

// ---- for other stores, inside their transaction ----

export interface OnDuty {
  amhp: { id: string; name: string }[];
  managers: { id: string; name: string }[];
}

// Prepared once per connection: the escalation ladder asks at every step.
const onDutyQuery = perConnection((db) =>
  db
    .selectDistinct({ id: staff.id, name: staff.name, kind: rotas.kind })
    .from(rotaAssignments)
    .innerJoin(rotas, eq(rotas.id, rotaAssignments.rotaId))
    .innerJoin(staff, eq(staff.id, rotaAssignments.staffId))
    .where(
      and(
        lte(rotaAssignments.start, sql.placeholder("at")),
        gte(rotaAssignments.start, sql.placeholder("earliest")),
        gt(rotaAssignments.end, sql.placeholder("at")),
        isNull(rotaAssignments.cancelledAt),
        // A deactivated person is never told: the hour shows as uncovered instead.
        eq(staff.active, true),
      ),
    )
    .orderBy(asc(staff.name))
    .prepare(),
);

/** The people holding a live assignment covering `at`: AMHPs on amhp_duty rotas, managers on manager_cover rotas. */
export function onDutyAt(db: Db | Tx, at: Date): OnDuty {
  const rows = onDutyQuery(db).all({ at: at.getTime(), earliest: at.getTime() - SCAN_BACK_MS });
  const pick = (kind: RotaKind) => {
    const seen = new Set<string>();
    return rows
      .filter((r) => r.kind === kind && !seen.has(r.id) && seen.add(r.id))
      .map((r) => ({ id: r.id, name: r.name }));
  };
  return { amhp: pick("amhp_duty"), managers: pick("manager_cover") };
}

/** Live assignments of a kind overlapping [from, to). */
export function assignmentsOfKind(db: Db | Tx, kinds: readonly RotaKind[], from: Date, to: Date) {
  return db
    .select({
      id: rotaAssignments.id,
      rotaId: rotaAssignments.rotaId,
      staffId: rotaAssignments.staffId,
      start: rotaAssignments.start,
      end: rotaAssignments.end,
      kind: rotas.kind,
    })
    .from(rotaAssignments)
    .innerJoin(rotas, eq(rotas.id, rotaAssignments.rotaId))
    .innerJoin(staff, eq(staff.id, rotaAssignments.staffId))
    .where(
      and(
        eq(staff.active, true),
        liveAssignmentsOverlapping(from, to),
        inArray(rotas.kind, [...kinds]),
      ),
    )
    .all();
}

/** Merged intervals inside [from, to) in which nobody holds an assignment of this kind. */
export function uncoveredIntervals(db: Db | Tx, kind: RotaKind, from: Date, to: Date): { start: Date; end: Date }[] {
  const held = assignmentsOfKind(db, [kind], from, to).map((a) => ({ start: a.start.getTime(), end: a.end.getTime() }));
  return complement(held, from.getTime(), to.getTime()).map(toInterval);
}

/** The person's next live assignment starting at or after `after`. */
export function nextShiftOf(db: Db | Tx, staffId: string, after: Date): { rotaId: string; start: Date; end: Date } | undefined {
  return db
    .select({ rotaId: rotaAssignments.rotaId, start: rotaAssignments.start, end: rotaAssignments.end })
    .from(rotaAssignments)
    .where(and(eq(rotaAssignments.staffId, staffId), gt(rotaAssignments.start, new Date(after.getTime() - 1)), isNull(rotaAssignments.cancelledAt)))
    .orderBy(asc(rotaAssignments.start))
    .limit(1)
    .get();
}

// ---- the rota's own stores build on these ----

const rotaById = perConnection((db) => db.select().from(rotas).where(eq(rotas.id, sql.placeholder("id"))).prepare());
const patternsOfRota = perConnection((db) =>
  db.select().from(rotaPatterns).where(eq(rotaPatterns.rotaId, sql.placeholder("rotaId"))).orderBy(asc(rotaPatterns.createdAt)).prepare(),
);

export function getRota(db: Db | Tx, id: string): RotaRow {
  const row = rotaById(db).get({ id });
  if (!row) throw new NotFound("rota");
  return row;
}

export function patternsOf(db: Db | Tx, rotaId: string): PatternRow[] {
  return patternsOfRota(db).all({ rotaId });
}

const assignmentsOnRota = perConnection((db) =>
  db
    .select({
      id: rotaAssignments.id,
      staffId: rotaAssignments.staffId,
      name: staff.name,
      active: staff.active,
      start: rotaAssignments.start,
      end: rotaAssignments.end,
      source: rotaAssignments.source,
    })
    .from(rotaAssignments)
    .innerJoin(staff, eq(staff.id, rotaAssignments.staffId))
    .where(
      and(
        eq(rotaAssignments.rotaId, sql.placeholder("rotaId")),
        // liveAssignmentsOverlapping, with the window as parameters (epoch ms)
        lt(rotaAssignments.start, sql.placeholder("to")),
        gte(rotaAssignments.start, sql.placeholder("earliest")),
        gt(rotaAssignments.end, sql.placeholder("from")),
        isNull(rotaAssignments.cancelledAt),
      ),
    )
    .orderBy(asc(rotaAssignments.start))
    .prepare(),
);

/** Live assignments on a rota overlapping [from, to), with the holder's name and whether they are active. */
export function rotaAssignmentsIn(db: Db | Tx, rotaId: string, from: Date, to: Date) {
  return assignmentsOnRota(db).all({ rotaId, from: from.getTime(), to: to.getTime(), earliest: from.getTime() - SCAN_BACK_MS });
}
export type HeldAssignment = ReturnType<typeof rotaAssignmentsIn>[number];

/** The person's own live assignments overlapping [from, to), with the rota they are on. */
export function shiftsOfPerson(db: Db | Tx, staffId: string, from: Date, to: Date) {
  return db
    .select({ assignmentId: rotaAssignments.id, rotaId: rotas.id, rotaName: rotas.name, kind: rotas.kind, start: rotaAssignments.start, end: rotaAssignments.end, source: rotaAssignments.source })
    .from(rotaAssignments)
    .innerJoin(rotas, eq(rotas.id, rotaAssignments.rotaId))
    .where(and(eq(rotaAssignments.staffId, staffId), liveAssignmentsOverlapping(from, to)))
    .orderBy(asc(rotaAssignments.start))
    .all();
}
export type PersonShift = ReturnType<typeof shiftsOfPerson>[number];

// What the eligibility and Working Time rules need about people, in a few queries per
// batch of staff (never per shift). HR's tables and staff are read here, never written.

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

/** Refuse (422) an ineligible or double-booked person; otherwise the warnings. Runs inside the write. */
export function vetAssignment(tx: Tx, rota: RotaRow, staffId: string, w: Window, tz: string, excludeAssignmentId?: string): Warning[] {
  const person = loadPerson(tx, staffId, w.start, w.end, excludeAssignmentId);
  if (!person) throw new NotFound("staff member");
  const reason = ineligibility(rota.kind, person, w, tz);
  if (reason) throw new RuleViolation(reason, [{ path: "staffId", message: reason }]);
  const clash = doubleBooking(person.shifts, w);
  if (clash) {
    const msg = `${person.name} is already on duty from ${clash.start.toISOString()} to ${clash.end.toISOString()}: double-booked.`;
    throw new RuleViolation(msg, [{ path: "staffId", message: msg }]);
  }
  return shiftWarnings(rota.kind, person, w, tz);
}

/** A new assignment and its audit row. */
export function insertAssignment(tx: Tx, actor: Actor, rotaId: string, staffId: string, w: Window, source: AssignmentSource, now: Date, extra: Record<string, unknown> = {}) {
  const row = tx
    .insert(rotaAssignments)
    .values({ rotaId, staffId, start: w.start, end: w.end, source, createdAt: now, createdBy: actorId(actor) })
    .returning()
    .get();
  appendAudit(tx, actor, { action: "create", entity: "rota_assignment", entityId: row.id, data: { ...row, ...extra } }, now);
  return row;
}
