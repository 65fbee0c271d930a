// An AMHP on a phone (360 × 740): signs in, starts a visit, checks in, loses signal,
// checks in again, and when the signal returns the queued check-in arrives exactly once.
import { describe, expect, it } from "vitest";
import { Api, browserSuite, makePerson, phoneContext, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

const checkIns = (v: any) => (v.checkIns ?? []).filter((c: any) => c.kind === "check_in").length;

describe("AMHP on a phone", { timeout: 60_000 }, () => {
  it("starts a visit, checks in, and a check-in made offline is sent once when the signal returns", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp);

    // Start a visit in a few taps.
    await page.getByLabel("Home visit").check();
    await page.getByLabel("Address").fill("12 Example Road, Northtown");
    await page.getByLabel("2 h").check();
    await page.getByLabel("15 min").check();
    await page.getByLabel("Patient reference (optional)").fill("CASE-4471");
    await Promise.all([page.waitForURL(/\/visits\//), page.getByRole("button", { name: "Start visit" }).click()]);
    const visitId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
    await page.getByText("Next check-in due in").waitFor();
    await page.waitForFunction(() => /\d+ min/.test(document.getElementById("due-left")!.textContent ?? ""));

    const start = (await me.ok("GET", `/api/visits/${visitId}`)) as any;
    expect(start.status).toBe("active");
    expect(start.patientRef).toBe("CASE-4471");
    const base = checkIns(start);

    // Online check-in.
    await page.getByRole("button", { name: "I'm OK" }).click();
    await page.getByText(/Check-in sent/).waitFor();
    expect(checkIns(await me.ok("GET", `/api/visits/${visitId}`))).toBe(base + 1);
    await screenshots(page, "visit-checked-in");
    expect(await seriousViolations(page)).toEqual([]);

    // No signal: the check-in waits in the outbox, and the page says so.
    await context.setOffline(true);
    await page.getByRole("button", { name: "I'm OK" }).click();
    await page.getByText(/Waiting to send/).waitFor();
    await expect(page.locator("#outbox").textContent()).resolves.toMatch(/check-in made at/);
    await screenshots(page, "visit-offline-waiting");
    expect(checkIns(await me.ok("GET", `/api/visits/${visitId}`))).toBe(base + 1);

    // Even a reload without signal keeps the page (the service worker's copy) and the queue.
    await page.reload();
    await page.getByRole("button", { name: "I'm OK" }).waitFor();
    await expect(page.locator("#outbox").textContent()).resolves.toMatch(/check-in made at/);

    // Signal back: sent once, and the outbox is empty.
    await context.setOffline(false);
    await page.locator("#outbox").waitFor({ state: "hidden", timeout: 15_000 });
    expect(checkIns(await me.ok("GET", `/api/visits/${visitId}`))).toBe(base + 2);
    // A second flush (as a retry would) writes nothing more.
    await page.evaluate(() => (window as any).DutylineOutbox.flush());
    await page.waitForTimeout(300);
    expect(checkIns(await me.ok("GET", `/api/visits/${visitId}`))).toBe(base + 2);

    // Check out.
    await page.getByRole("button", { name: /Check out/ }).click();
    await page.getByRole("heading", { name: "Visit complete" }).waitFor();
    expect(((await me.ok("GET", `/api/visits/${visitId}`)) as any).status).toBe("completed");
    await context.close();
  });

  it("a tap on +30 min before the visit has loaded (slow signal) still extends it", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const end = new Date(Date.now() + 3600_000);
    const visit = await me.ok("POST", "/api/visits", { purpose: "home_visit", location: { address: "2 Slow Road" }, expectedEnd: end.toISOString() });
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    // The first read of the visit is slow; the button is on screen (server-rendered) before it lands.
    let first = true;
    await page.route(`**/api/visits/${visit.id}`, async (route) => {
      if (first && route.request().method() === "GET") {
        first = false;
        await new Promise((r) => setTimeout(r, 1500));
      }
      await route.continue();
    });
    await signIn(page, suite.server.url, amhp, `/visits/${visit.id}`);
    await page.getByRole("button", { name: "+30 min" }).click();
    await page.getByText(/Visit extended to/).waitFor({ timeout: 15_000 });
    const extended = (await me.ok("GET", `/api/visits/${visit.id}`)) as any;
    expect(Date.parse(extended.expectedEnd) - end.getTime()).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    await context.close();
  });

  it("the panic button needs a 2 second hold; a tap does nothing", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const end = new Date(Date.now() + 3600_000);
    const visit = await me.ok("POST", "/api/visits", { purpose: "mha_assessment", location: { address: "1 Test Street" }, expectedEnd: end.toISOString(), checkInEveryMinutes: 30 });
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp, `/visits/${visit.id}`);
    await page.getByText("Next check-in due in").waitFor();
    // Extend by 30 minutes.
    await page.getByRole("button", { name: "+30 min" }).click();
    await page.getByText(/Visit extended to/).waitFor();
    const extended = (await me.ok("GET", `/api/visits/${visit.id}`)) as any;
    expect(Date.parse(extended.expectedEnd) - end.getTime()).toBeGreaterThanOrEqual(30 * 60_000 - 1000);

    const panic = page.getByRole("button", { name: "Hold for panic alarm" });

    await panic.click(); // a tap
    await page.waitForTimeout(300);
    await expect(page.locator("#panic-status").textContent()).resolves.toMatch(/Not sent/);
    expect(((await me.ok("GET", `/api/visits/${visit.id}`)) as any).alerts ?? []).toHaveLength(0);

    await panic.hover();
    await page.mouse.down();
    await page.waitForTimeout(2300);
    await page.mouse.up();
    await page.getByText(/Panic alarm sent/).waitFor();
    const after = (await me.ok("GET", `/api/visits/${visit.id}`)) as any;
    expect(after.alerts.map((a: any) => a.reason)).toContain("panic");
    await screenshots(page, "visit-panic-sent");
    await context.close();
  });

  it("a duress PIN at check-out looks exactly like an ordinary check-out, and managers are alerted", async () => {
    const manager = await makePerson(suite.admin, ["manager"]);
    const boss = await Api.login(suite.server.url, manager.email, manager.password);
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp);
    await page.getByLabel("New duress PIN").fill("4321");
    await page.getByLabel("Type it again").fill("4321");
    await page.getByRole("button", { name: "Save duress PIN" }).click();
    await page.getByText("Duress PIN saved.").waitFor();

    const texts: string[] = [];
    for (const pin of ["", "4321"]) {
      const visit = await me.ok("POST", "/api/visits", { purpose: "mha_assessment", location: { address: "3 Quiet Close" }, expectedEnd: new Date(Date.now() + 3600_000).toISOString() });
      await page.goto(`${suite.server.url}/visits/${visit.id}`);
      await page.getByText("Next check-in due in").waitFor();
      if (pin) await page.getByLabel("PIN (optional)").fill(pin);
      await page.getByRole("button", { name: /Check out/ }).click();
      await page.getByRole("heading", { name: "Visit complete" }).waitFor();
      texts.push((await page.locator("#done").innerText()).trim());
      if (pin) {
        await screenshots(page, "visit-checked-out");
        const open = (await boss.ok("GET", "/api/alerts?status=open")) as any;
        expect(open.alerts.filter((a: any) => a.visitId === visit.id).map((a: any) => a.reason)).toContain("duress");
      }
    }
    expect(texts[1]).toBe(texts[0]);
    await context.close();
  });
  it("after a manager acknowledges a panic, the worker's page says who is dealing with it", async () => {
    const manager = await makePerson(suite.admin, ["manager"], { name: "Robin Achebe" });
    const boss = await Api.login(suite.server.url, manager.email, manager.password);
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const visit = await me.ok("POST", "/api/visits", { purpose: "home_visit", location: { address: "5 Help Street" }, expectedEnd: new Date(Date.now() + 3600_000).toISOString() });
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp, `/visits/${visit.id}`);
    await page.getByText("Next check-in due in").waitFor();
    await page.getByRole("button", { name: "Hold for panic alarm" }).hover();
    await page.mouse.down();
    await page.waitForTimeout(2300);
    await page.mouse.up();
    await page.getByText(/Panic alarm sent/).waitFor();
    await page.locator("#alert-open").waitFor();
    const alertId = ((await me.ok("GET", `/api/visits/${visit.id}`)) as any).alerts.find((a: any) => a.reason === "panic").id;
    expect(await page.locator("#alert-dealt").isVisible()).toBe(false);
    await boss.ok("POST", `/api/alerts/${alertId}/acknowledge`);
    await page.getByText("Robin Achebe is dealing with your alert.").waitFor({ timeout: 15_000 });
    expect(await page.locator("#alert-open").isVisible()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, "visit-alert-dealt-with");
    await context.close();
  });

  it("after a manager acknowledges a duress alarm, the worker's page is exactly an ordinary checked-out one", async () => {
    const manager = await makePerson(suite.admin, ["manager"]);
    const boss = await Api.login(suite.server.url, manager.email, manager.password);
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    await me.ok("PUT", "/api/me/duress-pin", { pin: "2468" });
    const expectedEnd = new Date(Date.now() + 3600_000).toISOString();
    const start = () => me.ok("POST", "/api/visits", { purpose: "mha_assessment", location: { address: "6 Quiet Mews" }, expectedEnd });
    const plain = await start();
    const duress = await start();
    await me.ok("POST", `/api/visits/${plain.id}/check-out`, {});
    await me.ok("POST", `/api/visits/${duress.id}/check-out`, { pin: "2468" });
    let alert: any;
    for (let i = 0; i < 50 && !alert; i++) {
      alert = ((await boss.ok("GET", "/api/alerts?status=open")) as any).alerts.find((a: any) => a.visitId === duress.id && a.reason === "duress");
      if (!alert) await new Promise((r) => setTimeout(r, 100));
    }
    expect(alert).toBeDefined();
    await boss.ok("POST", `/api/alerts/${alert.id}/acknowledge`);
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp, `/visits/${plain.id}`);
    const shown = async (id: string) => {
      await page.goto(`${suite.server.url}/visits/${id}`);
      await page.getByRole("heading", { name: "Visit complete" }).waitFor();
      await page.waitForTimeout(5500); // past one look-again interval
      // The same, but for the id and the (hidden) countdown ticking on between the two.
      return page.evaluate(() => {
        document.getElementById("due-left")!.textContent = "";
        return document.getElementById("visit")!.outerHTML.split(location.pathname.split("/").pop()!).join("<id>");
      });
    };
    const ordinary = await shown(plain.id);
    expect(await shown(duress.id)).toBe(ordinary);
    expect(ordinary).not.toMatch(/dealing with your alert/);
    await context.close();
  });
});
