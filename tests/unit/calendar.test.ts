import { describe, expect, it } from "vitest";
import { bankHolidays, easterSunday, isWorkingDay } from "../../src/calendar/bank-holidays.js";
import {
  addDays,
  compareDays,
  dayNumber,
  dayOfNumber,
  daysBetween,
  eachDay,
  FIRST_DAY,
  isCalendarDay,
  isDayInRange,
  LAST_DAY,
  localDay,
  offsetMinutes,
  weekday,
  zonedInstant,
} from "../../src/calendar/days.js";
import { addYears, nextWorkingDay, nthWorkingDay, wholeYearsBetween, workingDaysIn } from "../../src/hr/rules/dates.js";

const TZ = "Europe/London";

describe("bank holidays of England and Wales", () => {
  // Published by the UK government for each year.
  const expected: Record<number, string[]> = {
    2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"],
    2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"],
    2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"],
    2028: ["2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"],
    2029: ["2029-01-01", "2029-03-30", "2029-04-02", "2029-05-07", "2029-05-28", "2029-08-27", "2029-12-25", "2029-12-26"],
    2030: ["2030-01-01", "2030-04-19", "2030-04-22", "2030-05-06", "2030-05-27", "2030-08-26", "2030-12-25", "2030-12-26"],
  };
  for (const [year, days] of Object.entries(expected)) {
    it(`${year}`, () => expect(bankHolidays(Number(year)).map((h) => h.day)).toEqual(days));
  }
  it("computes Easter Sunday", () => {
    expect(easterSunday(2024)).toBe("2024-03-31");
    expect(easterSunday(2026)).toBe("2026-04-05");
    expect(easterSunday(2038)).toBe("2038-04-25");
  });
  it("names substitute days", () => {
    expect(bankHolidays(2026).find((h) => h.day === "2026-12-28")?.name).toMatch(/substitute/);
  });
  it("keeps one-off proclamations", () => {
    expect(bankHolidays(2023).map((h) => h.day)).toContain("2023-05-08");
  });
  it("knows working days", () => {
    expect(isWorkingDay("2026-12-28")).toBe(false);
    expect(isWorkingDay("2026-12-29")).toBe(true);
    expect(isWorkingDay("2026-11-28")).toBe(false);
  });
});

