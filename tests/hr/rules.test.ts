// The HR rules as pure functions with a fixed asOf.
import { describe, expect, it } from "vitest";
import { nextDueAfter, supervisionState } from "../../src/hr/rules/supervision.js";
import {
  bradford,
  calendarDays,
  fitNoteFrom,
  isLongTerm,
  ohBreach,
  ohDueOn,
  ohReferralDue,
  rollingTrigger,
  rollingWindow,
  rtwDueBy,
  rtwState,
  workingDaysLost,
} from "../../src/hr/rules/sickness.js";
import { approvalState, approvalTooLong, approvalYear, latestValidUntil } from "../../src/hr/rules/approvals.js";
import { checkEffectiveDate } from "../../src/hr/rules/integrity.js";
import { addMonths, nthWorkingDay, workingDaysIn } from "../../src/hr/rules/dates.js";

const ep = (firstDay: string, lastDay: string | null, cause = "infection") => ({ firstDay, lastDay, cause });

describe("dates", () => {
  it("adds months clamped to the month's end", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonths("2026-11-24", -12)).toBe("2025-11-24");
    expect(addMonths("2026-12-15", 1)).toBe("2027-01-15");
  });
  it("counts working days without weekends and bank holidays", () => {
    // 21 Dec 2026 – 1 Jan 2027: ten weekdays, three of them bank holidays
    // (Christmas Fri 25th, Boxing Day substitute Mon 28th, New Year's Day).
    expect(workingDaysIn("2026-12-21", "2027-01-01")).toBe(7);
    expect(nthWorkingDay("2026-12-24", 2)).toBe("2026-12-29");
  });
});

describe("supervision cadence", () => {
  const asye = { category: "asye", startDate: "2026-01-05" };
  it("ASYE: weekly for the first 6 weeks", () => {
    expect(nextDueAfter("asye", asye.startDate, "2026-01-12")).toBe("2026-01-19");
    expect(nextDueAfter("asye", asye.startDate, "2026-02-15")).toBe("2026-02-22"); // day 41
  });
  it("ASYE: fortnightly from week 7 to 6 months", () => {
    expect(nextDueAfter("asye", asye.startDate, "2026-02-16")).toBe("2026-03-02"); // day 42
    expect(nextDueAfter("asye", asye.startDate, "2026-07-04")).toBe("2026-07-18");
  });
  it("ASYE: monthly after 6 months; others monthly throughout", () => {
    expect(nextDueAfter("asye", asye.startDate, "2026-07-05")).toBe("2026-08-05");
    expect(nextDueAfter("qualified", "2026-01-05", "2026-01-12")).toBe("2026-02-12");
    expect(nextDueAfter("qualified", null, "2026-01-31")).toBe("2026-02-28");
  });
  it("next due and overdue days from the last confirmed session", () => {
    const s = supervisionState({ category: "qualified", startDate: "2020-01-01" }, ["2026-09-15", "2026-10-01"], "2026-11-24");
    expect(s).toEqual({ lastSupervision: "2026-10-01", dueBy: "2026-11-01", overdueDays: 23, status: "overdue" });
  });
  it("ignores sessions after asOf, and warns in the last 7 days", () => {
    const s = supervisionState({ category: "qualified", startDate: null }, ["2026-10-20", "2026-12-01"], "2026-11-14");
    expect(s).toMatchObject({ lastSupervision: "2026-10-20", dueBy: "2026-11-20", overdueDays: 0, status: "due_soon" });
    expect(supervisionState({ category: "qualified", startDate: null }, ["2026-11-10"], "2026-11-12").status).toBe("ok");
  });
  it("a new ASYE's first session is due a week after they start", () => {
    expect(supervisionState(asye, [], "2026-01-09")).toMatchObject({ dueBy: "2026-01-12", status: "due_soon" });
    expect(supervisionState(asye, [], "2026-01-20")).toMatchObject({ dueBy: "2026-01-12", overdueDays: 8, status: "overdue" });
    expect(supervisionState({ category: "other", startDate: null }, [], "2026-01-20")).toMatchObject({ status: "none_recorded", overdueDays: 0 });
  });
});

