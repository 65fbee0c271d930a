// Rota verbs: rotas, patterns, shifts, assignments, rotation, coverage. Knows
// nothing of HTTP; every write appends its audit row in the same transaction.
import { and, asc, eq, gt, gte, inArray, isNull, lt } from "drizzle-orm";
import type { Deps } from "../deps.js";
import type { Db, Tx } from "../db/connection.js";
import { writeTx } from "../db/connection.js";
import { type Actor } from "../audit/chain.js";
import { appendAudit } from "../audit/store.js";
import { Conflict, InvalidInput, NotFound, RuleViolation } from "../errors.js";
import { reasonProblem, trimReason } from "../hr/reason.js";
import { addDays, localDay } from "../calendar/days.js";
import { staff } from "../staff/schema.js";
import { rotaAssignments, rotaPatterns, rotas, type AssignmentSource, type RotaKind } from "./schema.js";
import { expandPatterns, type PatternSpec, type Shift } from "./expand.js";
import { loadFacts, loadPerson } from "./facts.js";
import { doubleBooking, ineligibility, unavailability, type Window } from "./rules/eligibility.js";
import { shiftWarnings, type Warning } from "./rules/working-time.js";
import { rotate } from "./rules/rotation.js";
import { gapsBelow, toInterval, toSpan } from "./intervals.js";
import { MAX_ASSIGNMENT_MS, liveAssignmentsOverlapping } from "./on-duty.js";

const actorId = (a: Actor) => (a.type === "staff" ? a.id : `system:${a.job}`);
const DAY_MS = 86_400_000;
/** The longest window one request may ask about: a little over a year. */
export const MAX_WINDOW_DAYS = 400;

export type RotaRow = typeof rotas.$inferSelect;
export type PatternRow = typeof rotaPatterns.$inferSelect;

export function checkWindow(from: Date, to: Date) {
  if (!(to > from)) throw new InvalidInput([{ path: "to", message: "must be after from" }]);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) throw new InvalidInput([{ path: "to", message: `at most ${MAX_WINDOW_DAYS} days after from` }]);
}

export function getRota(db: Db | Tx, id: string): RotaRow {
  const row = db.select().from(rotas).where(eq(rotas.id, id)).get();
  if (!row) throw new NotFound("rota");
  return row;
}

export function createRota(deps: Deps, actor: Actor, input: { name: string; kind: RotaKind; requiredStaff?: number }): RotaRow {
  const now = deps.clock.now();
  return writeTx(deps.db, (tx) => {
    const row = tx
      .insert(rotas)
      .values({ name: input.name, kind: input.kind, requiredStaff: input.requiredStaff ?? 1, createdAt: now, createdBy: actorId(actor) })
      .returning()
      .get();
    appendAudit(tx, actor, { action: "create", entity: "rota", entityId: row.id, data: row }, now);
    return row;
  });
}

export function listRotas(db: Db): RotaRow[] {
  return db.select().from(rotas).orderBy(asc(rotas.name)).all();
}

export function patternsOf(db: Db | Tx, rotaId: string): PatternRow[] {
  return db.select().from(rotaPatterns).where(eq(rotaPatterns.rotaId, rotaId)).orderBy(asc(rotaPatterns.createdAt)).all();
}

export interface NewPattern {
  rrule: string;
  startTime: string;
  durationMinutes: number;
  label?: string;
  startsOn?: string;
  endsOn?: string;
  skipBankHolidays?: boolean;
  addBankHolidays?: boolean;
}

export function addPattern(deps: Deps, actor: Actor, rotaId: string, input: NewPattern): PatternRow {
  const now = deps.clock.now();
  const startsOn = input.startsOn ?? localDay(now, deps.config.TZ_LOCAL);
  if (input.endsOn && input.endsOn < startsOn) throw new InvalidInput([{ path: "endsOn", message: "must not be before startsOn" }]);
  return writeTx(deps.db, (tx) => {
    getRota(tx, rotaId);
    const row = tx
      .insert(rotaPatterns)
      .values({
        rotaId,
        rrule: input.rrule.trim().replace(/^RRULE:/i, ""),
        startTime: input.startTime,
        durationMinutes: input.durationMinutes,
        label: input.label ?? null,
        startsOn,
        endsOn: input.endsOn ?? null,
        skipBankHolidays: input.skipBankHolidays ?? false,
        addBankHolidays: input.addBankHolidays ?? false,
        createdAt: now,
        createdBy: actorId(actor),
      })
      .returning()
      .get();
    appendAudit(tx, actor, { action: "create", entity: "rota_pattern", entityId: row.id, data: row }, now);
    return row;
  });
}

