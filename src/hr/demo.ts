// A year of plausible HR history for the demo council, entered through the same
// services as real records (so the integrity rules, versions and audit chain all
// apply), each on the day it would have been entered. It includes what the reports
// must catch: someone over the sickness trigger, a long-term absence with no OH
// referral, an unconfirmed supervision, an overdue supervision, a missing RTW
// interview, a late entry with its reason, a correction and a void; a supervision the
// supervisee disputed; and, for one team's manager (the team of the missing RTW interview),
// something in every section of "My team": supervision overdue, an RTW interview overdue and
// one due, an OH referral due, someone absent now, and an AMHP approval expiring.
import type { CurrentUser, Deps } from "../deps.js";
import type { DemoCast, DemoPerson } from "../demo/cast.js";
import { addDays, zonedInstant } from "../calendar/days.js";
import { addMonths, addYears, nextWorkingDay } from "./rules/dates.js";
import { addApproval, addLeave, addTraining } from "./staff-records.js";
import { confirmSupervision, disputeSupervision, recordSupervision } from "./supervision.js";
import { changeSickness, recordReturnToWork, recordSickness } from "./sickness.js";
import { referToOh, updateOh } from "./oh.js";
import { voidHrRecord } from "./void.js";
import { recordsStore } from "./store/records.js";
import type { SicknessCause } from "./schema.js";

