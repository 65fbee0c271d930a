// Sickness absence rules of the council policy (numbers in ../policy.ts).
import { addDays, daysBetween } from "../../calendar/days.js";
import { HR_POLICY } from "../policy.js";
import { addMonths, maxDay, minDay, nextWorkingDay, nthWorkingDay, workingDaysIn } from "./dates.js";

type Policy = typeof HR_POLICY.sickness;

export interface Episode {
  id?: string;
  firstDay: string;
  /** Null while the person is still absent. */
  lastDay: string | null;
  /** Null when the cause is not known to whoever the result is for (a line manager). */
  cause: string | null;
}

/** The last day counted: the episode's own, or asOf while it is open. */
const endOf = (e: Episode, asOf: string) => (e.lastDay === null ? asOf : minDay(e.lastDay, asOf));

/** Calendar days of absence up to asOf, both ends included (day 1 is the first day). */
export function calendarDays(e: Episode, asOf: string): number {
  if (e.firstDay > asOf) return 0;
  return daysBetween(e.firstDay, endOf(e, asOf)) + 1;
}

/**
 * Working days lost between `from` and `to`: weekdays that are not bank holidays,
 * times FTE. We do not know which days a part-timer works, so a 0.6 FTE person is
 * taken to lose 0.6 of each working day; the trigger is pro rata in the same way.
 */
export function workingDaysLost(e: Episode, from: string, to: string, fte = 1): number {
  const start = maxDay(e.firstDay, from);
  const end = e.lastDay === null ? to : minDay(e.lastDay, to);
  if (start > end) return 0;
  return round2(workingDaysIn(start, end) * fte);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The rolling window ending on asOf: the 12 months before it, asOf included. */
export function rollingWindow(asOf: string, p: Policy = HR_POLICY.sickness): { from: string; to: string } {
  return { from: addDays(addMonths(asOf, -p.rollingMonths), 1), to: asOf };
}

export interface TriggerResult {
  from: string;
  to: string;
  episodes: number;
  workingDaysLost: number;
  /** The working-day trigger for this person: 10 × FTE. */
  dayThreshold: number;
  bradford: number;
  triggerReached: boolean;
}

/** Episodes touching the rolling 12 months, days lost in it, Bradford and the trigger. */
export function rollingTrigger(episodes: readonly Episode[], asOf: string, fte = 1, p: Policy = HR_POLICY.sickness): TriggerResult {
  const { from, to } = rollingWindow(asOf, p);
  const inWindow = episodes.filter((e) => e.firstDay <= to && (e.lastDay === null || e.lastDay >= from));
  const lost = round2(inWindow.reduce((s, e) => s + workingDaysLost(e, from, to, fte), 0));
  const dayThreshold = round2(p.triggerWorkingDays * fte);
  return {
    from,
    to,
    episodes: inWindow.length,
    workingDaysLost: lost,
    dayThreshold,
    bradford: bradford(inWindow.length, lost),
    triggerReached: inWindow.length >= p.triggerEpisodes || lost >= dayThreshold,
  };
}

/** Bradford factor S² × D: spells squared times days lost (shown beside the trigger). */
export const bradford = (spells: number, days: number) => round2(spells * spells * days);

export const isLongTerm = (e: Episode, asOf: string, p: Policy = HR_POLICY.sickness) => calendarDays(e, asOf) >= p.longTermCalendarDays;

/** The first day a fit note is needed (day 8), or null if self-certification covers it. */
export function fitNoteFrom(e: Episode, asOf: string, p: Policy = HR_POLICY.sickness): string | null {
  return calendarDays(e, asOf) > p.selfCertMaxCalendarDays ? addDays(e.firstDay, p.selfCertMaxCalendarDays) : null;
}

/**
 * The day an OH referral falls due: day 1 for stress/anxiety/depression and MSK, day 21
 * otherwise. With the cause unknown (null: the reader may not know it) it is day 21,
 * when a referral is due whatever the cause, so the answer cannot reveal the cause.
 */
export function ohDueOn(e: Episode, p: Policy = HR_POLICY.sickness): string {
  return e.cause !== null && p.ohFromDayOneCauses.includes(e.cause) ? e.firstDay : addDays(e.firstDay, p.ohOtherFromDay - 1);
}

/** An OH referral is due once the absence has reached its due day. */
export function ohReferralDue(e: Episode, asOf: string, p: Policy = HR_POLICY.sickness): boolean {
  const due = ohDueOn(e, p);
  return due <= asOf && (e.lastDay === null || e.lastDay >= due);
}

/** Long-term absence with no referral is a breach of the OH procedure. */
export const ohBreach = (e: Episode, asOf: string, referred: boolean, p: Policy = HR_POLICY.sickness) => !referred && isLongTerm(e, asOf, p);

export interface RtwState {
  /** First working day after the last day of absence. */
  dueOn: string;
  /** The last working day it may be held on (the 3rd working day back). */
  deadline: string;
  overdue: boolean;
  heldLate: boolean;
}

/** Return-to-work interview: due on the first day back, overdue after 3 working days. */
export function rtwState(e: Episode, heldOn: string | null, asOf: string, p: Policy = HR_POLICY.sickness): RtwState | null {
  if (e.lastDay === null || e.lastDay >= asOf) return null; // not back yet
  const dueOn = nextWorkingDay(addDays(e.lastDay, 1));
  const deadline = nthWorkingDay(dueOn, p.rtwWithinWorkingDays);
  return {
    dueOn,
    deadline,
    overdue: heldOn === null && asOf > deadline,
    heldLate: heldOn !== null && heldOn > deadline,
  };
}

/**
 * The last day a return-to-work interview not yet held may be held on (the deadline of
 * rtwState), for an episode whose last day is known: even when the person is back only
 * tomorrow (last day = asOf), so a manager sees it coming. Null once held, or while the
 * person is still off as of asOf. It never depends on the cause.
 */
export function rtwDueBy(e: Episode, heldOn: string | null, asOf: string, p: Policy = HR_POLICY.sickness): string | null {
  if (e.lastDay === null || e.lastDay > asOf || heldOn !== null) return null;
  return nthWorkingDay(nextWorkingDay(addDays(e.lastDay, 1)), p.rtwWithinWorkingDays);
}
