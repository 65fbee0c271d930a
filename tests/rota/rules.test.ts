// Pure rota rules with fixed inputs: eligibility, Working Time warnings, rotation, gap merging.
import { describe, expect, it } from "vitest";
import { doubleBooking, ineligibility, unavailability, type PersonFacts } from "../../src/rota/rules/eligibility.js";
import { noWeeklyRest, over48Hours, shiftWarnings, shortRest, trainingShortfall } from "../../src/rota/rules/working-time.js";
import { rotate } from "../../src/rota/rules/rotation.js";
import { complement, gapsBelow, mergeSpans } from "../../src/rota/intervals.js";

const TZ = "Europe/London";
const H = 3_600_000;
const at = (s: string) => new Date(s);
const w = (start: string, end: string) => ({ start: at(start), end: at(end) });
const person = (over: Partial<PersonFacts> = {}): PersonFacts => ({
  id: "p1",
  name: "Ada",
  roles: ["amhp"],
  active: true,
  approvals: [{ validFrom: "2024-01-01", validUntil: "2028-12-31" }],
  leave: [],
  sickness: [],
  training: [{ date: "2026-03-01", hours: 20 }],
  shifts: [],
  ...over,
});
const day = w("2026-11-24T09:00Z", "2026-11-24T17:00Z");

describe("eligibility", () => {
  it("lets an approved AMHP take AMHP duty", () => {
    expect(ineligibility("amhp_duty", person(), day, TZ)).toBeUndefined();
  });
  it("refuses AMHP duty without any approval", () => {
    expect(ineligibility("amhp_duty", person({ approvals: [] }), day, TZ)).toMatch(/no AMHP approval/);
  });
  it("refuses AMHP duty when the approval expired", () => {
    expect(ineligibility("amhp_duty", person({ approvals: [{ validFrom: "2021-01-01", validUntil: "2025-12-31" }] }), day, TZ)).toMatch(/expired on 2025-12-31/);
  });
  it("refuses AMHP duty when the approval ends before the shift does (overnight shift)", () => {
    const night = w("2026-11-24T17:00Z", "2026-11-25T09:00Z");
    expect(ineligibility("amhp_duty", person({ approvals: [{ validFrom: "2021-11-25", validUntil: "2026-11-24" }] }), night, TZ)).toMatch(/ends on 2026-11-24, before the shift ends on 2026-11-25/);
  });
  it("refuses AMHP duty when the approval has not started", () => {
    expect(ineligibility("amhp_duty", person({ approvals: [{ validFrom: "2026-12-01", validUntil: "2030-11-30" }] }), day, TZ)).toMatch(/no AMHP approval in force/);
  });
  it("uses the local day: a shift ending at 00:00 local does not need the next day", () => {
    // 2026-07-01 16:00-23:00Z is 17:00-00:00 BST; the approval ending 07-01 covers it.
    expect(ineligibility("amhp_duty", person({ approvals: [{ validFrom: "2022-07-02", validUntil: "2026-07-01" }] }), w("2026-07-01T16:00Z", "2026-07-01T23:00Z"), TZ)).toBeUndefined();
  });
  it("manager cover needs manager or senior_manager", () => {
    expect(ineligibility("manager_cover", person(), day, TZ)).toMatch(/not a manager/);
    expect(ineligibility("manager_cover", person({ roles: ["manager"] }), day, TZ)).toBeUndefined();
    expect(ineligibility("manager_cover", person({ roles: ["senior_manager"] }), day, TZ)).toBeUndefined();
  });
  it("refuses an inactive person", () => {
    expect(ineligibility("manager_cover", person({ roles: ["manager"], active: false }), day, TZ)).toMatch(/no longer active/);
  });
  it("finds a double booking, and touching shifts are not one", () => {
    const shifts = [w("2026-11-24T08:00Z", "2026-11-24T10:00Z")];
    expect(doubleBooking(shifts, day)).toBe(shifts[0]);
    expect(doubleBooking([w("2026-11-24T17:00Z", "2026-11-25T09:00Z")], day)).toBeUndefined();
  });
  it("gives rotation's reasons: leave, sickness (open or closed), already on duty", () => {
    expect(unavailability("amhp_duty", person({ leave: [{ from: "2026-11-23", to: "2026-11-27", kind: "annual" }] }), day, TZ)).toMatch(/annual leave/);
    expect(unavailability("amhp_duty", person({ sickness: [{ firstDay: "2026-11-20", lastDay: null }] }), day, TZ)).toMatch(/off sick.*still open/);
    expect(unavailability("amhp_duty", person({ sickness: [{ firstDay: "2026-11-20", lastDay: "2026-11-23" }] }), day, TZ)).toBeUndefined();
    expect(unavailability("amhp_duty", person({ shifts: [w("2026-11-24T16:00Z", "2026-11-24T18:00Z")] }), day, TZ)).toMatch(/already on duty/);
    expect(unavailability("amhp_duty", person(), day, TZ)).toBeUndefined();
  });
});