describe("days and zones", () => {
  it("does day arithmetic across the clock change", () => {
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(daysBetween("2026-10-24", "2026-10-26")).toBe(2);
  });
  it("places 09:00 local on both sides of the spring change", () => {
    expect(zonedInstant("2026-03-28", "09:00", TZ).toISOString()).toBe("2026-03-28T09:00:00.000Z");
    expect(zonedInstant("2026-03-30", "09:00", TZ).toISOString()).toBe("2026-03-30T08:00:00.000Z");
  });
  it("moves a time in the spring gap forward, and takes the first of an autumn repeat", () => {
    expect(zonedInstant("2026-03-29", "01:30", TZ).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(zonedInstant("2026-10-25", "01:30", TZ).toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });
  it("reads local days and offsets", () => {
    expect(localDay(new Date("2026-06-30T23:30:00Z"), TZ)).toBe("2026-07-01");
    expect(offsetMinutes(new Date("2026-06-30T12:00:00Z"), TZ)).toBe(60);
    expect(offsetMinutes(new Date("2026-12-01T12:00:00Z"), TZ)).toBe(0);
  });
});

describe("day numbers and bounded day loops", () => {
  it("numbers days from 1970-01-01 and back", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("1969-12-31")).toBe(-1);
    expect(dayOfNumber(dayNumber("2026-11-24"))).toBe("2026-11-24");
    expect(daysBetween(FIRST_DAY, LAST_DAY)).toBe(73_413);
    expect(weekday("2026-11-24")).toBe(2); // a Tuesday
    expect(weekday("1900-01-01")).toBe(1); // a Monday
  });
  it("keeps years 0-99 as written (Date.UTC would make 0050 into 1950)", () => {
    expect(addDays("0050-12-31", 1)).toBe("0051-01-01");
    expect(daysBetween("0099-12-31", "0100-01-01")).toBe(1);
  });
  it("refuses to write a day past 9999, which would sort before 9999-12-31 as a string", () => {
    // Before: addDays gave "10000-01-01", and `d <= "9999-12-31"` stayed true for ever.
    expect(() => addDays("9999-12-31", 1)).toThrow(RangeError);
    expect(() => addDays("0000-01-01", -1)).toThrow(RangeError);
  });
  it("compares days by number", () => {
    expect(compareDays("2026-01-02", "2026-01-01")).toBe(1);
    expect(compareDays("2026-01-01", "2026-01-01")).toBe(0);
    expect(compareDays("0999-01-01", "2026-01-01")).toBe(-1);
  });
  it("knows real calendar days and the supported range", () => {
    expect(isCalendarDay("2026-02-30")).toBe(false);
    expect(isCalendarDay("2024-02-29")).toBe(true);
    expect(isCalendarDay("2100-02-29")).toBe(false);
    expect(isCalendarDay("2000-02-29")).toBe(true);
    expect(isCalendarDay("2026-04-31")).toBe(false);
    expect(isCalendarDay("+010000-01-01")).toBe(false);
    expect(isDayInRange("2100-12-31")).toBe(true);
    expect(isDayInRange("2101-01-01")).toBe(false);
    expect(isDayInRange("1899-12-31")).toBe(false);
  });
  it("lists days by count, and refuses a span longer than the supported range", () => {
    expect(eachDay("2026-12-30", "2027-01-02")).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
    expect(eachDay("2026-01-02", "2026-01-01")).toEqual([]);
    expect(eachDay(FIRST_DAY, LAST_DAY)).toHaveLength(73_414);
    expect(() => eachDay("0001-01-01", "9999-12-31")).toThrow(RangeError);
  });
  it("counts working days without walking them, the same as walking them", () => {
    const walk = (from: string, to: string) => eachDay(from, to).filter(isWorkingDay).length;
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 300; i++) {
      const from = addDays("2015-01-01", rand(6000));
      const to = addDays(from, rand(800) - 5);
      expect(workingDaysIn(from, to), `${from}..${to}`).toBe(walk(from, to));
    }
    expect(workingDaysIn("2026-12-24", "2026-12-29")).toBe(2); // Thu 24, Tue 29 (25 Fri, 28 Mon substitute)
    expect(workingDaysIn("2022-06-01", "2022-06-03")).toBe(1); // Platinum Jubilee: 2 and 3 June
  });
  it("counts a whole supported range at once (it used to loop past 9999 for ever)", () => {
    const t = performance.now();
    expect(workingDaysIn(FIRST_DAY, LAST_DAY)).toBeGreaterThan(50_000);
    expect(workingDaysIn("9999-01-01", "9999-12-31")).toBeGreaterThan(240);
    expect(performance.now() - t).toBeLessThan(500);
  });
  it("finds the next and n-th working day in a bounded number of steps", () => {
    expect(nextWorkingDay("2026-12-25")).toBe("2026-12-29");
    expect(nthWorkingDay("2026-12-24", 3)).toBe("2026-12-30");
    expect(nextWorkingDay("2027-03-26")).toBe("2027-03-30"); // Good Friday to the Tuesday after Easter
  });
  it("counts whole years between days as the anniversary walk did", () => {
    const walk = (from: string, day: string) => {
      let k = 0;
      while (addYears(from, k + 1) <= day) k++;
      return k;
    };
    for (const [from, day] of [
      ["2024-02-29", "2025-02-27"],
      ["2024-02-29", "2025-02-28"],
      ["2024-02-29", "2028-02-29"],
      ["2020-06-15", "2026-06-14"],
      ["2020-06-15", "2026-06-15"],
      ["2026-06-15", "2020-06-15"],
      ["2026-01-01", "2026-12-31"],
    ] as const) expect(wholeYearsBetween(from, day), `${from} ${day}`).toBe(walk(from, day));
  });
});
