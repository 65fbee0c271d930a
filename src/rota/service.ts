// Rota verbs: rotas, patterns, shifts, assignments, rotation, coverage. Knows
// nothing of HTTP or SQL: input is checked here, the tables are read and written
// through the rota's stores (./store/), one transaction each, every write with its
// audit row; coverage and shift views are worked out here from what a store read.
import type { Deps } from "../deps.js";
import type { Db } from "../db/connection.js";
import { type Actor } from "../audit/chain.js";
import { InvalidInput, RuleViolation, type FieldError } from "../errors.js";
import { trimReason } from "../hr/reason.js";
import { localDay } from "../calendar/days.js";
import type { RotaKind } from "./schema.js";
import { expandPatterns, type PatternSpec } from "./expand.js";
import { doubleBooking, ineligibility } from "./rules/eligibility.js";
import { shiftWarnings, type Warning } from "./rules/working-time.js";
import { gapsBelow, toInterval, toSpan } from "./intervals.js";
import { MAX_ASSIGNMENT_MS, MAX_WINDOW_DAYS } from "./limits.js";
import { rotaStore, type RotationOutcome } from "./store/rotas.js";
import type { PatternRow, RotaRow } from "./store/tx.js";

const DAY_MS = 86_400_000;
export { MAX_WINDOW_DAYS };
export type { PatternRow, RotaRow, RotationOutcome };

export function checkWindow(from: Date, to: Date) {
  if (!(to > from)) throw new InvalidInput([{ path: "to", message: "must be after from" }]);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) throw new InvalidInput([{ path: "to", message: `at most ${MAX_WINDOW_DAYS} days after from` }]);
}

/** A rota (404 when unknown). */
export function getRota(deps: Deps, id: string): Promise<RotaRow> {
  return rotaStore(deps.db).get(id);
}

/** A rota and its patterns (404 when unknown). */
export function getRotaWithPatterns(deps: Deps, id: string): Promise<RotaRow & { patterns: PatternRow[] }> {
  return rotaStore(deps.db).withPatterns(id);
}

export function createRota(deps: Deps, actor: Actor, input: { name: string; kind: RotaKind; requiredStaff?: number }): Promise<RotaRow> {
  return rotaStore(deps.db).create({ name: input.name, kind: input.kind, requiredStaff: input.requiredStaff ?? 1 }, actor, deps.clock.now());
}