describe("Working Time warnings", () => {
  it("warns of under 11 hours' rest before and after", () => {
    const before = shortRest([w("2026-11-23T17:00Z", "2026-11-24T00:00Z")], day);
    expect(before.map((x) => x.kind)).toEqual(["short_rest"]);
    expect(before[0]!.detail).toMatch(/Only 9 h rest/);
    expect(shortRest([w("2026-11-24T22:00Z", "2026-11-25T06:00Z")], day)[0]!.detail).toMatch(/Only 5 h rest before/);
    expect(shortRest([w("2026-11-23T09:00Z", "2026-11-23T17:00Z")], day)).toEqual([]);
  });

  it("warns when a 7-day window holds no 24 hours' rest", () => {
    // Seven 09:00-17:00 days leave 16 h rest each night: no 24 h rest in the week.
    const days = [1, 2, 3, 4, 5, 6].map((d) => w(`2026-11-${String(17 + d).padStart(2, "0")}T09:00Z`, `2026-11-${String(17 + d).padStart(2, "0")}T17:00Z`));
    expect(noWeeklyRest(days, day).map((x) => x.kind)).toEqual(["no_weekly_rest"]);
    // Five days then the shift after a weekend: a 24 h rest exists.
    expect(noWeeklyRest(days.slice(0, 3), day)).toEqual([]);
  });

  it("warns above 48 hours a week averaged over 17 weeks", () => {
    const week = 7 * 24 * H;
    const start = at("2026-07-28T09:00Z").getTime();
    // 17 weeks of five 10-hour days = 50 h/week.
    const heavy = Array.from({ length: 17 * 7 }, (_, i) => i)
      .filter((i) => i % 7 < 5)
      .map((i) => ({ start: new Date(start + i * 24 * H), end: new Date(start + i * 24 * H + 10 * H) }));
    const next = { start: new Date(start + 17 * week + 24 * H), end: new Date(start + 17 * week + 34 * H) };
    expect(over48Hours(heavy, next).map((x) => x.kind)).toEqual(["over_48_hours"]);
    const light = heavy.filter((_, i) => i % 5 !== 4); // four days: 40 h/week
    expect(over48Hours(light, next)).toEqual([]);
  });

  it("warns of under 18 hours' AMHP training in the approval year", () => {
    const p = person({ approvals: [{ validFrom: "2024-03-01", validUntil: "2029-02-28" }], training: [{ date: "2026-04-01", hours: 10 }, { date: "2026-02-01", hours: 30 }] });
    // Approval year 2026-03-01..2027-02-28 holds 10 h.
    expect(trainingShortfall(p, day, TZ)[0]!.detail).toMatch(/10 h of AMHP training recorded in the approval year 2026-03-01 to 2027-02-28/);
    expect(trainingShortfall(person({ approvals: [{ validFrom: "2024-03-01", validUntil: "2029-02-28" }], training: [{ date: "2026-04-01", hours: 18 }] }), day, TZ)).toEqual([]);
  });

  it("lists leave and sickness overlaps, and training only for AMHP duty", () => {
    const p = person({ training: [], leave: [{ from: "2026-11-24", to: "2026-11-24", kind: "study" }], sickness: [{ firstDay: "2026-11-22", lastDay: null }] });
    expect(shiftWarnings("amhp_duty", p, day, TZ).map((x) => x.kind)).toEqual(["training_shortfall", "leave", "sickness"]);
    expect(shiftWarnings("manager_cover", { ...p, roles: ["manager"] }, day, TZ).map((x) => x.kind)).toEqual(["leave", "sickness"]);
    expect(shiftWarnings("amhp_duty", person(), day, TZ)).toEqual([]);
  });
});