/** End a pattern on a day (its last day of shifts); patterns are never deleted, so past coverage still shows. */
export function endPattern(deps: Deps, actor: Actor, patternId: string, endsOn: string): PatternRow {
  const now = deps.clock.now();
  return writeTx(deps.db, (tx) => {
    const p = tx.select().from(rotaPatterns).where(eq(rotaPatterns.id, patternId)).get();
    if (!p) throw new NotFound("pattern");
    // The day before startsOn is allowed: it retires a pattern that never ran.
    if (endsOn < addDays(p.startsOn, -1)) throw new InvalidInput([{ path: "endsOn", message: `must not be before ${addDays(p.startsOn, -1)}` }]);
    const row = tx.update(rotaPatterns).set({ endsOn }).where(eq(rotaPatterns.id, patternId)).returning().get();
    appendAudit(tx, actor, { action: "end", entity: "rota_pattern", entityId: patternId, data: { endsOn, previousEndsOn: p.endsOn } }, now);
    return row;
  });
}

/** The pattern shifts of a rota overlapping [from, to). */
export function patternShifts(db: Db | Tx, rotaId: string, from: Date, to: Date, tz: string): Shift[] {
  return expandPatterns(patternsOf(db, rotaId) as PatternSpec[], from, to, tz);
}

/** Live assignments on a rota overlapping [from, to). */
export function rotaAssignmentsIn(db: Db | Tx, rotaId: string, from: Date, to: Date) {
  return db
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
        eq(rotaAssignments.rotaId, rotaId),
        liveAssignmentsOverlapping(from, to),
      ),
    )
    .orderBy(asc(rotaAssignments.start))
    .all();
}

export interface ShiftView {
  start: Date;
  end: Date;
  label: string | null;
  patternId: string | null;
  staff: { id: string; name: string; assignmentId: string; start: Date; end: Date }[];
}

/**
 * The rota's shifts in the window with who holds each (anyone whose assignment
 * overlaps it), plus assignments outside every pattern shift as extra cover.
 */
