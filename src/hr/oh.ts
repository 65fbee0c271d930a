// Occupational Health referrals: referred, appointment, report received, outcome.
import type { CurrentUser, Deps } from "../deps.js";
import { NotFound, RuleViolation } from "../errors.js";
import { redact, stamp, todayOf } from "./records.js";
import { actorFor, managedPerson, visiblePerson } from "./people.js";
import { manages, seesConfidential } from "./access.js";
import { recordsStore } from "./store/records.js";
import { ohStore, type OhRow } from "./store/oh.js";
import type { SicknessRow } from "./store/sickness.js";

export type { OhRow } from "./store/oh.js";

export interface OhInput {
  referredOn: string;
  reason: string;
  sicknessId?: string;
  lateEntryReason?: string;
}

export async function referToOh(deps: Deps, user: CurrentUser, staffId: string, input: OhInput) {
  await managedPerson(deps, user, staffId);
  const store = recordsStore(deps.db);
  if (input.sicknessId) {
    const ep = await store.record<SicknessRow>("sickness", input.sicknessId);
    if (!ep) throw new RuleViolation("No such sickness episode.", [{ path: "sicknessId", message: "unknown" }]);
    if (ep.staffId !== staffId) throw new RuleViolation("That sickness episode is someone else's.", [{ path: "sicknessId", message: "not this person's" }]);
  }
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.referredOn, field: "referredOn" }, input.lateEntryReason);
  return store.add<OhRow>("oh-referrals", { staffId, sicknessId: input.sicknessId ?? null, referredOn: input.referredOn, reason: input.reason, ...s }, actor);
}

export interface OhChanges {
  appointmentOn?: string;
  reportReceivedOn?: string;
  outcome?: string;
  reason?: string;
}

/** Record progress; changing a date or outcome already set is a correction with a reason. */
export async function updateOh(deps: Deps, user: CurrentUser, id: string, changes: OhChanges) {
  const now = deps.clock.now();
  const today = todayOf(deps);
  const { row, person } = await recordsStore(deps.db).change<OhRow>(
    "oh-referrals",
    id,
    (before, person) => {
      if (!manages(user, person)) throw new NotFound("OH referral");
      // An appointment may be booked ahead; a report cannot arrive in the future.
      if (changes.reportReceivedOn && changes.reportReceivedOn > today) {
        throw new RuleViolation("reportReceivedOn is after today.", [{ path: "reportReceivedOn", message: "in the future" }]);
      }
      for (const f of ["appointmentOn", "reportReceivedOn"] as const) {
        if (changes[f] && changes[f]! < before.referredOn) throw new RuleViolation(`${f} is before the referral.`, [{ path: f, message: "before referredOn" }]);
      }
      const { reason, ...fields } = changes;
      return { changes: fields, opts: { reason, today } };
    },
    actorFor(user),
    now,
  );
  return redact("oh-referrals", row, seesConfidential(user, person));
}

export async function listOh(deps: Deps, user: CurrentUser, staffId: string) {
  const person = await visiblePerson(deps, user, staffId);
  const mayRead = seesConfidential(user, person);
  return (await ohStore(deps.db).listFor(staffId)).map((r) => redact("oh-referrals", r, mayRead));
}
