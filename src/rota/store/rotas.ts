// Rotas, patterns and assignments: each use case one transaction. Checks that must
// see the rows they guard (eligibility, double booking, places still open) run inside
// the write, through the pure rules in ../rules/.
import { eq, inArray, asc } from "drizzle-orm";
import type { Db, Tx } from "../../db/connection.js";
import { writeTx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { Conflict, InvalidInput, NotFound, RuleViolation } from "../../errors.js";
import { reasonProblem } from "../../hr/reason.js";
import { addDays } from "../../calendar/days.js";
import { staff } from "../../staff/schema.js";
import { rotaAssignments, rotaPatterns, rotas, type RotaKind } from "../schema.js";
import { expandPatterns, type PatternSpec } from "../expand.js";
import { unavailability, type PersonFacts, type Window } from "../rules/eligibility.js";
import { shiftWarnings, type Warning } from "../rules/working-time.js";
import { rotate } from "../rules/rotation.js";
import {
  actorId,
  assignmentsOfKind,
  getRota,
  insertAssignment,
  loadFacts,
  nextShiftOf,
  onDutyAt,
  patternsOf,
  readTx,
  rotaAssignmentsIn,
  shiftsOfPerson,
  uncoveredIntervals,
  vetAssignment,
  type AssignmentRow,
  type HeldAssignment,
  type OnDuty,
  type PatternRow,
  type PersonShift,
  type RotaRow,
} from "./tx.js";

/** A pattern row as the service has checked and normalised it. */
export type PatternValues = Omit<PatternSpec, "id">;

export interface RotationOutcome {
  assignments: { id: string; staffId: string; start: Date; end: Date; warnings: Warning[] }[];
  skipped: { staffId: string; start: Date; end: Date; reason: string }[];
  unfilled: { start: Date; end: Date; places: number }[];
}

/** A rota's rows in a window, read together: its patterns and the live assignments on it. */
export interface RotaWindow {
  rota: RotaRow;
  patterns: PatternRow[];
  held: HeldAssignment[];
}

export interface RotaStore {
  create(input: { name: string; kind: RotaKind; requiredStaff: number }, actor: Actor, now: Date): Promise<RotaRow>;
  /** Every rota, by name. */
  list(): Promise<RotaRow[]>;
  /** 404 for an unknown rota. */
  get(id: string): Promise<RotaRow>;
  withPatterns(id: string): Promise<RotaRow & { patterns: PatternRow[] }>;
  addPattern(rotaId: string, values: PatternValues, actor: Actor, now: Date): Promise<PatternRow>;
  /** End a pattern on a day; refuses a day before the one before it starts. */
  endPattern(patternId: string, endsOn: string, actor: Actor, now: Date): Promise<PatternRow>;
  /** The rota, its patterns and its live assignments overlapping [from, to). */
  window(rotaId: string, from: Date, to: Date): Promise<RotaWindow>;
  /** As `window`, with the facts the rules need about every holder. */
  coverageInputs(rotaId: string, from: Date, to: Date): Promise<RotaWindow & { facts: Map<string, PersonFacts> }>;
  /** A manual assignment after the eligibility and double-booking checks; the warnings. */
  assign(rotaId: string, input: { staffId: string; start: Date; end: Date }, tz: string, actor: Actor, now: Date): Promise<{ id: string; warnings: Warning[] }>;
  /** The same checks as `assign` (`vetAssignment`) in a read transaction, writing nothing:
   *  throws the refusal `assign` would throw, else the warnings it would give. */
  checkAssignment(rotaId: string, input: { staffId: string; start: Date; end: Date }, tz: string): Promise<Warning[]>;
  /** Cancel with a kept reason (already trimmed). */
  cancelAssignment(id: string, reason: string, actor: Actor, now: Date): Promise<AssignmentRow>;
  /** Assign the pattern shifts starting in [from, to) in turn to the listed staff. */
  rotation(rotaId: string, input: { from: Date; to: Date; staffIds: string[] }, tz: string, actor: Actor, now: Date): Promise<RotationOutcome>;
  /** The person's live assignments overlapping [from, to), with their rotas. */
  shiftsOfPerson(staffId: string, from: Date, to: Date): Promise<PersonShift[]>;
  onDutyAt(at: Date): Promise<OnDuty>;
  uncoveredIntervals(kind: RotaKind, from: Date, to: Date): Promise<{ start: Date; end: Date }[]>;
  nextShiftOf(staffId: string, after: Date): Promise<{ rotaId: string; start: Date; end: Date } | undefined>;
  assignmentsOfKind(kinds: readonly RotaKind[], from: Date, to: Date): Promise<ReturnType<typeof assignmentsOfKind>>;
}

/** The one check of a manual assignment, shared by `assign` (inside its write) and
 *  `checkAssignment` (the dry run): the rota exists, the person is eligible and not
 *  double-booked; the Working Time and record warnings. */
function vetManual(tx: Tx, rotaId: string, input: { staffId: string; start: Date; end: Date }, tz: string): Warning[] {
  return vetAssignment(tx, getRota(tx, rotaId), input.staffId, input, tz);
}

export const rotaStore = storeFor<RotaStore>((db: Db) => {
  const allRotas = db.select().from(rotas).orderBy(asc(rotas.name)).prepare();
  return {
    async create(input, actor, now) {
      return writeTx(db, (tx) => {
        const row = tx
          .insert(rotas)
          .values({ name: input.name, kind: input.kind, requiredStaff: input.requiredStaff, createdAt: now, createdBy: actorId(actor) })
          .returning()
          .get();
        appendAudit(tx, actor, { action: "create", entity: "rota", entityId: row.id, data: row }, now);
        return row;
      });
    },

    async list() {
      return allRotas.all();
    },

    async get(id) {
      return getRota(db, id);
    },

    async withPatterns(id) {
      return readTx(db, (tx) => {
        const rota = getRota(tx, id);
        return { ...rota, patterns: patternsOf(tx, rota.id) };
      });
    },

    async addPattern(rotaId, values, actor, now) {
      return writeTx(db, (tx) => {
        getRota(tx, rotaId);
        const row = tx
          .insert(rotaPatterns)
          .values({ rotaId, ...values, createdAt: now, createdBy: actorId(actor) })
          .returning()
          .get();
        appendAudit(tx, actor, { action: "create", entity: "rota_pattern", entityId: row.id, data: row }, now);
        return row;
      });
    },

    async endPattern(patternId, endsOn, actor, now) {
      return writeTx(db, (tx) => {
        const p = tx.select().from(rotaPatterns).where(eq(rotaPatterns.id, patternId)).get();
        if (!p) throw new NotFound("pattern");
        // The day before startsOn is allowed: it retires a pattern that never ran.
        if (endsOn < addDays(p.startsOn, -1)) throw new InvalidInput([{ path: "endsOn", message: `must not be before ${addDays(p.startsOn, -1)}` }]);
        const row = tx.update(rotaPatterns).set({ endsOn }).where(eq(rotaPatterns.id, patternId)).returning().get();
        appendAudit(tx, actor, { action: "end", entity: "rota_pattern", entityId: patternId, data: { endsOn, previousEndsOn: p.endsOn } }, now);
        return row;
      });
    },

    async window(rotaId, from, to) {
      return readTx(db, (tx) => {
        const rota = getRota(tx, rotaId);
        return { rota, patterns: patternsOf(tx, rotaId), held: rotaAssignmentsIn(tx, rotaId, from, to) };
      });
    },

    async coverageInputs(rotaId, from, to) {
      return readTx(db, (tx) => {
        const rota = getRota(tx, rotaId);
        const patterns = patternsOf(tx, rotaId);
        const held = rotaAssignmentsIn(tx, rotaId, from, to);
        const facts = loadFacts(tx, held.map((h) => h.staffId), from, to);
        return { rota, patterns, held, facts };
      });
    },

    async assign(rotaId, input, tz, actor, now) {
      return writeTx(db, (tx) => {
        const warnings = vetManual(tx, rotaId, input, tz);
        const row = insertAssignment(tx, actor, rotaId, input.staffId, input, "manual", now, { warnings });
        return { id: row.id, warnings };
      });
    },

    async checkAssignment(rotaId, input, tz) {
      return readTx(db, (tx) => vetManual(tx, rotaId, input, tz));
    },

    async cancelAssignment(id, reason, actor, now) {
      return writeTx(db, (tx) => {
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
    },

    async rotation(rotaId, input, tz, actor, now) {
      return writeTx(db, (tx) => {
        const rota = getRota(tx, rotaId);
        const known = tx.select({ id: staff.id }).from(staff).where(inArray(staff.id, input.staffIds)).all();
        const unknown = input.staffIds.filter((id) => !known.some((k) => k.id === id));
        if (unknown.length) throw new InvalidInput(unknown.map((id) => ({ path: `staffIds.${input.staffIds.indexOf(id)}`, message: "no such staff member" })));
        const shifts = expandPatterns(patternsOf(tx, rotaId) as PatternSpec[], input.from, input.to, tz).filter((s) => s.start >= input.from && s.start < input.to);
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
    },

    async shiftsOfPerson(staffId, from, to) {
      return shiftsOfPerson(db, staffId, from, to);
    },
    async onDutyAt(at) {
      return onDutyAt(db, at);
    },
    async uncoveredIntervals(kind, from, to) {
      return uncoveredIntervals(db, kind, from, to);
    },
    async nextShiftOf(staffId, after) {
      return nextShiftOf(db, staffId, after);
    },
    async assignmentsOfKind(kinds, from, to) {
      return assignmentsOfKind(db, kinds, from, to);
    },
  };
});