describe("sickness", () => {
  it("working days lost skip weekends and bank holidays, pro rata to FTE", () => {
    expect(workingDaysLost(ep("2026-12-21", "2027-01-01"), "2026-01-01", "2027-12-31")).toBe(7);
    expect(workingDaysLost(ep("2026-12-21", "2027-01-01"), "2026-01-01", "2027-12-31", 0.6)).toBe(4.2);
    // Clipped to the window; an open episode runs to the window's end.
    expect(workingDaysLost(ep("2026-11-16", null), "2026-11-01", "2026-11-20")).toBe(5);
    expect(workingDaysLost(ep("2026-11-16", "2026-11-20"), "2026-11-18", "2026-11-30")).toBe(3);
  });

  it("the rolling window is the 12 months up to and including asOf", () => {
    expect(rollingWindow("2026-11-24")).toEqual({ from: "2025-11-25", to: "2026-11-24" });
  });

  it("3 episodes trigger; an episode ending the day before the window does not count", () => {
    const two = [ep("2026-02-02", "2026-02-02"), ep("2026-05-04", "2026-05-05")];
    expect(rollingTrigger([...two, ep("2025-11-24", "2025-11-24")], "2026-11-24")).toMatchObject({ episodes: 2, triggerReached: false });
    expect(rollingTrigger([...two, ep("2025-11-25", "2025-11-25")], "2026-11-24")).toMatchObject({ episodes: 3, triggerReached: true });
    // Spanning the window's start: counts as an episode, only its days inside count.
    const r = rollingTrigger([ep("2025-11-20", "2025-11-26")], "2026-11-24");
    expect(r).toMatchObject({ episodes: 1, workingDaysLost: 2 });
  });

  it("10 working days trigger, 9 do not; part-time thresholds are pro rata", () => {
    // 2 Nov – 13 Nov 2026: 10 working days; to 12 Nov: 9.
    expect(rollingTrigger([ep("2026-11-02", "2026-11-13")], "2026-11-24")).toMatchObject({ workingDaysLost: 10, dayThreshold: 10, triggerReached: true });
    expect(rollingTrigger([ep("2026-11-02", "2026-11-12")], "2026-11-24")).toMatchObject({ workingDaysLost: 9, triggerReached: false });
    expect(rollingTrigger([ep("2026-11-02", "2026-11-13")], "2026-11-24", 0.5)).toMatchObject({ workingDaysLost: 5, dayThreshold: 5, triggerReached: true });
    expect(rollingTrigger([ep("2026-11-02", "2026-11-12")], "2026-11-24", 0.5)).toMatchObject({ workingDaysLost: 4.5, triggerReached: false });
  });

  it("Bradford factor is spells squared times days", () => {
    expect(bradford(3, 5)).toBe(45);
    expect(bradford(1, 10)).toBe(10);
    const r = rollingTrigger([ep("2026-03-02", "2026-03-03"), ep("2026-06-01", "2026-06-01")], "2026-11-24");
    expect(r.bradford).toBe(4 * 3);
  });

  it("long-term from 28 calendar days, open episodes counted to asOf", () => {
    expect(isLongTerm(ep("2026-10-01", "2026-10-28"), "2026-11-24")).toBe(true);
    expect(isLongTerm(ep("2026-10-01", "2026-10-27"), "2026-11-24")).toBe(false);
    expect(isLongTerm(ep("2026-10-28", null), "2026-11-24")).toBe(true);
    expect(isLongTerm(ep("2026-10-29", null), "2026-11-24")).toBe(false);
    expect(calendarDays(ep("2026-11-24", null), "2026-11-24")).toBe(1);
  });

  it("self-certified for 7 days, fit note from day 8", () => {
    expect(fitNoteFrom(ep("2026-11-01", "2026-11-07"), "2026-11-24")).toBeNull();
    expect(fitNoteFrom(ep("2026-11-01", "2026-11-08"), "2026-11-24")).toBe("2026-11-08");
  });

  it("OH referral due from day 1 for stress and MSK, day 21 otherwise", () => {
    expect(ohDueOn(ep("2026-11-02", null, "stress_anxiety_depression"))).toBe("2026-11-02");
    expect(ohDueOn(ep("2026-11-02", null, "musculoskeletal"))).toBe("2026-11-02");
    expect(ohDueOn(ep("2026-11-02", null, "surgery"))).toBe("2026-11-22");
    expect(ohReferralDue(ep("2026-11-02", "2026-11-21", "surgery"), "2026-11-24")).toBe(false);
    expect(ohReferralDue(ep("2026-11-02", "2026-11-22", "surgery"), "2026-11-24")).toBe(true);
    expect(ohReferralDue(ep("2026-11-24", null, "stress_anxiety_depression"), "2026-11-24")).toBe(true);
  });

  it("a long-term absence without a referral is a breach", () => {
    expect(ohBreach(ep("2026-10-01", null), "2026-11-24", false)).toBe(true);
    expect(ohBreach(ep("2026-10-01", null), "2026-11-24", true)).toBe(false);
    expect(ohBreach(ep("2026-11-10", null), "2026-11-24", false)).toBe(false);
  });

  it("RTW due on the first day back, overdue after 3 working days", () => {
    const e = ep("2026-11-10", "2026-11-13"); // back Monday 16th
    expect(rtwState(e, null, "2026-11-18")).toMatchObject({ dueOn: "2026-11-16", deadline: "2026-11-18", overdue: false });
    expect(rtwState(e, null, "2026-11-19")?.overdue).toBe(true);
    expect(rtwState(e, "2026-11-18", "2026-11-24")).toMatchObject({ overdue: false, heldLate: false });
    expect(rtwState(e, "2026-11-19", "2026-11-24")).toMatchObject({ overdue: false, heldLate: true });
    // Back after Christmas: the bank holidays and weekend do not count.
    expect(rtwState(ep("2026-12-22", "2026-12-24"), null, "2027-01-04")).toMatchObject({ dueOn: "2026-12-29", deadline: "2026-12-31", overdue: true });
    expect(rtwState(ep("2026-11-20", null), null, "2026-11-24")).toBeNull();
  });

  it("rtwDueBy: the RTW deadline while not held, already known the day the absence ends", () => {
    const e = ep("2026-11-10", "2026-11-13"); // back Monday 16th, due by Wednesday 18th
    expect(rtwDueBy(e, null, "2026-11-13")).toBe("2026-11-18"); // last day off: seen coming
    expect(rtwDueBy(e, null, "2026-11-24")).toBe("2026-11-18"); // and still the same once overdue
    expect(rtwDueBy(e, "2026-11-16", "2026-11-24")).toBeNull(); // held
    expect(rtwDueBy(e, null, "2026-11-12")).toBeNull(); // as of a day still off
    expect(rtwDueBy(ep("2026-11-20", null), null, "2026-11-24")).toBeNull(); // open
    expect(rtwDueBy(ep("2026-12-22", "2026-12-24"), null, "2026-12-24")).toBe("2026-12-31");
    // Never the cause: the same with or without it.
    expect(rtwDueBy({ ...e, cause: null }, null, "2026-11-24")).toBe(rtwDueBy({ ...e, cause: "stress_anxiety_depression" }, null, "2026-11-24"));
  });
});

