import { describe, expect, it } from "vitest";
import { bankHolidays, easterSunday, isWorkingDay } from "../../src/calendar/bank-holidays.js";
import { addDays, daysBetween, localDay, offsetMinutes, zonedInstant } from "../../src/calendar/days.js";

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
