// Occupational Health referrals: referred, appointment, report received, outcome.
import { desc, eq } from "drizzle-orm";
import type { CurrentUser, Deps } from "../deps.js";
import { writeTx } from "../db/connection.js";
import { NotFound, RuleViolation } from "../errors.js";
import { ohReferrals } from "./schema.js";
import { insertRecord, personOf, redact, requireRecord, stamp, todayOf, updateRecord, type RecordRow } from "./records.js";
import { actorFor, managedPerson, visiblePerson } from "./people.js";
import { manages, seesConfidential } from "./access.js";
import type { SicknessRow } from "./sickness.js";

export type OhRow = typeof ohReferrals.$inferSelect & RecordRow;

export interface OhInput {
  referredOn: string;
  reason: string;
  sicknessId?: string;
  lateEntryReason?: string;
}

export function referToOh(deps: Deps, user: CurrentUser, staffId: string, input: OhInput) {
  managedPerson(deps, user, staffId);
  if (input.sicknessId) {
    const ep = requireRecordOr404(deps, input.sicknessId);
    if (ep.staffId !== staffId) throw new RuleViolation("That sickness episode is someone else's.", [{ path: "sicknessId", message: "not this person's" }]);
  }
  const actor = actorFor(user);
  const s = stamp(deps, actor, { day: input.referredOn, field: "referredOn" }, input.lateEntryReason);
  return writeTx(deps.db, (tx) =>
    insertRecord<OhRow>(tx, "oh-referrals", { staffId, sicknessId: input.sicknessId ?? null, referredOn: input.referredOn, reason: input.reason, ...s }, actor, s.recordedAt),
  );
}

function requireRecordOr404(deps: Deps, sicknessId: string): SicknessRow {
  try {
    return requireRecord<SicknessRow>(deps.db, "sickness", sicknessId);
  } catch {
    throw new RuleViolation("No such sickness episode.", [{ path: "sicknessId", message: "unknown" }]);
  }
}

export interface OhChanges {
  appointmentOn?: string;
  reportReceivedOn?: string;
  outcome?: string;
  reason?: string;
}

/** Record progress; changing a date or outcome already set is a correction with a reason. */
export function updateOh(deps: Deps, user: CurrentUser, id: string, changes: OhChanges) {
  const now = deps.clock.now();
  const today = todayOf(deps);
  return writeTx(deps.db, (tx) => {
    const before = requireRecord<OhRow>(tx, "oh-referrals", id);
    const person = personOf(tx, before.staffId)!;
    if (!manages(user, person)) throw new NotFound("OH referral");
    // An appointment may be booked ahead; a report cannot arrive in the future.
    if (changes.reportReceivedOn && changes.reportReceivedOn > today) {
      throw new RuleViolation("reportReceivedOn is after today.", [{ path: "reportReceivedOn", message: "in the future" }]);
    }
    for (const f of ["appointmentOn", "reportReceivedOn"] as const) {
      if (changes[f] && changes[f]! < before.referredOn) throw new RuleViolation(`${f} is before the referral.`, [{ path: f, message: "before referredOn" }]);
    }
    const { reason, ...fields } = changes;
    const row = updateRecord<OhRow>(tx, "oh-referrals", before, fields, { reason, today }, actorFor(user), now).row;
    return redact("oh-referrals", row, seesConfidential(user, person));
  });
}

export function listOh(deps: Deps, user: CurrentUser, staffId: string) {
  const person = visiblePerson(deps, user, staffId);
  const mayRead = seesConfidential(user, person);
  return deps.db
    .select()
    .from(ohReferrals)
    .where(eq(ohReferrals.staffId, staffId))
    .orderBy(desc(ohReferrals.referredOn))
    .all()
    .map((r) => redact("oh-referrals", r, mayRead));
}