describe("round-robin rotation", () => {
  const shifts = [1, 2, 3, 4, 5].map((d) => w(`2026-12-0${d}T09:00Z`, `2026-12-0${d}T17:00Z`));
  it("takes the staff in turn", () => {
    const r = rotate(shifts, ["a", "b", "c"], () => 1, () => undefined);
    expect(r.assigned.map((x) => x.staffId)).toEqual(["a", "b", "c", "a", "b"]);
    expect(r.skipped).toEqual([]);
  });
  it("passes over the unavailable, says why, and keeps the turn", () => {
    const r = rotate(shifts, ["a", "b", "c"], () => 1, (id, s) => (id === "b" && s.start.getUTCDate() === 2 ? "on leave" : undefined));
    expect(r.assigned.map((x) => x.staffId)).toEqual(["a", "c", "a", "b", "c"]);
    expect(r.skipped.map((x) => [x.staffId, x.reason])).toEqual([["b", "on leave"]]);
  });
  it("reports a shift nobody can take, and leaves held places alone", () => {
    const r = rotate(shifts, ["a"], (s) => (s.start.getUTCDate() === 1 ? 0 : 1), (_id, s) => (s.start.getUTCDate() === 3 ? "ineligible" : undefined));
    expect(r.assigned.map((x) => x.shift.start.getUTCDate())).toEqual([2, 4, 5]);
    expect(r.unfilled.map((u) => u.shift.start.getUTCDate())).toEqual([3]);
  });
  it("fills a two-person shift with two different people", () => {
    const r = rotate(shifts.slice(0, 2), ["a", "b", "c"], () => 2, () => undefined);
    expect(r.assigned.map((x) => x.staffId)).toEqual(["a", "b", "c", "a"]);
  });
  it("never gives one person overlapping shifts", () => {
    const overlapping = [w("2026-12-01T09:00Z", "2026-12-01T17:00Z"), w("2026-12-01T12:00Z", "2026-12-01T20:00Z")];
    const r = rotate(overlapping, ["a"], () => 1, () => undefined);
    expect(r.assigned.length).toBe(1);
    expect(r.skipped[0]!.reason).toMatch(/overlapping/);
  });
});

describe("gap merging", () => {
  it("merges overlapping and touching spans", () => {
    expect(mergeSpans([{ start: 5, end: 7 }, { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 6, end: 9 }])).toEqual([{ start: 0, end: 3 }, { start: 5, end: 9 }]);
  });
  it("finds the uncovered parts of a window", () => {
    expect(complement([{ start: 2, end: 4 }, { start: 6, end: 12 }], 0, 10)).toEqual([{ start: 0, end: 2 }, { start: 4, end: 6 }]);
  });
  it("reports every minute of required time below the headcount, merged", () => {
    const required = [{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 30, end: 40 }];
    const staffed = [{ start: 0, end: 4 }, { start: 12, end: 20 }, { start: 30, end: 40 }, { start: 35, end: 50 }];
    expect(gapsBelow(required, staffed, 1)).toEqual([{ start: 4, end: 12 }]);
    expect(gapsBelow(required, staffed, 2)).toEqual([{ start: 0, end: 20 }, { start: 30, end: 35 }]);
    // Hours that no pattern requires are never gaps.
    expect(gapsBelow([], staffed, 1)).toEqual([]);
  });
});
