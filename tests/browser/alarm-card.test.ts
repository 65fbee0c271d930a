// Issue 9, the alarm card in a browser: a duress card shows where the worker is, how to
// phone them, their risk notes, when they were last heard from and who was (not) reached;
// the outcome is chosen each time and a duress alarm takes a second confirmation; the
// police step says "Consider police (999)".
import { describe, expect, it } from "vitest";
import { Api, DESK, browserSuite, makePerson, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

const alertOf = async (api: Api, visitId: string, reason: string) => {
  for (const status of ["open", "acknowledged", "resolved"]) {
    const b = (await api.ok("GET", `/api/alerts?status=${status}`)) as any;
    const a = b.alerts.find((x: any) => x.visitId === visitId && x.reason === reason);
    if (a) return a;
  }
  return undefined;
};

describe("the alarm card on the board", { timeout: 90_000 }, () => {
  it("a duress card says where, how to phone, the risks, the last sign of life and who was reached; closing it takes a chosen outcome and a confirmation", async () => {
    const manager = await makePerson(suite.admin, ["manager"], { name: "Sam Patel" });
    const amhp = await makePerson(suite.admin, ["amhp"], { name: "Ali Khan" });
    const worker = await Api.login(suite.server.url, amhp.email, amhp.password);
    const boss = await Api.login(suite.server.url, manager.email, manager.password);
    await worker.ok("PUT", "/api/me/duress-pin", { pin: "4321" });
    const visit = await worker.ok("POST", "/api/visits", {
      purpose: "mha_assessment",
      location: { address: "4 Silent Close, Northtown", lat: 53.8, lng: -1.55 },
      expectedEnd: new Date(Date.now() + 3600_000).toISOString(),
      riskNotes: "Brother known to police; keep the car facing out",
    });
    await worker.ok("POST", `/api/visits/${visit.id}/check-in`, { lat: 53.80123, lng: -1.55456 });
    await worker.ok("POST", `/api/visits/${visit.id}/check-out`, { pin: "4321" });

    const context = await suite.browser.newContext({ viewport: DESK });
    const page = await context.newPage();
    await signIn(page, suite.server.url, manager, "/board");
    const card = page.locator("article[data-alert-id]", { has: page.locator("h3", { hasText: "DURESS check-out · Ali Khan" }) });
    await card.waitFor({ timeout: 15_000 });
    // The ladder has run (duress starts at step 2): nobody here has a device.
    await card.getByText(/no device to receive alerts/).first().waitFor({ timeout: 15_000 });
    const text = (await card.innerText()).replace(/\s+/g, " ");
    expect(text).toContain("4 Silent Close, Northtown");
    expect(text).toMatch(/Last known position 53\.80123, -1\.55456/);
    expect(text).toContain("Brother known to police; keep the car facing out");
    expect(text).toMatch(/Last sign of life checked out at \d\d:\d\d \(\d+ min \d\d s ago\)/);
    expect(text).toMatch(/Do not call their phone openly/);
    const a = await alertOf(boss, visit.id, "duress");
    if (a.worker.mobile) expect(await card.locator(`a[href="tel:${a.worker.mobile}"]`).count()).toBe(1);
    else expect(text).toContain("No mobile number recorded");
    // Who was told, in words, per person: never "Told N people".
    expect(text).not.toMatch(/Told \d+ (people|person)/);
    expect(text).toMatch(/Sam Patel — no device to receive alerts/);
    expect(text).toMatch(/Reached on a device: 0 of \d+ (person|people) alerted/);
    // No one-click close: an open alarm offers only the acknowledgement.
    expect(await card.getByRole("button", { name: /Resolve|close/i }).count()).toBe(0);
    // The no-manager gap alert it raised is a duress one too.
    const gap = page.locator("article[data-alert-id]", { hasText: "No manager on duty" }).filter({ hasText: "Ali Khan" });
    expect((await gap.innerText()).replace(/\s+/g, " ")).toMatch(/for a DURESS check-out.*Do not call their phone openly/);
    await screenshots(page, "board-duress-card");
    expect(await seriousViolations(page)).toEqual([]);

    await card.getByRole("button", { name: /Acknowledge/ }).click();
    await page.getByText(/Acknowledged: the alert has stopped climbing/).waitFor();
    const acked = page.locator(`article[data-alert-id="${a.id}"]`);
    const select = acked.locator(`#outcome-${a.id}`);
    await select.waitFor();
    // Nothing preselected, and a choice is required.
    expect(await select.inputValue()).toBe("");
    expect(await select.evaluate((s: HTMLSelectElement) => s.required)).toBe(true);
    await acked.getByRole("button", { name: "Resolve" }).click();
    await page.waitForTimeout(300);
    expect((await alertOf(boss, visit.id, "duress")).status).toBe("acknowledged");

    // Chosen: still a second step, and "Resolve" then "No" in the same place keeps it open.
    await select.selectOption("safe");
    await acked.getByRole("button", { name: "Resolve" }).click();
    const confirm = acked.getByRole("group", { name: /Close this DURESS/ });
    await confirm.waitFor();
    await page.waitForTimeout(300);
    expect((await alertOf(boss, visit.id, "duress")).status).toBe("acknowledged");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, "board-duress-confirm");
    await confirm.getByRole("button", { name: "No, keep it open" }).click();
    expect((await alertOf(boss, visit.id, "duress")).status).toBe("acknowledged");
    await acked.getByRole("button", { name: "Resolve" }).click();
    await confirm.getByRole("button", { name: /Yes, close the DURESS/ }).click();
    await page.getByText("Resolved.").waitFor();
    const done = await alertOf(boss, visit.id, "duress");
    expect(done).toMatchObject({ status: "resolved", outcome: "safe" });
    await context.close();
  });

  it("a change made before the live stream opened shows at once when it opens (not at the next 30 s refresh)", async () => {
    const manager = await makePerson(suite.admin, ["manager"]);
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const worker = await Api.login(suite.server.url, amhp.email, amhp.password);
    const visit = await worker.ok("POST", "/api/visits", { purpose: "home_visit", location: { address: "12 Late Lane" }, expectedEnd: new Date(Date.now() + 3600_000).toISOString() });
    const context = await suite.browser.newContext({ viewport: DESK });
    const page = await context.newPage();
    // Hold the event stream back until the panic below has been raised and announced.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route("**/api/events", async (route) => {
      await held;
      await route.continue();
    });
    await signIn(page, suite.server.url, manager, "/board");
    await page.getByText("12 Late Lane").first().waitFor({ timeout: 15_000 }); // the visit, read before the stream
    await worker.ok("POST", `/api/visits/${visit.id}/alarm`);
    await new Promise((r) => setTimeout(r, 500)); // its events went out to nobody on this page
    release();
    await page.locator("article[data-alert-id]", { hasText: "PANIC" }).filter({ hasText: "12 Late Lane" }).first().waitFor({ timeout: 10_000 });
    await context.close();
  });

  it("the police step says Consider police (999) on the card", async () => {
    const senior = await makePerson(suite.admin, ["senior_manager"]);
    const manager = await makePerson(suite.admin, ["manager"]);
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const worker = await Api.login(suite.server.url, amhp.email, amhp.password);
    const before = await suite.admin.ok("GET", "/api/escalation-policy");
    // A fast ladder: a panic starts at step 2, and the police step follows a second later.
    await suite.admin.ok("PUT", "/api/escalation-policy", {
      steps: [
        { afterSeconds: 0, notify: "worker" },
        { afterSeconds: 1, notify: "duty_manager" },
        { afterSeconds: 2, notify: "all_managers" },
        { afterSeconds: 3, notify: "all_managers", repeatEverySeconds: 600, considerPolice: true },
      ],
      panicStartsAtStep: 2,
      seniorStaffIds: [senior.id],
      receiptTimeoutSeconds: 60,
    });
    try {
      const visit = await worker.ok("POST", "/api/visits", { purpose: "home_visit", location: { address: "8 Loud Street" }, expectedEnd: new Date(Date.now() + 3600_000).toISOString() });
      await worker.ok("POST", `/api/visits/${visit.id}/alarm`);
      const context = await suite.browser.newContext({ viewport: DESK });
      const page = await context.newPage();
      await signIn(page, suite.server.url, manager, "/board");
      const card = page.locator("article[data-alert-id]", { hasText: "PANIC" }).filter({ hasText: "8 Loud Street" });
      await card.getByText("Consider police (999)").waitFor({ timeout: 20_000 });
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    } finally {
      // The first policy may be the unsaved default, whose senior list is still empty.
      await suite.admin.ok("PUT", "/api/escalation-policy", { ...before, seniorStaffIds: before.seniorStaffIds.length ? before.seniorStaffIds : [senior.id] });
    }
  });
});