describe("AMHP approval and training", () => {
  it("approval lasts at most 5 years", () => {
    expect(latestValidUntil("2026-01-01")).toBe("2030-12-31");
    expect(approvalTooLong({ validFrom: "2026-01-01", validUntil: "2030-12-31" })).toBe(false);
    expect(approvalTooLong({ validFrom: "2026-01-01", validUntil: "2031-01-01" })).toBe(true);
  });
  it("approval years run from the approval's anniversary", () => {
    const a = { validFrom: "2024-03-01", validUntil: "2029-02-28" };
    expect(approvalYear(a, "2026-11-24")).toEqual({ from: "2026-03-01", to: "2027-02-28", index: 2 });
    expect(approvalYear(a, "2024-03-01")).toMatchObject({ index: 0, to: "2025-02-28" });
  });
  const a = { validFrom: "2024-03-01", validUntil: "2029-02-28" };
  const fullYears = [
    { date: "2024-05-01", hours: 18 },
    { date: "2025-06-01", hours: 20 },
  ];
  it("current with 18 hours in each completed year", () => {
    const s = approvalState([a], [...fullYears, { date: "2026-04-01", hours: 6 }], "2026-11-24");
    expect(s).toMatchObject({ status: "current", trainingHoursThisYear: 6, validUntil: "2029-02-28", shortYears: [] });
  });
  it("a completed year under 18 hours is a shortfall", () => {
    const s = approvalState([a], [{ date: "2024-05-01", hours: 18 }, { date: "2025-06-01", hours: 17.5 }], "2026-11-24");
    expect(s.status).toBe("training_shortfall");
    expect(s.shortYears).toEqual([{ from: "2025-03-01", to: "2026-02-28", hours: 17.5 }]);
  });
  it("warns 90 days before expiry, and before a year ends short of hours", () => {
    expect(approvalState([{ validFrom: "2022-03-01", validUntil: "2027-02-21" }], [
      { date: "2022-04-01", hours: 18 }, { date: "2023-04-01", hours: 18 }, { date: "2024-04-01", hours: 18 }, { date: "2025-04-01", hours: 18 }, { date: "2026-04-01", hours: 18 },
    ], "2026-11-24").status).toBe("expiring");
    // The approval year ends 2027-02-28: 90 days before is 2026-11-30.
    expect(approvalState([a], fullYears, "2026-11-30").status).toBe("training_due");
    expect(approvalState([a], fullYears, "2026-11-29").status).toBe("current");
  });
  it("expired and none", () => {
    expect(approvalState([{ validFrom: "2020-01-01", validUntil: "2024-12-31" }], [], "2026-11-24")).toMatchObject({ status: "expired", validUntil: "2024-12-31" });
    expect(approvalState([], [], "2026-11-24").status).toBe("none");
  });
});

describe("effective dates", () => {
  it("refuses the future unless allowed", () => {
    expect(checkEffectiveDate("2026-11-25", "2026-11-24")).toMatchObject({ ok: false, problem: "future" });
    expect(checkEffectiveDate("2026-11-25", "2026-11-24", { allowFuture: true })).toEqual({ ok: true, late: false });
  });
  it("7 days back is on time; 8 needs a reason and is late", () => {
    expect(checkEffectiveDate("2026-11-17", "2026-11-24")).toEqual({ ok: true, late: false });
    expect(checkEffectiveDate("2026-11-16", "2026-11-24")).toMatchObject({ ok: false, problem: "late_reason_required" });
    expect(checkEffectiveDate("2026-11-16", "2026-11-24", { lateEntryReason: "  " })).toMatchObject({ ok: false });
    expect(checkEffectiveDate("2026-11-16", "2026-11-24", { lateEntryReason: "paper form found" })).toEqual({ ok: true, late: true });
  });
});
