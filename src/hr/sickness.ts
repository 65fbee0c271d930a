// Sickness episodes and return-to-work interviews. Managers record and see absence;
// the cause is kept from them (only HR, admin and the person see it).
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import type { CurrentUser, Deps } from "../deps.js";
import { writeTx, type Tx } from "../db/connection.js";
import { Conflict, NotFound, RuleViolation } from "../errors.js";
import { returnToWork, sicknessEpisodes, type SicknessCause } from "./schema.js";
import { insertRecord, personOf, redact, requireRecord, stamp, todayOf, updateRecord, type RecordRow } from "./records.js";
import { actorFor, managedPerson, visiblePerson } from "./people.js";
import { manages, seesConfidential } from "./access.js";
import { fitNoteFrom, isLongTerm, ohDueOn, rtwState } from "./rules/sickness.js";

export type SicknessRow = typeof sicknessEpisodes.$inferSelect & RecordRow;

export interface SicknessInput {
  firstDay: string;
  lastDay?: string;
  cause: SicknessCause;
  lateEntryReason?: string;
}

function assertNoOverlap(tx: Tx, staffId: string, firstDay: string, lastDay: string | null, exceptId?: string) {
  const clash = tx
    .select()
    .from(sicknessEpisodes)
    .where(and(eq(sicknessEpisodes.staffId, staffId), isNull(sicknessEpisodes.voidedAt)))
    .all()
    .find((e) => e.id !== exceptId && e.firstDay <= (lastDay ?? "9999-12-31") && (e.lastDay ?? "9999-12-31") >= firstDay);
  if (clash) {
    const msg = `This overlaps an episode already recorded from ${clash.firstDay}${clash.lastDay ? ` to ${clash.lastDay}` : " (still open)"}.`;
    throw new RuleViolation(msg, [{ path: "firstDay", message: msg }]);
  }
}

export function recordSickness(deps: Deps, user: CurrentUser, staffId: string, input: SicknessInput) {
  managedPerson(deps, user, staffId);
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.firstDay, field: "firstDay" }, input.lateEntryReason);
  if (input.lastDay && input.lastDay > todayOf(deps)) {
    throw new RuleViolation("lastDay is after today: leave the episode open until the person is back.", [{ path: "lastDay", message: "in the future" }]);
  }
  return writeTx(deps.db, (tx) => {
    assertNoOverlap(tx, staffId, input.firstDay, input.lastDay ?? null);
    return insertRecord<SicknessRow>(tx, "sickness", { staffId, firstDay: input.firstDay, lastDay: input.lastDay ?? null, cause: input.cause, ...s }, actor, s.recordedAt);
  });
}

export interface SicknessChanges {
  lastDay?: string | null;
  firstDay?: string;
  cause?: SicknessCause;
  reason?: string;
  lateEntryReason?: string;
}

/** Close an open episode (set lastDay), or correct one with a reason. */
export function changeSickness(deps: Deps, user: CurrentUser, id: string, changes: SicknessChanges) {
  const now = deps.clock.now();
  return writeTx(deps.db, (tx) => {
    const before = requireRecord<SicknessRow>(tx, "sickness", id);
    const person = personOf(tx, before.staffId)!;
    if (!manages(user, person)) throw new NotFound("sickness episode");
    if (changes.cause !== undefined && !seesConfidential(user, person)) throw new NotFound("sickness episode");
    const firstDay = changes.firstDay ?? before.firstDay;
    const lastDay = changes.lastDay === undefined ? before.lastDay : changes.lastDay;
    if (lastDay && lastDay < firstDay) throw new RuleViolation("lastDay is before firstDay.", [{ path: "lastDay", message: "before firstDay" }]);
    if (lastDay && lastDay > todayOf(deps)) throw new RuleViolation("lastDay is after today.", [{ path: "lastDay", message: "in the future" }]);
    if (firstDay > todayOf(deps)) throw new RuleViolation("firstDay is after today.", [{ path: "firstDay", message: "in the future" }]);
    assertNoOverlap(tx, before.staffId, firstDay, lastDay, id);
    const { reason, lateEntryReason, ...fields } = changes;
    return updateRecord<SicknessRow>(tx, "sickness", before, fields, { reason, lateEntryReason, today: todayOf(deps) }, actorFor(user), now).row;
  });
}

export function recordReturnToWork(deps: Deps, user: CurrentUser, sicknessId: string, input: { heldOn: string; notes?: string; lateEntryReason?: string }) {
  const actor = actorFor(user);
  const episode = requireRecord<SicknessRow>(deps.db, "sickness", sicknessId);
  const person = personOf(deps.db, episode.staffId)!;
  if (!manages(user, person)) throw new NotFound("sickness episode");
  if (episode.voidedAt) throw new Conflict("This sickness episode is void.");
  if (!episode.lastDay) throw new RuleViolation("The episode is still open: record the last day of absence first.", [{ path: "heldOn", message: "episode still open" }]);
  if (input.heldOn <= episode.lastDay) {
    throw new RuleViolation(`A return-to-work interview is held after the absence (last day ${episode.lastDay}).`, [{ path: "heldOn", message: "during the absence" }]);
  }
  const s = stamp(deps, actor, { day: input.heldOn, field: "heldOn" }, input.lateEntryReason);
  return writeTx(deps.db, (tx) => {
    const existing = tx
      .select({ id: returnToWork.id })
      .from(returnToWork)
      .where(and(eq(returnToWork.sicknessId, sicknessId), isNull(returnToWork.voidedAt)))
      .get();
    if (existing) throw new Conflict("A return-to-work interview is already recorded for this episode (void it to replace it).");
    return insertRecord(tx, "return-to-work", { sicknessId, staffId: episode.staffId, heldOn: input.heldOn, notes: input.notes ?? null, ...s }, actor, s.recordedAt);
  });
}

/** A person's episodes with what each needs (fit note, RTW, OH), newest first. */
export function listSickness(deps: Deps, user: CurrentUser, staffId: string) {
  const person = visiblePerson(deps, user, staffId);
  const asOf = todayOf(deps);
  const mayRead = seesConfidential(user, person);
  const rtws = deps.db.select().from(returnToWork).where(and(eq(returnToWork.staffId, staffId), isNull(returnToWork.voidedAt))).orderBy(asc(returnToWork.heldOn)).all();
  return deps.db
    .select()
    .from(sicknessEpisodes)
    .where(eq(sicknessEpisodes.staffId, staffId))
    .orderBy(desc(sicknessEpisodes.firstDay))
    .all()
    .map((e) => {
      const rtw = rtws.find((r) => r.sicknessId === e.id) ?? null;
      return redact(
        "sickness",
        {
          ...e,
          open: e.lastDay === null,
          fitNoteFrom: fitNoteFrom(e, asOf),
          longTerm: isLongTerm(e, asOf),
          ohDueOn: mayRead ? ohDueOn(e) : null,
          returnToWork: rtw ? { id: rtw.id, heldOn: rtw.heldOn } : null,
          rtw: rtwState(e, rtw?.heldOn ?? null, asOf),
        },
        mayRead,
      );
    });
}
