// Who is on duty: read straight from assignments (indexed on start/end), never by
// expanding patterns, so the escalation ladder can ask at every step.
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/connection.js";
import { staff } from "../staff/schema.js";
import { rotaAssignments, rotas, type RotaKind } from "./schema.js";
import { complement, toInterval } from "./intervals.js";

/** No assignment lasts longer (service.assign and pattern durations enforce it)... */
export const MAX_ASSIGNMENT_MS = 7 * 86_400_000;
/** ...so an assignment covering an instant started at most this long before it (a day
 *  spare for a 7-day pattern shift stretched by a clock change). Bounds the index scan. */
export const SCAN_BACK_MS = MAX_ASSIGNMENT_MS + 86_400_000;

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

export interface OnDuty {
  amhp: { id: string; name: string }[];
  managers: { id: string; name: string }[];
}

function onDutyQuery(db: Db | Tx) {
  return db
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
    .prepare();
}
// Prepared once per database: the escalation ladder asks at every step.
const prepared = new WeakMap<Db | Tx, ReturnType<typeof onDutyQuery>>();

/** The people holding a live assignment covering `at`: AMHPs on amhp_duty rotas, managers on manager_cover rotas. */
export function onDutyAt(db: Db | Tx, at: Date): OnDuty {
  let q = prepared.get(db);
  if (!q) prepared.set(db, (q = onDutyQuery(db)));
  const rows = q.all({ at: at.getTime(), earliest: at.getTime() - SCAN_BACK_MS });
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
