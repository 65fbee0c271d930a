// The duty manager's board: an overdue visit's alert appears without a reload (server-sent
// events), is acknowledged from the board, and then resolved with an outcome.
import { describe, expect, it } from "vitest";
import { Api, DESK, browserSuite, makePerson, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

describe("duty manager's board", { timeout: 60_000 }, () => {
  it("shows an overdue visit's alert live and acknowledges it", async () => {
    const manager = await makePerson(suite.admin, ["manager"]);
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const worker = await Api.login(suite.server.url, amhp.email, amhp.password);
    const boss = await Api.login(suite.server.url, manager.email, manager.password);

    const context = await suite.browser.newContext({ viewport: DESK });
    const page = await context.newPage();
    await signIn(page, suite.server.url, manager, "/board");
    await page.getByText("Live: updates appear as they happen.").waitFor();
    await page.getByText("No alerts.").waitFor();

    // A visit due to end in a few seconds, with nobody checking in.
    const visit = await worker.ok("POST", "/api/visits", { purpose: "home_visit", location: { address: "7 Overdue Lane" }, expectedEnd: new Date(Date.now() + 4000).toISOString() });
    await page.locator(`[data-visit-id="${visit.id}"]`).waitFor(); // appears live too

    // No reload: the alert arrives over the event stream once the check-in is missed.
    const card = page.locator("article[data-alert-id]").first();
    await card.waitFor({ timeout: 15_000 });
    await expect(card.textContent()).resolves.toMatch(/Missed check-in/);
    await expect(card.textContent()).resolves.toMatch(/OPEN/);
    await screenshots(page, "board-alert");
    expect(await seriousViolations(page)).toEqual([]);

    // The notification's link (/alerts/{id}) opens the board with that alert first.
    const alertId0 = await card.getAttribute("data-alert-id");
    const phone = await suite.browser.newContext({ viewport: { width: 360, height: 740 } });
    const p2 = await phone.newPage();
    await signIn(p2, suite.server.url, manager, `/alerts/${alertId0}`);
    await p2.locator(`article.focused[data-alert-id="${alertId0}"]`).waitFor();
    await phone.close();

    await card.getByRole("button", { name: /Acknowledge/ }).click();
    await page.getByText(/Acknowledged: the alert has stopped climbing/).waitFor();
    const alertId = await card.getAttribute("data-alert-id");
    const acked = (await boss.ok("GET", "/api/alerts?status=acknowledged")) as any;
    const mine = acked.alerts.find((a: any) => a.id === alertId);
    expect(mine.acknowledgedBy).toBe(manager.id);
    await screenshots(page, "board-acknowledged");

    await page.locator(`#outcome-${alertId}`).selectOption("contacted");
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.getByText("Resolved.").waitFor();
    const resolved = (await boss.ok("GET", "/api/alerts?status=resolved")) as any;
    expect(resolved.alerts.map((a: any) => a.id)).toContain(alertId);
    await context.close();
  });
});
