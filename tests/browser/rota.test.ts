// The rota: week and month views with gaps marked, the person's own shifts, and the
// calendar-feed link to copy.
import { describe, expect, it } from "vitest";
import { Api, browserSuite, makePerson, phoneContext, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe("rota pages", { timeout: 60_000 }, () => {
  it("shows the week and month with gaps, my shifts, and gives a calendar link", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"], { name: "Sam Okafor" });
    await suite.admin.ok("POST", `/api/staff/${amhp.id}/amhp-approvals`, { validFrom: day(-1), validUntil: day(700) });
    const rota = await suite.admin.ok("POST", "/api/rotas", { name: "AMHP day duty", kind: "amhp_duty" });
    await suite.admin.ok("POST", `/api/rotas/${rota.id}/patterns`, { rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 480, label: "Day", startsOn: day(-7) });
    // Tomorrow's shift is covered; the rest of the week is a gap.
    const shifts = await suite.admin.ok("GET", `/api/rotas/${rota.id}/shifts?from=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 2 * 86_400_000).toISOString())}`);
    const s = shifts.shifts[0];
    await suite.admin.ok("POST", `/api/rotas/${rota.id}/assignments`, { staffId: amhp.id, start: s.start, end: s.end });

    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp, "/rota");
    await page.getByRole("heading", { name: /AMHP day duty: Week of/ }).waitFor();
    await expect(page.locator("main").textContent()).resolves.toContain("Sam Okafor");
    await expect(page.locator("main").textContent()).resolves.toMatch(/GAP 09:00–17:00/);
    await expect(page.locator("#mine-h + ul").textContent()).resolves.toContain("09:00–17:00");
    await screenshots(page, "rota-week");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Get my calendar link" }).click();
    await expect.poll(() => page.getByLabel("Calendar link").inputValue()).toMatch(/^http:\/\/localhost:\d+\/api\/calendar\/.+\.ics$/);
    const ics = await fetch(await page.getByLabel("Calendar link").inputValue());
    expect(await ics.text()).toContain("BEGIN:VEVENT");

    await page.getByRole("link", { name: "Month" }).click();
    await page.locator("table.month").waitFor();
    expect(await page.locator("table.month td.gap").count()).toBeGreaterThan(0);
    await screenshots(page, "rota-month");
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