export async function seedHr(deps: Deps, cast: DemoCast): Promise<void> {
  const T = cast.today;
  const tz = deps.config.TZ_LOCAL;
  /** The same deps, with the clock reading `day` at `time` (when the entry was made). */
  const on = (day: string, time = "16:30"): Deps => ({ ...deps, clock: { now: () => zonedInstant(day, time, tz) } });
  const users = new Map<string, CurrentUser>();
  const userOf = async (p: DemoPerson): Promise<CurrentUser> => {
    let u = users.get(p.id);
    if (!u) {
      u = (await recordsStore(deps.db).user(p.id))!;
      users.set(p.id, u);
    }
    return u;
  };
  const hr = await userOf(cast.hr[0] ?? cast.admin);
  const managerOf = (p: DemoPerson) => cast.managers.find((m) => m.team === p.team && m.id !== p.id) ?? cast.seniorManagers[0] ?? cast.managers[0]!;
  const workers = [...cast.amhps, ...cast.socialWorkers];
  const [a0, a1, a2, a3, a4, a5] = cast.amhps;
  const [sw0, , sw2] = cast.socialWorkers;
  // The team whose manager's "My team" shows a line in every section.
  const focusTeam = (a5 ?? a1)?.team;
  const lastIn = (list: readonly DemoPerson[], skip: readonly (DemoPerson | undefined)[] = []) =>
    list.filter((p) => p.team === focusTeam && !skip.includes(p)).at(-1);

  // --- AMHP approvals and training: valid for years ahead, 18+ hours a year ---
  // The last AMHP's approval, and the focus team's last AMHP's, end in 60 days.
  const expiring = new Set([cast.amhps.at(-1), cast.amhps.at(-1)?.team === focusTeam ? undefined : lastIn(cast.amhps)]);
  for (const [i, p] of cast.amhps.entries()) {
    // Approved 1 to 4 years ago; an expiring one ends in 60 days (a warning).
    const from = expiring.has(p) ? addDays(addYears(T, -5), 61) : addDays(addYears(T, -1 - (i % 4)), -30 * (i % 5));
    await addApproval(on(from), hr, p.id, { validFrom: from, validUntil: addDays(addYears(from, 5), -1) });
    for (let d = addMonths(from, 2); d <= addDays(T, -1); d = addMonths(d, 4)) {
      await addTraining(on(d), hr, p.id, { date: d, hours: 6.5, topic: pickTopic(d) });
    }
  }
  // A duplicate training entry, voided the next day.
  if (cast.amhps[0]) {
    const d = addDays(T, -20);
    const dup = await addTraining(on(d), hr, cast.amhps[0].id, { date: d, hours: 6.5, topic: "Mental Capacity Act refresher" });
    await voidHrRecord(on(addDays(d, 1)), hr, "training", dup.id, "Entered twice: the same course was already recorded");
  }

  // --- Supervision: monthly for a year, recorded by the supervisee, confirmed by the manager ---
  // One person's supervision lapsed three months ago (overdue in the report); one in the focus team too.
  const lapsed = new Set([workers[2], workers[2]?.team === focusTeam ? undefined : lastIn(workers)]);
  for (const [i, p] of workers.entries()) {
    const sup = managerOf(p);
    const supervisee = await userOf(p);
    const stop = lapsed.has(p) ? addMonths(T, -3) : addDays(T, -3);
    for (let d = nextWorkingDay(addDays(addMonths(T, -12), i % 10)); d <= stop; d = nextWorkingDay(addMonths(d, 1))) {
      const s = await recordSupervision(on(d, "15:00"), supervisee, p.id, { heldOn: d, supervisorId: sup.id, kind: "individual", durationMinutes: 60 });
      // The most recent session of the first worker is still awaiting the manager's confirmation.
      if (i === 0 && addMonths(d, 1) > stop) continue;
      await confirmSupervision(on(nextWorkingDay(addDays(d, 1)), "10:00"), await userOf(sup), s.id);
    }
  }

  // A session the manager recorded that the supervisee says did not happen: disputed, it never counts.
  const disputer = cast.socialWorkers[0] ?? workers[1];
  if (disputer) {
    const held = nextWorkingDay(addDays(T, -8));
    const s = await recordSupervision(on(held, "17:00"), await userOf(managerOf(disputer)), disputer.id, { heldOn: held, supervisorId: managerOf(disputer).id, kind: "individual", durationMinutes: 45 });
    await disputeSupervision(on(nextWorkingDay(addDays(held, 1)), "09:15"), await userOf(disputer), s.id, "We did not meet that afternoon: I was called out to an assessment and the session was cancelled.");
  }

  // --- Sickness, return to work and OH ---
  const sick = async (p: DemoPerson, first: string, last: string | null, cause: SicknessCause, opts: { lateReason?: string; enteredOn?: string; rtw?: boolean } = {}) => {
    const mgr = await userOf(managerOf(p));
    if (opts.enteredOn) {
      // Entered after the event, whole: the episode and its RTW carry the late reason.
      const e = await recordSickness(on(opts.enteredOn, "09:30"), mgr, p.id, { firstDay: first, lastDay: last ?? undefined, cause, lateEntryReason: opts.lateReason });
      if (last) await recordReturnToWork(on(opts.enteredOn, "09:40"), mgr, e.id, { heldOn: nextWorkingDay(addDays(last, 1)), lateEntryReason: opts.lateReason });
      return e;
    }
    const e = await recordSickness(on(first, "09:30"), mgr, p.id, { firstDay: first, cause });
    if (last) {
      const back = nextWorkingDay(addDays(last, 1));
      await changeSickness(on(back, "09:00"), mgr, e.id, { lastDay: last });
      if (opts.rtw !== false) await recordReturnToWork(on(back, "11:00"), mgr, e.id, { heldOn: back });
    }
    return e;
  };
  // Over the trigger: three short episodes in the last year.
  if (sw2) {
    await sick(sw2, nextWorkingDay(addMonths(T, -10)), addDays(nextWorkingDay(addMonths(T, -10)), 1), "infection");
    await sick(sw2, nextWorkingDay(addMonths(T, -6)), nextWorkingDay(addMonths(T, -6)), "other");
    await sick(sw2, nextWorkingDay(addMonths(T, -2)), addDays(nextWorkingDay(addMonths(T, -2)), 2), "infection");
  }
  // Long-term absence (surgery, 6 weeks so far) with no OH referral: a breach.
  if (a1) await sick(a1, addDays(T, -42), null, "surgery");
  // Stress-related absence last spring: referred on day 1, seen, report back, phased return.
  if (a2) {
    const first = nextWorkingDay(addMonths(T, -8));
    const e = await sick(a2, first, addDays(first, 34), "stress_anxiety_depression");
    const r = await referToOh(on(first, "14:00"), hr, a2.id, { referredOn: first, reason: "Work-related stress after a difficult assessment", sicknessId: e.id });
    await updateOh(on(addDays(first, 3)), hr, r.id, { appointmentOn: addDays(first, 10) });
    await updateOh(on(addDays(first, 17)), hr, r.id, { reportReceivedOn: addDays(first, 17), outcome: "Fit for phased return over four weeks; review caseload" });
  }
  // Musculoskeletal, open now for two weeks: referred, appointment booked ahead.
  if (a3) {
    const e = await sick(a3, addDays(T, -14), null, "musculoskeletal");
    const r = await referToOh(on(addDays(T, -13)), await userOf(managerOf(a3)), a3.id, { referredOn: addDays(T, -13), reason: "Back injury lifting at home", sicknessId: e.id });
    await updateOh(on(addDays(T, -10)), hr, r.id, { appointmentOn: addDays(T, 5) });
  }
  // A late entry: self-certification handed in three weeks after the absence.
  if (a4) {
    const first = nextWorkingDay(addDays(T, -30));
    await sick(a4, first, addDays(first, 2), "infection", { enteredOn: addDays(first, 21), lateReason: "Self-certification form handed in late after the person's return" });
  }
  // Back last week, no return-to-work interview yet (overdue), and a corrected last day.
  if (a5) {
    const first = nextWorkingDay(addDays(T, -16));
    const e = await sick(a5, first, addDays(first, 3), "injury", { rtw: false });
    await changeSickness(on(addDays(first, 6)), await userOf(managerOf(a5)), e.id, { lastDay: addDays(first, 4), reason: "Fit note covered one more day than first recorded" });
  }
  // Ordinary short absences for others.
  if (a0) await sick(a0, nextWorkingDay(addMonths(T, -5)), nextWorkingDay(addMonths(T, -5)), "infection");
  if (sw0) await sick(sw0, nextWorkingDay(addMonths(T, -3)), addDays(nextWorkingDay(addMonths(T, -3)), 1), "infection");
  // (After the earlier ones: an episode is first recorded open, and may not overlap a later one.)
  // Back from a short absence yesterday, return-to-work interview due (not yet overdue), in the focus team.
  const justBack = lastIn(workers, [a1, a3, a5, sw2]);
  if (justBack) {
    const e = await recordSickness(on(addDays(T, -3), "09:30"), await userOf(managerOf(justBack)), justBack.id, { firstDay: addDays(T, -3), cause: "infection" });
    await changeSickness(on(T, "09:00"), await userOf(managerOf(justBack)), e.id, { lastDay: addDays(T, -1) });
  }

  // --- Leave booked ahead ---
  for (const [i, p] of workers.slice(0, 6).entries()) {
    const from = nextWorkingDay(addDays(T, 10 + i * 9));
    await addLeave(on(T, "10:00"), await userOf(managerOf(p)), p.id, { from, to: addDays(from, 4), kind: "annual" });
  }
}

const TOPICS = ["Mental Health Act case law update", "AMHP legal literacy", "Mental Capacity Act and DoLS", "Trauma-informed assessment", "Cultural competence in MHA assessment"];
const pickTopic = (d: string) => TOPICS[Number(d.slice(5, 7)) % TOPICS.length]!;
