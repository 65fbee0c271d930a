// Drills and test messages in a browser: a manager starts a drill for one of their team from
// /drills with JavaScript off and reads it in the list; the live board marks its card DRILL;
// a person sends themselves a test push and a test text from /me and reads what to expect
// (no device set up; text messages not set up on this server). axe on /drills.
import { describe, expect, it } from "vitest";
import { Api, DESK, axeOfNoScript, browserSuite, makePerson, noScriptPage, signIn } from "./harness.js";

const suite = browserSuite();

describe("drills and test messages", { timeout: 120_000 }, () => {
  it("a manager starts a drill from /drills, JavaScript off; the board's card says DRILL", async () => {
    const manager = await makePerson(suite.admin, ["manager"], { name: "Dee Drillmaster", team: "Drills" });
    const amhp = await makePerson(suite.admin, ["amhp"], { name: "Ola Drilled", team: "Drills" });
    const { context, page } = await noScriptPage(suite, manager, "/drills");
    await page.getByRole("heading", { name: "Drills", level: 1 }).waitFor();
    expect(await page.getByText("No drills yet.").count()).toBe(1);
    await page.getByLabel("Person").selectOption({ label: "Ola Drilled" });
    await Promise.all([page.waitForURL(/started=/), page.getByRole("button", { name: "Start drill" }).click()]);
    expect(await page.getByRole("status").first().textContent()).toContain("Drill started.");
    const row = page.locator("tr[data-drill-id]").first();
    expect(await row.textContent()).toContain("Ola Drilled");
    expect(await row.textContent()).toContain("Dee Drillmaster");
    const alertId = (await row.getAttribute("data-drill-id"))!;
    expect(await axeOfNoScript(suite, page)).toEqual([]);
    await context.close();

    const boss = await Api.login(suite.server.url, manager.email, manager.password);
    const open = (await boss.ok("GET", "/api/alerts?status=open")) as { alerts: { id: string; drill: boolean }[] };
    expect(open.alerts.find((a) => a.id === alertId)).toMatchObject({ drill: true });

    const board = await suite.browser.newContext({ viewport: DESK });
    const bp = await board.newPage();
    await signIn(bp, suite.server.url, manager, `/alerts/${alertId}`);
    const card = bp.locator(`[data-alert-id="${alertId}"]`);
    await card.waitFor();
    expect(await card.locator("h3 .tag").first().textContent()).toBe("DRILL");
    expect(await card.textContent()).toContain("This is a drill");
    void amhp;
    await board.close();
  });

  it("/me sends a test push and a test text and says what to expect, JavaScript off", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"], { name: "Tess Tester" });
    const { context, page } = await noScriptPage(suite, amhp, "/me");
    await page.getByRole("heading", { name: "Test your alerts" }).waitFor();
    await Promise.all([page.waitForURL(/test=push:/), page.getByRole("button", { name: "Send me a test push" }).click()]);
    expect(await page.locator("#test-result").textContent()).toContain("No device of yours is set up for alerts");
    await Promise.all([page.waitForURL(/test=sms:/), page.getByRole("button", { name: "Send me a test text" }).click()]);
    expect(await page.locator("#test-result").textContent()).toContain("Text messages are not set up on this service, so nothing was sent.");
    await context.close();
  });
});