export function shiftsOf(deps: Deps, rotaId: string, from: Date, to: Date): ShiftView[] {
  checkWindow(from, to);
  getRota(deps.db, rotaId);
  const shifts = patternShifts(deps.db, rotaId, from, to, deps.config.TZ_LOCAL);
  const held = rotaAssignmentsIn(deps.db, rotaId, from, to);
  const used = new Set<string>();
  const views: ShiftView[] = shifts.map((s) => ({
    start: s.start,
    end: s.end,
    label: s.label,
    patternId: s.patternId,
    staff: held
      .filter((a) => a.start < s.end && s.start < a.end && used.add(a.id))
      .map((a) => ({ id: a.staffId, name: a.name, assignmentId: a.id, start: a.start, end: a.end })),
  }));
  for (const a of held.filter((h) => !used.has(h.id))) {
    views.push({ start: a.start, end: a.end, label: "Extra cover", patternId: null, staff: [{ id: a.staffId, name: a.name, assignmentId: a.id, start: a.start, end: a.end }] });
  }
  return views.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Refuse (422) an ineligible or double-booked person; otherwise the warnings. Runs inside the write. */
function vetAssignment(tx: Tx, rota: RotaRow, staffId: string, w: Window, tz: string, excludeAssignmentId?: string): Warning[] {
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

function insertAssignment(tx: Tx, actor: Actor, rotaId: string, staffId: string, w: Window, source: AssignmentSource, now: Date, extra: Record<string, unknown> = {}) {
  const row = tx
    .insert(rotaAssignments)
    .values({ rotaId, staffId, start: w.start, end: w.end, source, createdAt: now, createdBy: actorId(actor) })
    .returning()
    .get();
  appendAudit(tx, actor, { action: "create", entity: "rota_assignment", entityId: row.id, data: { ...row, ...extra } }, now);
  return row;
}

export function assign(deps: Deps, actor: Actor, rotaId: string, input: { staffId: string; start: Date; end: Date }): { id: string; warnings: Warning[] } {
  if (!(input.end > input.start)) throw new InvalidInput([{ path: "end", message: "must be after start" }]);
  if (input.end.getTime() - input.start.getTime() > MAX_ASSIGNMENT_MS) throw new InvalidInput([{ path: "end", message: "an assignment lasts at most 7 days" }]);
  const now = deps.clock.now();
  const result = writeTx(deps.db, (tx) => {
    const rota = getRota(tx, rotaId);
    const warnings = vetAssignment(tx, rota, input.staffId, input, deps.config.TZ_LOCAL);
    const row = insertAssignment(tx, actor, rotaId, input.staffId, input, "manual", now, { warnings });
    return { id: row.id, warnings };
  });
  deps.wakeScheduler();
  return result;
}

export function cancelAssignment(deps: Deps, actor: Actor, id: string, given: string) {
  const reason = trimReason(given);
  const now = deps.clock.now();
  const row = writeTx(deps.db, (tx) => {
    const a = tx.select().from(rotaAssignments).where(eq(rotaAssignments.id, id)).get();
    if (!a) throw new NotFound("assignment");
    // The reason is kept and audited: it must say something (hr/reason.ts), as a void's must.
    const problem = reasonProblem(reason);
    if (problem) throw new InvalidInput([{ path: "reason", message: `The reason ${problem}.` }]);
    if (a.cancelledAt) throw new Conflict("This assignment is already cancelled.");
    const updated = tx
      .update(rotaAssignments)
      .set({ cancelledAt: now, cancelledBy: actorId(actor), cancelReason: reason })
      .where(eq(rotaAssignments.id, id))
      .returning()
      .get();
    appendAudit(tx, actor, { action: "cancel", entity: "rota_assignment", entityId: id, data: { reason } }, now);
    return updated;
  });
  deps.wakeScheduler();
  return row;
}

export interface RotationOutcome {
  assignments: { id: string; staffId: string; start: Date; end: Date; warnings: Warning[] }[];
  skipped: { staffId: string; start: Date; end: Date; reason: string }[];
  unfilled: { start: Date; end: Date; places: number }[];
}

/**
 * Assign the rota's pattern shifts starting in [from, to) in turn to the listed
 * staff. Places already held by someone are left alone; anyone ineligible, on
 * leave, off sick or already on duty is passed over with the reason.
 */
export function rotation(deps: Deps, actor: Actor, rotaId: string, input: { from: Date; to: Date; staffIds: string[] }): RotationOutcome {
  checkWindow(input.from, input.to);
  const tz = deps.config.TZ_LOCAL;
  const now = deps.clock.now();
  const out = writeTx(deps.db, (tx) => {
    const rota = getRota(tx, rotaId);
    const known = tx.select({ id: staff.id }).from(staff).where(inArray(staff.id, input.staffIds)).all();
    const unknown = input.staffIds.filter((id) => !known.some((k) => k.id === id));
    if (unknown.length) throw new InvalidInput(unknown.map((id) => ({ path: `staffIds.${input.staffIds.indexOf(id)}`, message: "no such staff member" })));
    const shifts = patternShifts(tx, rotaId, input.from, input.to, tz).filter((s) => s.start >= input.from && s.start < input.to);
    if (shifts.length === 0) throw new RuleViolation("The rota's patterns have no shifts starting in this window.");
    const lastEnd = new Date(Math.max(...shifts.map((s) => s.end.getTime())));
    const held = rotaAssignmentsIn(tx, rotaId, shifts[0]!.start, lastEnd);
    const facts = loadFacts(tx, input.staffIds, shifts[0]!.start, lastEnd);
    const plan = rotate(
      shifts,
      input.staffIds,
      (s) => rota.requiredStaff - held.filter((a) => a.active && a.start <= s.start && a.end >= s.end).length,
      (staffId, s) => unavailability(rota.kind, facts.get(staffId)!, s, tz),
    );
    const result: RotationOutcome = { assignments: [], skipped: [], unfilled: [] };
    for (const { shift, staffId } of plan.assigned) {
      const person = facts.get(staffId)!;
      const warnings = shiftWarnings(rota.kind, person, shift, tz);
      const row = insertAssignment(tx, actor, rotaId, staffId, shift, "rotation", now, { warnings });
      (person.shifts as Window[]).push({ start: shift.start, end: shift.end });
      result.assignments.push({ id: row.id, staffId, start: shift.start, end: shift.end, warnings });
    }
    result.skipped = plan.skipped.map((s) => ({ staffId: s.staffId, start: s.shift.start, end: s.shift.end, reason: s.reason }));
    result.unfilled = plan.unfilled.map((u) => ({ start: u.shift.start, end: u.shift.end, places: u.places }));
    return result;
  });
  deps.wakeScheduler();
  return out;
}

export interface RotaConflict {
  kind: string;
  staffId: string;
  assignmentId: string;
  start: Date;
  end: Date;
  detail: string;
}

/**
 * Coverage of a rota in [from, to): the gaps (minutes of pattern shifts held by
 * fewer than the required headcount, merged) and conflicts of the assignments
 * in the window (ineligibility, double booking and every warning).
 */
export function coverage(db: Db, rotaId: string, from: Date, to: Date, tz: string): { gaps: { start: Date; end: Date }[]; conflicts: RotaConflict[] } {
  checkWindow(from, to);
  const rota = getRota(db, rotaId);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const clip = (s: { start: number; end: number }) => ({ start: Math.max(s.start, fromMs), end: Math.min(s.end, toMs) });
  const shifts = patternShifts(db, rotaId, from, to, tz).map((s) => clip(toSpan(s)));
  const held = rotaAssignmentsIn(db, rotaId, from, to);
  // A deactivated holder does not count towards the headcount (and shows as a conflict).
  const gaps = gapsBelow(shifts, held.filter((h) => h.active).map(toSpan), rota.requiredStaff).map(toInterval);
  const facts = loadFacts(db, held.map((h) => h.staffId), from, to);
  const conflicts: RotaConflict[] = [];
  const seenTraining = new Set<string>();
  for (const a of held) {
    const all = facts.get(a.staffId);
    if (!all) continue;
    const person = { ...all, shifts: all.shifts.filter((s) => s.id !== a.id) };
    const base = { staffId: a.staffId, assignmentId: a.id, start: a.start, end: a.end };
    const inel = ineligibility(rota.kind, person, a, tz);
    if (inel) conflicts.push({ ...base, kind: "ineligible", detail: inel });
    const clash = doubleBooking(person.shifts, a);
    if (clash) conflicts.push({ ...base, kind: "double_booked", detail: `Also on duty ${clash.start.toISOString()} to ${clash.end.toISOString()}.` });
    for (const w of shiftWarnings(rota.kind, person, a, tz)) {
      // A training shortfall is about the person, not the shift: listed once per approval year.
      if (w.kind === "training_shortfall") {
        const key = `${a.staffId} ${w.detail}`;
        if (seenTraining.has(key)) continue;
        seenTraining.add(key);
      }
      conflicts.push({ ...base, kind: w.kind, detail: w.detail });
    }
  }
  return { gaps, conflicts };
}

/** The person's own live assignments overlapping [from, to), with the rota they are on. */
export function shiftsOfPerson(db: Db, staffId: string, from: Date, to: Date) {
  return db
    .select({ assignmentId: rotaAssignments.id, rotaId: rotas.id, rotaName: rotas.name, kind: rotas.kind, start: rotaAssignments.start, end: rotaAssignments.end, source: rotaAssignments.source })
    .from(rotaAssignments)
    .innerJoin(rotas, eq(rotas.id, rotaAssignments.rotaId))
    .where(and(eq(rotaAssignments.staffId, staffId), liveAssignmentsOverlapping(from, to)))
    .orderBy(asc(rotaAssignments.start))
    .all();
}

export { vetAssignment, insertAssignment };
