// Pattern expansion in Europe/London across both 2026 clock changes, with bank holidays.
import { describe, expect, it } from "vitest";
import { expandPattern, occurrenceDays, parseShiftRule, shiftEnd, type PatternSpec } from "../../src/rota/expand.js";

const TZ = "Europe/London";
const pattern = (over: Partial<PatternSpec>): PatternSpec => ({
  id: "p",
  rrule: "FREQ=DAILY",
  startTime: "09:00",
  durationMinutes: 480,
  label: null,
  startsOn: "2026-01-01",
  endsOn: null,
  skipBankHolidays: false,
  addBankHolidays: false,
  ...over,
});
const iso = (d: Date) => d.toISOString();
const hours = (s: { start: Date; end: Date }) => (s.end.getTime() - s.start.getTime()) / 3_600_000;

describe("expanding a pattern in the service zone", () => {
  it("keeps 09:00 local on both sides of the spring change (2026-03-29)", () => {
    const shifts = expandPattern(pattern({}), new Date("2026-03-27T00:00Z"), new Date("2026-03-31T00:00Z"), TZ);
    expect(shifts.map((s) => iso(s.start))).toEqual([
      "2026-03-27T09:00:00.000Z",
      "2026-03-28T09:00:00.000Z",
      "2026-03-29T08:00:00.000Z",
      "2026-03-30T08:00:00.000Z",
    ]);
    expect(shifts.map(hours)).toEqual([8, 8, 8, 8]);
  });

  it("keeps 09:00 local on both sides of the autumn change (2026-10-25)", () => {
    const shifts = expandPattern(pattern({}), new Date("2026-10-24T00:00Z"), new Date("2026-10-27T00:00Z"), TZ);
    expect(shifts.map((s) => iso(s.start))).toEqual(["2026-10-24T08:00:00.000Z", "2026-10-25T09:00:00.000Z", "2026-10-26T09:00:00.000Z"]);
  });

  it("ends a 17:00-09:00 cover shift at 09:00 local: 15 real hours in spring, 17 in autumn, 16 otherwise", () => {
    const cover = pattern({ startTime: "17:00", durationMinutes: 960 });
    const spring = expandPattern(cover, new Date("2026-03-27T12:00Z"), new Date("2026-03-29T12:00Z"), TZ);
    expect(spring.map((s) => [iso(s.start), iso(s.end), hours(s)])).toEqual([
      ["2026-03-27T17:00:00.000Z", "2026-03-28T09:00:00.000Z", 16],
      ["2026-03-28T17:00:00.000Z", "2026-03-29T08:00:00.000Z", 15],
    ]);
    const autumn = expandPattern(cover, new Date("2026-10-24T12:00Z"), new Date("2026-10-25T12:00Z"), TZ);
    expect(autumn.map((s) => [iso(s.start), iso(s.end), hours(s)])).toEqual([["2026-10-24T16:00:00.000Z", "2026-10-25T09:00:00.000Z", 17]]);
  });

  it("includes a shift that began before the window and runs into it", () => {
    const cover = pattern({ startTime: "17:00", durationMinutes: 960 });
    const shifts = expandPattern(cover, new Date("2026-11-24T03:00Z"), new Date("2026-11-24T04:00Z"), TZ);
    expect(shifts.map((s) => iso(s.start))).toEqual(["2026-11-23T17:00:00.000Z"]);
  });

  it("computes a local end across midnight and days", () => {
    expect(iso(shiftEnd("2026-10-24", "09:00", 48 * 60, TZ))).toBe("2026-10-26T09:00:00.000Z");
  });

  it("follows weekday rules and startsOn/endsOn", () => {
    const p = pattern({ rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", startsOn: "2026-11-25", endsOn: "2026-12-01" });
    expect(occurrenceDays(p, "2026-11-20", "2026-12-10")).toEqual(["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01"]);
    const fortnightly = pattern({ rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", startsOn: "2026-11-28" });
    expect(occurrenceDays(fortnightly, "2026-11-01", "2026-12-31")).toEqual(["2026-11-28", "2026-12-12", "2026-12-26"]);
  });

  it("skips bank holidays (Good Friday, Easter Monday 2026; Boxing Day substitute 2026-12-28)", () => {
    const weekdays = pattern({ rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", skipBankHolidays: true });
    expect(occurrenceDays(weekdays, "2026-04-01", "2026-04-08")).toEqual(["2026-04-01", "2026-04-02", "2026-04-07", "2026-04-08"]);
    expect(occurrenceDays(weekdays, "2026-12-24", "2026-12-31")).toEqual(["2026-12-24", "2026-12-29", "2026-12-30", "2026-12-31"]);
  });

  it("adds bank holidays to a weekend pattern", () => {
    const weekends = pattern({ rrule: "FREQ=WEEKLY;BYDAY=SA,SU", addBankHolidays: true });
    expect(occurrenceDays(weekends, "2026-04-01", "2026-04-08")).toEqual(["2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06"]);
    expect(occurrenceDays(weekends, "2026-08-29", "2026-09-01")).toEqual(["2026-08-29", "2026-08-30", "2026-08-31"]);
  });

  it("refuses rules it cannot expand as shifts", () => {
    expect(parseShiftRule("FREQ=WEEKLY;BYDAY=MO").ok).toBe(true);
    expect(parseShiftRule("RRULE:FREQ=DAILY").ok).toBe(true);
    expect(parseShiftRule("FREQ=HOURLY").ok).toBe(false);
    expect(parseShiftRule("BYDAY=MO").ok).toBe(false);
    expect(parseShiftRule("nonsense").ok).toBe(false);
    expect(parseShiftRule("FREQ=DAILY;BYHOUR=9").ok).toBe(false);
    expect(parseShiftRule("DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY").ok).toBe(false);
  });
});

describe("fast zone arithmetic agrees with src/calendar/days.ts", () => {
  it("on every quarter hour around both 2026 changes, in London and New York", async () => {
    const { localDay, zonedInstant } = await import("../../src/calendar/days.js");
    const { localDayFast, zonedInstantFast } = await import("../../src/rota/zone.js");
    for (const tz of ["Europe/London", "America/New_York"]) {
      for (const day of ["2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"]) {
        for (let q = 0; q < 96; q++) {
          const time = `${String(Math.floor(q / 4)).padStart(2, "0")}:${String((q % 4) * 15).padStart(2, "0")}`;
          expect(zonedInstantFast(day, time, tz).toISOString()).toBe(zonedInstant(day, time, tz).toISOString());
          const t = new Date(zonedInstant(day, "00:00", tz).getTime() + q * 15 * 60_000 + 60_000);
          expect(localDayFast(t, tz)).toBe(localDay(t, tz));
        }
      }
    }
  });
});
