// The HR compliance reports. Each reads what it needs through its reader in the
// reports store (store.ts: a few set-based queries, never one per person), groups in
// memory and applies the pure rules. A reader who may not see sickness causes (anyone
// but HR and admin) gets reports computed without them: the cause is never loaded, so
// nothing shown (OH due days) can depend on it.
import type { CurrentUser } from "../deps.js";
import type { Db } from "../db/connection.js";
import { supervisionState } from "../hr/rules/supervision.js";
import { isLongTerm, ohBreach, ohDueOn, ohReferralDue, rollingTrigger, rollingWindow, rtwDueBy, rtwState, type Episode } from "../hr/rules/sickness.js";
import { approvalState } from "../hr/rules/approvals.js";
import { addYears } from "../hr/rules/dates.js";
import { addDays, daysBetween } from "../calendar/days.js";
import { isHrOrAdmin, reportScope } from "../hr/access.js";
import { groupBy } from "./scope.js";
import { reportsStore, type SicknessRows } from "./store.js";

/** The window whose disputed sessions a supervision row counts: the 12 months to asOf. */
export const disputedSince = (asOf: string) => addDays(addYears(asOf, -1), 1);

export async function supervisionReport(db: Db, user: CurrentUser, asOf: string) {
  const { people, lastConfirmed, pending, disputed } = await reportsStore(db).supervision(reportScope(user), asOf, disputedSince(asOf));
  const lastBy = new Map(lastConfirmed.map((r) => [r.staffId, r.last]));
  const pendingBy = new Map(pending.map((r) => [r.staffId, r.n]));
  const disputedBy = new Map(disputed.map((r) => [r.staffId, r.n]));
  return people.map((p) => {
    const lastDay = lastBy.get(p.id);
    const s = supervisionState(p, lastDay ? [lastDay] : [], asOf);
    return {
      staffId: p.id,
      name: p.name,
      team: p.team,
      category: p.category,
      lastSupervision: s.lastSupervision,
      dueBy: s.dueBy,
      overdueDays: s.overdueDays,
      status: s.status,
      awaitingConfirmation: pendingBy.get(p.id) ?? 0,
      /** Sessions held in the 12 months to asOf that a party disputed: they do not count. */
      disputed: disputedBy.get(p.id) ?? 0,
    };
  });
}

/** Episodes touching the rolling window (or still open), grouped by person; referrals by person; RTW by episode. */
function groupSickness({ eps, refs, rtws }: SicknessRows) {
  return { eps: groupBy(eps, (e) => e.staffId), refs: groupBy(refs, (r) => r.staffId), rtwBy: new Map(rtws.map((r) => [r.sicknessId, r.heldOn])) };
}

/** A referral answers an episode when tied to it, or (untied) made during it. */
const referredFor = (e: Episode & { id: string }, refs: readonly { sicknessId: string | null; referredOn: string }[], asOf: string) =>
  refs.some((r) => r.sicknessId === e.id || (r.sicknessId === null && r.referredOn >= e.firstDay && r.referredOn <= (e.lastDay ?? asOf)));

export async function sicknessReport(db: Db, user: CurrentUser, asOf: string) {
  // The cause only for HR and admin: otherwise it is null, and the rules treat it as unknown.
  const { people, sickness } = await reportsStore(db).sickness(reportScope(user), { asOf, from: rollingWindow(asOf).from, withCause: isHrOrAdmin(user) });
  const { eps, refs, rtwBy } = groupSickness(sickness);
  return people.map((p) => {
    const mine = eps.get(p.id) ?? [];
    const myRefs = refs.get(p.id) ?? [];
    const t = rollingTrigger(mine, asOf, p.fte);
    const current = mine.find((e) => e.lastDay === null || e.lastDay >= asOf);
    const due = mine.filter((e) => ohReferralDue(e, asOf));
    return {
      staffId: p.id,
      name: p.name,
      team: p.team,
      fte: p.fte,
      episodes12m: t.episodes,
      workingDaysLost12m: t.workingDaysLost,
      bradford: t.bradford,
      triggerReached: t.triggerReached,
      currentlyAbsent: Boolean(current),
      longTerm: Boolean(current && isLongTerm(current, asOf)),
      ohReferralDue: due.length > 0,
      ohReferralMade: due.length > 0 ? due.every((e) => referredFor(e, myRefs, asOf)) : myRefs.length > 0,
      ohBreach: mine.some((e) => ohBreach(e, asOf, referredFor(e, myRefs, asOf))),
      rtwOverdue: mine.some((e) => rtwState(e, rtwBy.get(e.id) ?? null, asOf)?.overdue ?? false),
      /** The earliest last day to hold a return-to-work interview not yet held (past: overdue); null when none is waiting. */
      rtwDueBy: mine.reduce<string | null>((first, e) => {
        const by = rtwDueBy(e, rtwBy.get(e.id) ?? null, asOf);
        return by !== null && (first === null || by < first) ? by : first;
      }, null),
    };
  });
}