export function listRotas(deps: Deps): Promise<RotaRow[]> {
  return rotaStore(deps.db).list();
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

export async function addPattern(deps: Deps, actor: Actor, rotaId: string, input: NewPattern): Promise<PatternRow> {
  const now = deps.clock.now();
  const startsOn = input.startsOn ?? localDay(now, deps.config.TZ_LOCAL);
  if (input.endsOn && input.endsOn < startsOn) throw new InvalidInput([{ path: "endsOn", message: "must not be before startsOn" }]);
  return rotaStore(deps.db).addPattern(
    rotaId,
    {
      rrule: input.rrule.trim().replace(/^RRULE:/i, ""),
      startTime: input.startTime,
      durationMinutes: input.durationMinutes,
      label: input.label ?? null,
      startsOn,
      endsOn: input.endsOn ?? null,
      skipBankHolidays: input.skipBankHolidays ?? false,
      addBankHolidays: input.addBankHolidays ?? false,
    },
    actor,
    now,
  );
}

/** End a pattern on a day (its last day of shifts); patterns are never deleted, so past coverage still shows. */
export function endPattern(deps: Deps, actor: Actor, patternId: string, endsOn: string): Promise<PatternRow> {
  return rotaStore(deps.db).endPattern(patternId, endsOn, actor, deps.clock.now());
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
export async function shiftsOf(deps: Deps, rotaId: string, from: Date, to: Date): Promise<ShiftView[]> {
  checkWindow(from, to);
  const { patterns, held } = await rotaStore(deps.db).window(rotaId, from, to);
  const shifts = expandPatterns(patterns as PatternSpec[], from, to, deps.config.TZ_LOCAL);
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

function checkAssignmentWindow(input: { start: Date; end: Date }) {
  if (!(input.end > input.start)) throw new InvalidInput([{ path: "end", message: "must be after start" }]);
  if (input.end.getTime() - input.start.getTime() > MAX_ASSIGNMENT_MS) throw new InvalidInput([{ path: "end", message: "an assignment lasts at most 7 days" }]);
}

export interface AssignmentCheck {
  ok: boolean;
  refusal?: { status: number; detail: string; errors: FieldError[] };
  warnings: Warning[];
}

/**
 * A dry run of `assign`: the same checks (the store's one vet of a manual assignment,
 * in a read transaction), writing nothing. A refusal `assign` would give (400 input,
 * 422 rule) comes back as `refusal`; an unknown rota or person is still thrown (404).
 */
export async function checkAssign(deps: Deps, rotaId: string, input: { staffId: string; start: Date; end: Date }): Promise<AssignmentCheck> {
  try {
    checkAssignmentWindow(input);
    const warnings = await rotaStore(deps.db).checkAssignment(rotaId, input, deps.config.TZ_LOCAL);
    return { ok: true, warnings };
  } catch (e) {
    if (e instanceof InvalidInput || e instanceof RuleViolation) return { ok: false, refusal: { status: e.status, detail: e.message, errors: e.errors ?? [] }, warnings: [] };
    throw e;
  }
}

export async function assign(deps: Deps, actor: Actor, rotaId: string, input: { staffId: string; start: Date; end: Date }): Promise<{ id: string; warnings: Warning[] }> {
  checkAssignmentWindow(input);
  const result = await rotaStore(deps.db).assign(rotaId, input, deps.config.TZ_LOCAL, actor, deps.clock.now());
  deps.wakeScheduler();
  return result;
}

export async function cancelAssignment(deps: Deps, actor: Actor, id: string, given: string) {
  const reason = trimReason(given);
  const row = await rotaStore(deps.db).cancelAssignment(id, reason, actor, deps.clock.now());
  deps.wakeScheduler();
  return row;
}

/**
 * Assign the rota's pattern shifts starting in [from, to) in turn to the listed
 * staff. Places already held by someone are left alone; anyone ineligible, on
 * leave, off sick or already on duty is passed over with the reason.
 */
export async function rotation(deps: Deps, actor: Actor, rotaId: string, input: { from: Date; to: Date; staffIds: string[] }): Promise<RotationOutcome> {
  checkWindow(input.from, input.to);
  const out = await rotaStore(deps.db).rotation(rotaId, input, deps.config.TZ_LOCAL, actor, deps.clock.now());
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
export async function coverage(db: Db, rotaId: string, from: Date, to: Date, tz: string): Promise<{ gaps: { start: Date; end: Date }[]; conflicts: RotaConflict[] }> {
  checkWindow(from, to);
  const { rota, patterns, held, facts } = await rotaStore(db).coverageInputs(rotaId, from, to);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const clip = (s: { start: number; end: number }) => ({ start: Math.max(s.start, fromMs), end: Math.min(s.end, toMs) });
  const shifts = expandPatterns(patterns as PatternSpec[], from, to, tz).map((s) => clip(toSpan(s)));
  // A deactivated holder does not count towards the headcount (and shows as a conflict).
  const gaps = gapsBelow(shifts, held.filter((h) => h.active).map(toSpan), rota.requiredStaff).map(toInterval);
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
export function shiftsOfPerson(deps: Deps, staffId: string, from: Date, to: Date) {
  return rotaStore(deps.db).shiftsOfPerson(staffId, from, to);
}

/** Who is on duty at an instant. */
export function onDutyNow(deps: Deps, at: Date) {
  return rotaStore(deps.db).onDutyAt(at);
}
