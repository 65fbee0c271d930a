// Sickness episodes and return-to-work interviews. Managers record and see absence;
// the cause is kept from them (only HR, admin and the person see it).
import type { CurrentUser, Deps } from "../deps.js";
import { Conflict, NotFound, RuleViolation } from "../errors.js";
import type { SicknessCause } from "./schema.js";
import { redact, stamp, todayOf } from "./records.js";
import { actorFor, managedPerson, visiblePerson } from "./people.js";
import { manages, seesConfidential } from "./access.js";
import { fitNoteFrom, isLongTerm, ohDueOn, rtwState } from "./rules/sickness.js";
import { recordsStore } from "./store/records.js";
import { sicknessStore, type SicknessRow } from "./store/sickness.js";

export type { SicknessRow } from "./store/sickness.js";

export interface SicknessInput {
  firstDay: string;
  lastDay?: string;
  cause: SicknessCause;
  lateEntryReason?: string;
}

export async function recordSickness(deps: Deps, user: CurrentUser, staffId: string, input: SicknessInput) {
  await managedPerson(deps, user, staffId);
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.firstDay, field: "firstDay" }, input.lateEntryReason);
  if (input.lastDay && input.lastDay > todayOf(deps)) {
    throw new RuleViolation("lastDay is after today: leave the episode open until the person is back.", [{ path: "lastDay", message: "in the future" }]);
  }
  return sicknessStore(deps.db).record({ staffId, firstDay: input.firstDay, lastDay: input.lastDay ?? null, cause: input.cause, ...s }, actor);
}

export interface SicknessChanges {
  lastDay?: string | null;
  firstDay?: string;
  cause?: SicknessCause;
  reason?: string;
  lateEntryReason?: string;
}

/** Close an open episode (set lastDay), or correct one with a reason. */
export async function changeSickness(deps: Deps, user: CurrentUser, id: string, changes: SicknessChanges) {
  const now = deps.clock.now();
  return sicknessStore(deps.db).change(
    id,
    (before, person) => {
      if (!manages(user, person)) throw new NotFound("sickness episode");
      if (changes.cause !== undefined && !seesConfidential(user, person)) throw new NotFound("sickness episode");
      const firstDay = changes.firstDay ?? before.firstDay;
      const lastDay = changes.lastDay === undefined ? before.lastDay : changes.lastDay;
      if (lastDay && lastDay < firstDay) throw new RuleViolation("lastDay is before firstDay.", [{ path: "lastDay", message: "before firstDay" }]);
      if (lastDay && lastDay > todayOf(deps)) throw new RuleViolation("lastDay is after today.", [{ path: "lastDay", message: "in the future" }]);
      if (firstDay > todayOf(deps)) throw new RuleViolation("firstDay is after today.", [{ path: "firstDay", message: "in the future" }]);
      const { reason, lateEntryReason, ...fields } = changes;
      return { changes: fields, opts: { reason, lateEntryReason, today: todayOf(deps) }, firstDay, lastDay };
    },
    actorFor(user),
    now,
  );
}

export async function recordReturnToWork(deps: Deps, user: CurrentUser, sicknessId: string, input: { heldOn: string; notes?: string; lateEntryReason?: string }) {
  const actor = actorFor(user);
  const store = recordsStore(deps.db);
  const episode = await store.record<SicknessRow>("sickness", sicknessId);
  if (!episode) throw new NotFound("record");
  const person = (await store.person(episode.staffId))!;
  if (!manages(user, person)) throw new NotFound("sickness episode");
  if (episode.voidedAt) throw new Conflict("This sickness episode is void.");
  if (!episode.lastDay) throw new RuleViolation("The episode is still open: record the last day of absence first.", [{ path: "heldOn", message: "episode still open" }]);
  if (input.heldOn <= episode.lastDay) {
    throw new RuleViolation(`A return-to-work interview is held after the absence (last day ${episode.lastDay}).`, [{ path: "heldOn", message: "during the absence" }]);
  }
  const s = stamp(deps, actor, { day: input.heldOn, field: "heldOn" }, input.lateEntryReason);
  return sicknessStore(deps.db).addReturnToWork({ sicknessId, staffId: episode.staffId, heldOn: input.heldOn, notes: input.notes ?? null, ...s }, actor);
}

/** A person's episodes with what each needs (fit note, RTW, OH), newest first. */
export async function listSickness(deps: Deps, user: CurrentUser, staffId: string) {
  const person = await visiblePerson(deps, user, staffId);
  const asOf = todayOf(deps);
  const mayRead = seesConfidential(user, person);
  const { episodes, returnsToWork: rtws } = await sicknessStore(deps.db).listFor(staffId);
  return episodes.map((e) => {
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