export type OhStatus = "not_referred" | "awaiting_appointment" | "appointment_booked" | "awaiting_report" | "report_received" | "closed";

/**
 * One row per referral still open or made in the last 12 months, plus a
 * "not_referred" row for each absence whose referral is due and not made.
 * The reason is shown to HR and admin only.
 */
export async function ohReport(db: Db, user: CurrentUser, asOf: string) {
  const confidential = isHrOrAdmin(user);
  const { from } = rollingWindow(asOf);
  const { people, referrals, sickness } = await reportsStore(db).ohReferrals(reportScope(user), { asOf, from, withCause: confidential });
  const byId = new Map(people.map((p) => [p.id, p]));
  const refs = referrals.filter((r) => byId.has(r.staffId));
  const rows = refs.map((r) => {
    let status: OhStatus;
    if (r.outcome) status = "closed";
    else if (r.reportReceivedOn && r.reportReceivedOn <= asOf) status = "report_received";
    else if (r.appointmentOn && r.appointmentOn <= asOf) status = "awaiting_report";
    else if (r.appointmentOn) status = "appointment_booked";
    else status = "awaiting_appointment";
    const end = r.reportReceivedOn && r.reportReceivedOn <= asOf ? r.reportReceivedOn : asOf;
    return {
      referralId: r.id as string | null,
      staffId: r.staffId,
      name: byId.get(r.staffId)!.name,
      sicknessId: r.sicknessId,
      dueOn: null as string | null,
      referredOn: r.referredOn as string | null,
      appointmentOn: r.appointmentOn,
      reportReceivedOn: r.reportReceivedOn,
      outcome: r.outcome,
      status: status as OhStatus,
      daysWaiting: daysBetween(r.referredOn, end),
      late: r.late,
      ...(confidential ? { reason: r.reason as string | null } : {}),
    };
  });
  const { eps, refs: refsBy } = groupSickness(sickness);
  for (const [staffId, list] of eps) {
    const p = byId.get(staffId);
    if (!p) continue;
    for (const e of list) {
      if (!ohReferralDue(e, asOf) || referredFor(e, refsBy.get(staffId) ?? [], asOf)) continue;
      const dueOn = ohDueOn(e);
      rows.push({
        referralId: null,
        staffId,
        name: p.name,
        sicknessId: e.id,
        dueOn,
        referredOn: null,
        appointmentOn: null,
        reportReceivedOn: null,
        outcome: null,
        status: "not_referred",
        daysWaiting: daysBetween(dueOn, asOf),
        late: false,
        ...(confidential ? { reason: null } : {}),
      });
    }
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name) || (a.referredOn ?? a.dueOn ?? "").localeCompare(b.referredOn ?? b.dueOn ?? ""));
}

/** Everyone holding the amhp role or an approval, with approval and training status. */
export async function approvalsReport(db: Db, user: CurrentUser, asOf: string) {
  // Training counts only within an approval, which lasts at most 5 years.
  const since = addYears(asOf, -6);
  const data = await reportsStore(db).approvals(reportScope(user), { asOf, since });
  const people = data.people;
  const approvals = groupBy(data.approvals, (a) => a.staffId);
  const training = groupBy(data.training, (t) => t.staffId);
  return people
    .filter((p) => p.roles.includes("amhp") || approvals.has(p.id))
    .map((p) => {
      const s = approvalState(approvals.get(p.id) ?? [], training.get(p.id) ?? [], asOf);
      return {
        staffId: p.id,
        name: p.name,
        team: p.team,
        validFrom: s.validFrom,
        validUntil: s.validUntil,
        daysToExpiry: s.daysToExpiry,
        approvalYearFrom: s.approvalYearFrom,
        approvalYearTo: s.approvalYearTo,
        trainingHoursThisYear: s.trainingHoursThisYear,
        trainingHoursRequired: s.trainingHoursRequired,
        shortYears: s.shortYears.length,
        status: s.status,
      };
    });
}
