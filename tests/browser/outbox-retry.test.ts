// The phone's retries against the server's strict Idempotency-Key (same key, same body,
// or 409): a check-in whose answer was lost, retried more than 30 s later, and a visit
// start whose answer was lost, retried a minute later, both get the first answer.
import { describe, expect, it } from "vitest";
import type { Page, Route } from "playwright-core";
import { Api, browserSuite, makePerson, phoneContext, signIn } from "./harness.js";

const suite = browserSuite();

/** Let the next request to `path` reach the server, then lose its answer (as a dropped signal would). */
async function loseNextAnswer(page: Page, path: RegExp) {
  const statuses: number[] = [];
  let lost = false;
  await page.route(path, async (route: Route) => {
    if (route.request().method() !== "POST") return route.continue();
    if (!lost) {
      lost = true;
      const res = await route.fetch();
      statuses.push(res.status());
      return route.abort("connectionfailed");
    }
    const res = await route.fetch();
    statuses.push(res.status());
    return route.fulfill({ response: res });
  });
  return statuses;
}

/** Move the page's clock on (Date.now and new Date()), as if the phone waited that long. */
const waitOnPhone = (page: Page, ms: number) =>
  page.evaluate((skip) => {
    const RealDate = Date;
    const shift = () => RealDate.now() + skip;
    class Later extends RealDate {
      constructor(...a: unknown[]) {
        super(...((a.length ? a : [shift()]) as [number]));
      }
      static override now() {
        return shift();
      }
    }
    (window as unknown as { Date: DateConstructor }).Date = Later as unknown as DateConstructor;
  }, ms);

describe("phone retries with an Idempotency-Key", { timeout: 60_000 }, () => {
  it("a check-in whose answer was lost is confirmed by a late retry, once", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const visit = await me.ok("POST", "/api/visits", { purpose: "home_visit", location: { address: "1 Test Street" }, expectedEnd: new Date(Date.now() + 3600_000).toISOString(), checkInEveryMinutes: 30 });
    // No service worker: its Background Sync would send the entry itself, past page.route.
    const context = await phoneContext(suite.browser, { serviceWorkers: "block" });
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp, `/visits/${visit.id}`);
    await page.getByText("Next check-in due in").waitFor();
    const statuses = await loseNextAnswer(page, /\/check-in$/);

    await page.getByRole("button", { name: "I'm OK" }).click();
    await expect.poll(() => statuses).toEqual([200]); // the server has it; the phone does not know
    await page.getByText(/Waiting to send/).waitFor();
    await waitOnPhone(page, 60_000);
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await page.getByText(/Check-in sent/).waitFor();
    expect(statuses).toEqual([200, 200]);
    await expect(page.locator("main").textContent()).resolves.not.toMatch(/Not accepted/);
    const v = await me.ok("GET", `/api/visits/${visit.id}`);
    expect(v.checkIns.filter((c: { kind: string }) => c.kind === "check_in")).toHaveLength(1);
    await context.close();
  });

  it("a visit start whose answer was lost, sent again a minute later, opens that visit (no second visit)", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await signIn(page, suite.server.url, amhp);
    const statuses = await loseNextAnswer(page, /\/api\/visits$/);
    await page.getByLabel("Address").fill("2 Test Street");
    await page.getByRole("button", { name: "Start visit" }).click();
    await page.getByText(/No signal: the visit was not started/).waitFor();
    await waitOnPhone(page, 60_000);
    await Promise.all([page.waitForURL(/\/visits\//), page.getByRole("button", { name: "Start visit" }).click()]);
    expect(statuses).toEqual([201, 201]);
    const mine = (await me.ok("GET", "/api/visits?status=active")).visits.filter((x: { staffId: string }) => x.staffId === amhp.id);
    expect(mine).toHaveLength(1);
    expect(page.url()).toContain(mine[0].id);
    await context.close();
  });
});
