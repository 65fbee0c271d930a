// My team (/team): a manager's Monday to-do list from the HR reports, each line leading to
// the person's record; and the home page's supervision confirmation, without JavaScript.
import { describe, expect, it } from "vitest";
import { Api, DESK, browserSuite, makePerson, screenshots, axeOfNoScript, noScriptPage } from "./harness.js";
import type { Page } from "playwright-core";

const suite = browserSuite();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const noScript = (who: { email: string; password: string }, path: string, viewport = DESK) => noScriptPage(suite, who, path, viewport);
const axeOf = (page: Page) => axeOfNoScript(suite, page);
const auditHead = async () => ((await suite.admin.ok("GET", "/api/audit?limit=1")).entries[0]?.seq ?? 0) as number;

describe("My team", { timeout: 90_000 }, () => {
  it("lists what a team manager must do, each line linking to the person's record, and nothing from another team", async () => {
    const team = "Riverside";
    const manager = await makePerson(suite.admin, ["manager"], { name: "Mina Grant", team });
    const noSup = await makePerson(suite.admin, ["social_worker"], { name: "Nia Unsupervised", team });
    const offSick = await makePerson(suite.admin, ["social_worker"], { name: "Olu Absent", team, startDate: day(-400) });
    const back = await makePerson(suite.admin, ["social_worker"], { name: "Pat Returned", team, startDate: day(-400) });
    const amhp = await makePerson(suite.admin, ["amhp"], { name: "Quinn Expiring", team, startDate: day(-400) });
    const justBack = await makePerson(suite.admin, ["social_worker"], { name: "Rio Justback", team, startDate: day(-400) });
    const elsewhere = await makePerson(suite.admin, ["social_worker"], { name: "Zed Otherteam", team: "Hilltop" });
    await suite.admin.ok("POST", `/api/staff/${offSick.id}/sickness`, { firstDay: day(-40), cause: "infection", lateEntryReason: "Entered for the test" });
    await suite.admin.ok("POST", `/api/staff/${back.id}/sickness`, { firstDay: day(-25), lastDay: day(-20), cause: "infection", lateEntryReason: "Entered for the test" });
    // Back today (or on the next working day), no interview yet: due, not overdue.
    await suite.admin.ok("POST", `/api/staff/${justBack.id}/sickness`, { firstDay: day(-3), lastDay: day(-1), cause: "infection" });
    await suite.admin.ok("POST", `/api/staff/${amhp.id}/amhp-approvals`, { validFrom: day(-1000), validUntil: day(30), lateEntryReason: "Entered for the test" });
    await suite.admin.ok("POST", `/api/staff/${elsewhere.id}/sickness`, { firstDay: day(-3), cause: "infection" });

    const { context, page } = await noScript(manager, "/team", DESK);
    await page.getByRole("heading", { name: "My team", level: 1 }).waitFor();
    const section = (name: RegExp) => page.getByRole("region", { name });
    await expect(section(/Supervision overdue or due this week/).textContent()).resolves.toContain("Nia Unsupervised");
    await expect(section(/Absent now/).textContent()).resolves.toContain("Olu Absent");
    await expect(section(/OH referrals due/).textContent()).resolves.toContain("Olu Absent");
    const rtwText = await section(/Return-to-work interviews due or overdue/).textContent();
    expect(rtwText).toMatch(/Pat Returned\s*return-to-work interview overdue/);
    expect(rtwText).toMatch(/Rio Justback\s*return-to-work interview due by \d{1,2} [A-Z][a-z]{2} \d{4}/);
    await expect(section(/AMHP approvals expiring within 90 days/).textContent()).resolves.toContain("Quinn Expiring");
    expect(await page.locator("main").textContent()).not.toContain("Zed Otherteam");
    // Each line leads to the person's record, where the missing thing is recorded.
    const link = section(/AMHP approvals/).getByRole("link", { name: /Record approval for Quinn Expiring/ });
    expect(await link.getAttribute("href")).toBe(`/staff/${amhp.id}`);
    const rtw = section(/Return-to-work/).getByRole("link", { name: /Record interview for Pat Returned/ });
    expect(await rtw.getAttribute("href")).toBe(`/staff/${back.id}`);
    const rtwDue = section(/Return-to-work/).getByRole("link", { name: /Record interview for Rio Justback/ });
    expect(await rtwDue.getAttribute("href")).toBe(`/staff/${justBack.id}`);
    await screenshots(page, "team");
    expect(await axeOf(page)).toEqual([]);

    // What the page showed is what the API says for this manager.
    const api = await Api.login(suite.server.url, manager.email, manager.password);
    const sickness = await api.ok("GET", "/api/reports/sickness");
    expect(sickness.rows.find((r: { staffId: string }) => r.staffId === offSick.id)).toMatchObject({ currentlyAbsent: true, ohReferralDue: true });
    expect(sickness.rows.find((r: { staffId: string }) => r.staffId === back.id)).toMatchObject({ rtwOverdue: true, rtwDueBy: expect.any(String) });
    const dueRow = sickness.rows.find((r: { staffId: string }) => r.staffId === justBack.id);
    expect(dueRow).toMatchObject({ rtwOverdue: false, rtwDueBy: expect.any(String) });
    expect(dueRow.rtwDueBy >= day(0) && dueRow.rtwDueBy <= day(7)).toBe(true);
    // The line leads to the record page, where the interview is recorded: then the line goes.
    await Promise.all([page.waitForURL(new RegExp(`/staff/${justBack.id}`)), rtwDue.click()]);
    const onRecord = page.getByRole("region", { name: "Return-to-work interviews" });
    await onRecord.getByLabel("Held on").fill(day(0));
    await Promise.all([page.waitForURL(/done=/), onRecord.getByRole("button", { name: "Record interview" }).click()]);
    const ep = (await api.ok("GET", `/api/staff/${justBack.id}/sickness`)).episodes[0];
    expect(ep.returnToWork).toMatchObject({ heldOn: day(0) });
    await page.goto(`${suite.server.url}/team`);
    expect(await section(/Return-to-work/).textContent()).not.toContain("Rio Justback");
    expect((await api.ok("GET", "/api/reports/sickness")).rows.find((r: { staffId: string }) => r.staffId === justBack.id)).toMatchObject({ rtwDueBy: null });
    await context.close();
  });

  it("the supervisee confirms a supervision from the home page with JavaScript off; confirming again is refused and writes nothing", async () => {
    const team = "Confirmers";
    const manager = await makePerson(suite.admin, ["manager"], { name: "Rae Supervisor", team });
    const worker = await makePerson(suite.admin, ["social_worker"], { name: "Sol Supervisee", team });
    const mgr = await Api.login(suite.server.url, manager.email, manager.password);
    const session = await mgr.ok("POST", `/api/staff/${worker.id}/supervisions`, { heldOn: day(-1), supervisorId: manager.id, durationMinutes: 60 });

    const { context, page } = await noScript(worker, "/", DESK);
    const region = page.getByRole("region", { name: "Supervision to confirm" });
    await expect(region.textContent()).resolves.toContain("Your supervision held on");
    await screenshots(page, "home-actions");
    expect(await axeOf(page)).toEqual([]);

    // A second tab left open on the old page, to send the same confirmation twice.
    const stale = await context.newPage();
    await stale.goto(`${suite.server.url}/`);

    await Promise.all([page.waitForURL(/done=confirmed/), region.getByRole("button", { name: /Confirm/ }).click()]);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Supervision confirmed");
    expect(await page.getByRole("region", { name: "Supervision to confirm" }).count()).toBe(0);
    const read = await mgr.ok("GET", `/api/staff/${worker.id}/supervisions`);
    const row = read.supervisions.find((s: { id: string }) => s.id === session.id);
    expect(row.superviseeConfirmedAt).toBeTruthy();

    const before = await auditHead();
    await stale.getByRole("region", { name: "Supervision to confirm" }).getByRole("button", { name: /Confirm/ }).click();
    await stale.locator(".error-summary").waitFor();
    expect(await stale.locator(".error-summary").textContent()).toContain("You have already confirmed this session");
    expect(await auditHead()).toBe(before);
    await context.close();

    // The other way round: a session the supervisee recorded waits on the supervisor's home page.
    const workerApi = await Api.login(suite.server.url, worker.email, worker.password);
    const theirs = await workerApi.ok("POST", `/api/staff/${worker.id}/supervisions`, { heldOn: day(0), supervisorId: manager.id });
    const { context: mctx, page: mp } = await noScript(manager, "/", DESK);
    const waiting = mp.getByRole("region", { name: "Supervision to confirm" });
    await expect(waiting.textContent()).resolves.toContain("Supervision you gave Sol Supervisee");
    await Promise.all([mp.waitForURL(/done=confirmed/), waiting.getByRole("button", { name: /Confirm/ }).click()]);
    const both = (await mgr.ok("GET", `/api/staff/${worker.id}/supervisions`)).supervisions.find((s: { id: string }) => s.id === theirs.id);
    expect(both).toMatchObject({ status: "confirmed" });
    await mctx.close();
  });
});
