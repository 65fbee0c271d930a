// HR reports: tables with filters, server-drawn SVG charts, and a CSV download.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Api, DESK, browserSuite, makePerson, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe("HR reports", { timeout: 60_000 }, () => {
  it("shows tables and charts, filters, and downloads a CSV with its header row", async () => {
    const hr = await makePerson(suite.admin, ["hr"], { name: "Hana Reid" });
    const hrApi = await Api.login(suite.server.url, hr.email, hr.password);
    const people = [];
    for (const [name, team] of [["Ada Byrne", "North"], ["Ben Cole", "North"], ["Cara Diaz", "South"]] as const) {
      people.push(await makePerson(suite.admin, ["social_worker"], { name, team }));
    }
    await hrApi.ok("POST", `/api/staff/${people[0]!.id}/sickness`, { firstDay: day(-5), lastDay: day(-2), cause: "infection" });
    await hrApi.ok("POST", `/api/staff/${people[1]!.id}/sickness`, { firstDay: day(-3), cause: "stress_anxiety_depression" });

    const context = await suite.browser.newContext({ viewport: DESK, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, suite.server.url, hr, "/hr");
    await page.getByRole("heading", { name: "HR reports" }).waitFor();
    await expect(page.locator("table").textContent()).resolves.toContain("Ada Byrne");
    await page.getByRole("img", { name: /Overdue supervision by team/ }).waitFor();
    await screenshots(page, "hr-supervision");
    expect(await seriousViolations(page)).toEqual([]);

    // Filter by name.
    await page.getByLabel("Name contains").fill("cara");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/q=cara/);
    const rows = await page.locator("tbody tr").allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain("Cara Diaz");

    // Sickness: charts by month and triggers.
    await page.getByRole("link", { name: "Sickness" }).click();
    await page.getByRole("img", { name: /Working days lost to sickness, by month/ }).waitFor();
    await page.getByRole("img", { name: /Sickness triggers reached/ }).waitFor();
    await screenshots(page, "hr-sickness");
    expect(await seriousViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Download Sickness as CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^sickness-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const header = csv.split(/\r?\n/)[0]!;
    expect(header.split(",").slice(0, 3)).toEqual(["staffId", "name", "team"]);
    expect(csv).toContain("Ben Cole");

    // The period reports: lone working (summary and alerts) and record integrity.
    for (const [tab, name] of [["Lone working", "hr-lone-working"], ["Record integrity", "hr-integrity"]] as const) {
      await page.getByRole("link", { name: tab }).click();
      await page.getByLabel("From").waitFor();
      await screenshots(page, name);
      expect(await seriousViolations(page)).toEqual([]);
    }
    await context.close();
  });
});
