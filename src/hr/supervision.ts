// Supervision sessions: recorded by either party (or a manager/HR), counted only
// once both the supervisee and the supervisor have confirmed (LGA Standard 5). The
// supervisor must be someone who may supervise the person (access.ts maySupervise),
// so two peers cannot invent a session for each other.
import { and, desc, eq, isNull, or } from "drizzle-orm";
import type { CurrentUser, Deps } from "../deps.js";
import { writeTx } from "../db/connection.js";
import { Conflict, Forbidden, NotFound, RuleViolation } from "../errors.js";
import { supervisions } from "./schema.js";
import { staff } from "../staff/schema.js";
import type { Db, Tx } from "../db/connection.js";
import { insertRecord, personOf, requireRecord, stamp, type RecordRow } from "./records.js";
import { actorFor, visiblePerson } from "./people.js";
import { manages, maySupervise, type PersonRef } from "./access.js";
import { appendAudit } from "../audit/store.js";

export type SupervisionRow = typeof supervisions.$inferSelect & RecordRow;

export const supervisionStatus = (r: { superviseeConfirmedAt: Date | null; supervisorConfirmedAt: Date | null; voidedAt: Date | null }) =>
  r.voidedAt ? "void" : r.superviseeConfirmedAt && r.supervisorConfirmedAt ? "confirmed" : "awaiting_confirmation";

export interface SupervisionInput {
  heldOn: string;
  supervisorId: string;
  kind?: string;
  durationMinutes?: number;
  lateEntryReason?: string;
}

export function recordSupervision(deps: Deps, user: CurrentUser, staffId: string, input: SupervisionInput) {
  const supervisee = personOf(deps.db, staffId);
  const isParty = user.id === staffId || user.id === input.supervisorId;
  if (!supervisee || (!isParty && !manages(user, supervisee))) throw new NotFound("staff member");
  if (input.supervisorId === staffId) {
    throw new RuleViolation("A person cannot supervise themselves.", [{ path: "supervisorId", message: "same as the supervisee" }]);
  }
  assertMaySupervise(deps.db, input.supervisorId, supervisee);
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.heldOn, field: "heldOn" }, input.lateEntryReason);
  const row = writeTx(deps.db, (tx) =>
    insertRecord<SupervisionRow>(
      tx,
      "supervisions",
      {
        staffId,
        supervisorId: input.supervisorId,
        heldOn: input.heldOn,
        kind: input.kind ?? "individual",
        durationMinutes: input.durationMinutes ?? null,
        // The recorder, when a party, confirms by recording; the other party must confirm.
        superviseeConfirmedAt: user.id === staffId ? s.recordedAt : null,
        supervisorConfirmedAt: user.id === input.supervisorId ? s.recordedAt : null,
        ...s,
      },
      actor,
      s.recordedAt,
    ),
  );
  return { ...row, status: supervisionStatus(row) };
}

/** 422 naming supervisorId unless that person may supervise the supervisee (now). */
function assertMaySupervise(db: Db | Tx, supervisorId: string, supervisee: PersonRef): void {
  const supervisor = db.select({ id: staff.id, roles: staff.roles, teamId: staff.teamId, active: staff.active }).from(staff).where(eq(staff.id, supervisorId)).get();
  if (!supervisor) throw new RuleViolation("No such supervisor.", [{ path: "supervisorId", message: "unknown staff member" }]);
  if (!maySupervise(supervisor, supervisee)) {
    const message = "The supervisor must be a manager of this person's team or a senior manager (active), not a colleague, HR or an admin.";
    throw new RuleViolation(message, [{ path: "supervisorId", message: "may not supervise this person" }]);
  }
}

/** The other party confirms. The recorder cannot confirm for the other side. */
export function confirmSupervision(deps: Deps, user: CurrentUser, id: string) {
  const now = deps.clock.now();
  const row = writeTx(deps.db, (tx) => {
    const before = requireRecord<SupervisionRow>(tx, "supervisions", id);
    const person = personOf(tx, before.staffId)!;
    const isSupervisee = user.id === before.staffId;
    const isSupervisor = user.id === before.supervisorId;
    if (!isSupervisee && !isSupervisor) {
      if (manages(user, person)) throw new Forbidden("Only the supervisee or the supervisor can confirm a session.");
      throw new NotFound("supervision");
    }
    if (before.voidedAt) throw new Conflict("This session record is void.");
    const field = isSupervisee ? "superviseeConfirmedAt" : "supervisorConfirmedAt";
    if (before[field]) throw new Conflict("You have already confirmed this session; the other party must confirm it.");
    // A session naming someone who may not supervise (entered before the rule, or the
    // supervisor has since left the team) cannot be confirmed into counting; void it.
    assertMaySupervise(tx, before.supervisorId, person);
    const after = tx.update(supervisions).set({ [field]: now }).where(eq(supervisions.id, id)).returning().get() as SupervisionRow;
    appendAudit(tx, actorFor(user), { action: "confirm", entity: "supervision", entityId: id, data: { as: isSupervisee ? "supervisee" : "supervisor" } }, now);
    return after;
  });
  return { ...row, status: supervisionStatus(row) };
}

/** A person's sessions, newest first. */
export function listSupervisions(deps: Deps, user: CurrentUser, staffId: string) {
  visiblePerson(deps, user, staffId);
  return deps.db
    .select()
    .from(supervisions)
    .where(eq(supervisions.staffId, staffId))
    .orderBy(desc(supervisions.heldOn))
    .all()
    .map((r) => ({ ...r, status: supervisionStatus(r) }));
}

/** Sessions waiting for the caller's confirmation (as supervisee or supervisor). */
export function awaitingMyConfirmation(deps: Deps, user: CurrentUser) {
  return deps.db
    .select()
    .from(supervisions)
    .where(
      and(
        isNull(supervisions.voidedAt),
        or(
          and(eq(supervisions.staffId, user.id), isNull(supervisions.superviseeConfirmedAt)),
          and(eq(supervisions.supervisorId, user.id), isNull(supervisions.supervisorConfirmedAt)),
        ),
      ),
    )
    .orderBy(desc(supervisions.heldOn))
    .all()
    .map((r) => ({ ...r, status: supervisionStatus(r) }));
}
