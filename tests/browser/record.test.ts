// A person's record (/staff/:id): each job done through the page as the role that does it,
// then read back through the API; every form's refusal shown beside its field with the other
// values kept and nothing written; a line manager never sees a cause.
import { describe, expect, it } from "vitest";
import type { Browser, Locator, Page } from "playwright-core";
import { Api, DESK, browserSuite, makePerson, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A browser signed in as `who` (through the sign-in form with JavaScript on; with it off, the session cookie is set as sign-in sets it), at `next`. */
async function as(browser: Browser, base: string, who: { email: string; password: string }, next: string, js = true): Promise<Page> {
  const context = await browser.newContext({ viewport: DESK, javaScriptEnabled: js });
  const page = await context.newPage();
  if (js) {
    await signIn(page, base, who, next);
    return page;
  }
  const res = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", Origin: base }, body: JSON.stringify(who) });
  expect(res.status).toBe(200);
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const i = pair!.indexOf("=");
    await context.addCookies([{ name: pair!.slice(0, i), value: pair!.slice(i + 1), domain: new URL(base).hostname, path: "/", secure: /;\s*secure/i.test(c), httpOnly: true, sameSite: "Lax" }]);
  }
  await page.goto(`${base}${next}`);
  return page;
}

/** Open a collapsed "record new" form by its summary, and return the form. */
async function open(page: Page, summary: string, key: string): Promise<Locator> {
  const form = page.locator(`#form-${key}`);
  if (!(await form.isVisible())) await page.locator("summary", { hasText: summary }).click();
  return form;
}

const submit = async (page: Page, form: Locator, button: string) => {
  await Promise.all([page.waitForLoadState("load"), form.getByRole("button", { name: button, exact: true }).click()]);
  await page.locator("#person-record").waitFor({ timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e}\n${page.url()}\n${(await page.content()).slice(0, 1500)}`);
  });
};

const auditLength = async (admin: Api) => (await admin.ok("GET", "/api/audit/verify")).entries as number;
const errorBeside = (page: Page, key: string, field: string) => page.locator(`#f-${key}-${field}-error`).textContent();

describe("a person's record", { timeout: 120_000 }, () => {
  it("a team manager records a supervision, records and closes an absence, records the interview and voids a record, with JavaScript off; never sees the cause", async () => {
    const { server, admin, browser } = suite;
    const manager = await makePerson(admin, ["manager"], { name: "Morgan Lee", team: "East" });
    const worker = await makePerson(admin, ["social_worker"], { name: "Ada Byrne", team: "East" });
    const mApi = await Api.login(server.url, manager.email, manager.password);
    const page = await as(browser, server.url, manager, `/staff/${worker.id}`, false);
    await page.getByRole("heading", { name: "Ada Byrne" }).waitFor();

    // Record a supervision: the manager is chosen as supervisor already.
    let form = await open(page, "Record a supervision", "supervision");
    await form.getByLabel("Held on").fill(day(-1));
    expect(await form.getByLabel("Supervisor").inputValue()).toBe(manager.id);
    await submit(page, form, "Record supervision");
    await page.getByText("Supervision recorded").waitFor();
    const sups = (await mApi.ok("GET", `/api/staff/${worker.id}/supervisions`)).supervisions;
    expect(sups).toHaveLength(1);
    expect(sups[0]).toMatchObject({ heldOn: day(-1), supervisorId: manager.id, status: "awaiting_confirmation" });

    // Record an absence, then close it.
    form = await open(page, "Record an absence", "absence");
    await form.getByLabel("First day").fill(day(-3));
    await form.getByLabel("Cause").selectOption("stress_anxiety_depression");
    await submit(page, form, "Record absence");
    await page.getByText("Absence recorded").waitFor();
    let episodes = (await mApi.ok("GET", `/api/staff/${worker.id}/sickness`)).episodes;
    expect(episodes).toHaveLength(1);
    expect(episodes[0]).toMatchObject({ firstDay: day(-3), lastDay: null });
    expect(episodes[0].cause).toBeUndefined();
    // The manager's view never shows the cause (the form's own choices aside).
    for (const where of ["#sickness table", "#return-to-work", "#supervision"]) {
      expect(await page.locator(where).first().textContent()).not.toMatch(/stress|anxiety|depression/i);
    }
    expect(await page.locator("#sickness table th").allTextContents()).not.toContain("Cause");

    form = page.locator(`#form-close-${episodes[0].id}`);
    await form.getByLabel("Last day").fill(day(-1));
    await submit(page, form, "Close absence");
    await page.getByText("Absence closed").waitFor();
    episodes = (await mApi.ok("GET", `/api/staff/${worker.id}/sickness`)).episodes;
    expect(episodes[0]).toMatchObject({ lastDay: day(-1), open: false });

    // The return-to-work interview.
    form = page.locator(`#form-rtw-${episodes[0].id}`);
    await form.getByLabel("Held on").fill(day(0));
    await submit(page, form, "Record interview");
    await page.getByText("Return-to-work interview recorded").waitFor();
    episodes = (await mApi.ok("GET", `/api/staff/${worker.id}/sickness`)).episodes;
    expect(episodes[0].returnToWork).toMatchObject({ heldOn: day(0) });
    expect(await page.content()).not.toMatch(/Stress, anxiety or depression<\/td>/);
    // Nor does the absence's own record and history.
    await page.goto(`${server.url}/staff/${worker.id}?kind=sickness&record=${episodes[0].id}`);
    expect(await page.locator("#record").textContent()).not.toMatch(/cause|stress|anxiety|depression/i);
    expect(await page.locator(".versions li").count()).toBe(2);
    await page.goto(`${server.url}/staff/${worker.id}`);

    // Void the supervision with a reason, from its history.
    await Promise.all([page.waitForLoadState("load"), page.locator("#supervision table a", { hasText: "History" }).first().click()]);
    form = page.locator("#form-void");
    await form.getByLabel("Reason", { exact: true }).fill("Recorded against the wrong person");
    await submit(page, form, "Void");
    await page.getByText("Record voided").waitFor();
    const voided = (await mApi.ok("GET", `/api/staff/${worker.id}/supervisions`)).supervisions[0];
    expect(voided.voidedAt).not.toBeNull();
    expect(voided.voidReason).toBe("Recorded against the wrong person");
    expect(await page.locator("#record").textContent()).toContain("Recorded against the wrong person");
    const historyUrl = page.url();

    // Screenshots and axe need JavaScript in the page: the same views with it on.
    const seen = await as(browser, server.url, manager, `/staff/${worker.id}`);
    await seen.locator("summary", { hasText: "Record a supervision" }).click();
    await screenshots(seen, "record-manager");
    expect(await seriousViolations(seen)).toEqual([]);
    await seen.goto(historyUrl);
    await screenshots(seen, "record-history");
    expect(await seriousViolations(seen)).toEqual([]);
    await seen.context().close();

    // A manager of another team reads that the record is not theirs.
    const other = await makePerson(admin, ["manager"], { name: "Rhys Owen", team: "West" });
    const otherPage = await as(browser, server.url, other, `/staff/${worker.id}`, false);
    await otherPage.getByText("You do not manage Ada Byrne's records").waitFor();
    expect(await otherPage.locator("form.record-form").count()).toBe(0);
    await otherPage.context().close();
    await page.context().close();
  });

  it("HR records an approval, training, leave, a late absence, an OH referral and its progress, and corrects an absence; the person reads their own record", async () => {
    const { server, admin, browser } = suite;
    const hr = await makePerson(admin, ["hr"], { name: "Hana Reid" });
    const worker = await makePerson(admin, ["amhp"], { name: "Ben Cole", team: "East" });
    const hrApi = await Api.login(server.url, hr.email, hr.password);
    const page = await as(browser, server.url, hr, `/staff/${worker.id}`);
    await page.getByRole("heading", { name: "Ben Cole" }).waitFor();

    let form = await open(page, "Record an AMHP approval", "approval");
    await form.getByLabel("Valid from").fill(day(-2));
    await form.getByLabel("Valid until").fill(day(365 * 3));
    await submit(page, form, "Record approval");
    await page.getByText("AMHP approval recorded").waitFor();

    form = await open(page, "Record training", "training");
    await form.getByLabel("Date").fill(day(-1));
    await form.getByLabel("Hours").fill("6");
    await form.getByLabel("Topic").fill("Mental Capacity Act update");
    await submit(page, form, "Record training");
    await page.getByText("Training recorded").waitFor();

    form = await open(page, "Record leave", "leave");
    await form.getByLabel("From", { exact: true }).fill(day(10));
    await form.getByLabel("To", { exact: true }).fill(day(14));
    await form.getByLabel("Kind of leave").selectOption("annual");
    await submit(page, form, "Record leave");
    await page.getByText("Leave recorded").waitFor();

    const lists = await hrApi.ok("GET", `/api/staff/${worker.id}/hr-records`);
    expect(lists.approvals[0]).toMatchObject({ validFrom: day(-2), validUntil: day(365 * 3) });
    expect(lists.training[0]).toMatchObject({ date: day(-1), hours: 6, topic: "Mental Capacity Act update" });
    expect(lists.leave[0]).toMatchObject({ from: day(10), to: day(14), kind: "annual" });

    // A late absence: the reason for the late entry is asked for in the form.
    form = await open(page, "Record an absence", "absence");
    await form.getByLabel("First day").fill(day(-20));
    await form.getByLabel("Cause").selectOption("infection");
    await form.getByLabel("Last day (if back already)").fill(day(-18));
    await form.getByLabel("Reason for a late entry").fill("Paper form found in the post tray");
    await submit(page, form, "Record absence");
    await page.getByText("Absence recorded").waitFor();
    const ep = (await hrApi.ok("GET", `/api/staff/${worker.id}/sickness`)).episodes[0];
    expect(ep).toMatchObject({ firstDay: day(-20), lastDay: day(-18), cause: "infection", late: true, lateEntryReason: "Paper form found in the post tray" });
    expect(await page.locator("#sickness table").textContent()).toContain("Infection");

    form = await open(page, "Refer to Occupational Health", "refer");
    await form.getByLabel("Referred on").fill(day(0));
    await form.getByLabel("Reason", { exact: true }).fill("Repeated short absences; support needed");
    await submit(page, form, "Refer");
    await page.getByText("OH referral recorded").waitFor();
    const ref = (await hrApi.ok("GET", `/api/staff/${worker.id}/oh-referrals`)).referrals[0];
    expect(ref).toMatchObject({ referredOn: day(0), reason: "Repeated short absences; support needed" });

    // The referral's progress, from its record.
    await page.goto(`${server.url}/staff/${worker.id}?kind=oh-referrals&record=${ref.id}`);
    form = page.locator("#form-oh-progress");
    await form.getByLabel("Appointment on").fill(day(7));
    await submit(page, form, "Correct");
    await page.getByText("OH referral updated").waitFor();
    expect((await hrApi.ok("GET", `/api/staff/${worker.id}/oh-referrals`)).referrals[0].appointmentOn).toBe(day(7));

    // Correct the absence's cause with a reason; the old version is kept and shown.
    await page.goto(`${server.url}/staff/${worker.id}?kind=sickness&record=${ep.id}`);
    form = page.locator("#form-correct");
    await form.getByLabel("Cause").selectOption("injury");
    await form.getByLabel("Reason", { exact: true }).fill("Cause misread from the form");
    await submit(page, form, "Correct");
    await page.getByText("Correction saved").waitFor();
    const history = await hrApi.ok("GET", `/api/records/sickness/${ep.id}/history`);
    expect(history.versions.map((v: { data: { cause: string } }) => v.data.cause)).toEqual(["infection", "injury"]);
    const versions = await page.locator(".versions li").allTextContents();
    expect(versions[0]).toContain("Infection");
    expect(versions[0]).toContain("Cause misread from the form");
    expect(versions[1]).toContain("Injury");
    await screenshots(page, "record-hr");
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();

    // The person reads their own record (the cause included) and has no forms.
    const own = await as(browser, server.url, worker, `/staff/${worker.id}`);
    await own.getByRole("heading", { name: "Ben Cole (your record)" }).waitFor();
    expect(await own.locator("#sickness table").textContent()).toContain("Injury");
    expect(await own.locator("form.record-form").count()).toBe(0);
    await screenshots(own, "record-own");
    expect(await seriousViolations(own)).toEqual([]);
    await own.context().close();
  });

  it("every form: a bad value is shown beside its field, the other values are kept, nothing is written (JavaScript off)", async () => {
    const { server, admin, browser } = suite;
    const hr = await makePerson(admin, ["hr"], { name: "Ola Hart" });
    const manager = await makePerson(admin, ["manager"], { name: "Nia Shaw", team: "Central" });
    const worker = await makePerson(admin, ["amhp"], { name: "Cara Diaz", team: "Central" });
    const hrApi = await Api.login(server.url, hr.email, hr.password);
    // An open absence, a closed one without an interview, an OH referral.
    const open1 = await hrApi.ok("POST", `/api/staff/${worker.id}/sickness`, { firstDay: day(-2), cause: "infection" });
    const closed = await hrApi.ok("POST", `/api/staff/${worker.id}/sickness`, { firstDay: day(-6), lastDay: day(-5), cause: "injury" });
    const ref = await hrApi.ok("POST", `/api/staff/${worker.id}/oh-referrals`, { referredOn: day(-1), reason: "Back pain" });
    const records = async () => JSON.stringify([
      await hrApi.ok("GET", `/api/staff/${worker.id}/supervisions`),
      await hrApi.ok("GET", `/api/staff/${worker.id}/sickness`),
      await hrApi.ok("GET", `/api/staff/${worker.id}/oh-referrals`),
      await hrApi.ok("GET", `/api/staff/${worker.id}/hr-records`),
    ]);
    const hrPage = await as(browser, server.url, hr, `/staff/${worker.id}`, false);
    const mPage = await as(browser, server.url, manager, `/staff/${worker.id}`, false);
    const before = await records();
    const audit = await auditLength(admin);
    type Case = { page: Page; url?: string; summary?: string; key: string; button: string; fill: [string, string, "fill" | "select"][]; bad: string; kept: [string, string][] };
    const cases: Case[] = [
      { page: mPage, summary: "Record a supervision", key: "supervision", button: "Record supervision", fill: [["heldOn", day(2), "fill"], ["durationMinutes", "45", "fill"], ["kind", "reflective", "select"]], bad: "heldOn", kept: [["durationMinutes", "45"], ["kind", "reflective"], ["supervisorId", manager.id]] },
      { page: mPage, summary: "Record an absence", key: "absence", button: "Record absence", fill: [["firstDay", day(-40), "fill"], ["cause", "surgery", "select"]], bad: "lateEntryReason", kept: [["firstDay", day(-40)], ["cause", "surgery"]] },
      { page: mPage, key: `close-${open1.id}`, button: "Close absence", fill: [["lastDay", day(-4), "fill"]], bad: "lastDay", kept: [["lastDay", day(-4)]] },
      { page: mPage, key: `rtw-${closed.id}`, button: "Record interview", fill: [["heldOn", day(-5), "fill"], ["notes", "Phased return agreed", "fill"]], bad: "heldOn", kept: [["notes", "Phased return agreed"]] },
      { page: mPage, summary: "Refer to Occupational Health", key: "refer", button: "Refer", fill: [["referredOn", day(0), "fill"], ["reason", "x", "fill"]], bad: "reason", kept: [["referredOn", day(0)]] },
      { page: hrPage, summary: "Record an AMHP approval", key: "approval", button: "Record approval", fill: [["validFrom", day(0), "fill"], ["validUntil", day(365 * 6), "fill"]], bad: "validUntil", kept: [["validFrom", day(0)]] },
      { page: mPage, summary: "Record training", key: "training", button: "Record training", fill: [["date", day(-1), "fill"], ["hours", "30", "fill"], ["topic", "Section 135 warrants", "fill"]], bad: "hours", kept: [["topic", "Section 135 warrants"], ["date", day(-1)]] },
      { page: mPage, summary: "Record leave", key: "leave", button: "Record leave", fill: [["from", day(10), "fill"], ["to", day(8), "fill"], ["kind", "study", "select"]], bad: "to", kept: [["from", day(10)], ["kind", "study"]] },
      { page: hrPage, url: `/staff/${worker.id}?kind=sickness&record=${closed.id}`, key: "correct", button: "Correct", fill: [["firstDay", day(-7), "fill"]], bad: "reason", kept: [["firstDay", day(-7)], ["cause", "injury"]] },
      { page: hrPage, url: `/staff/${worker.id}?kind=oh-referrals&record=${ref.id}`, key: "oh-progress", button: "Correct", fill: [["reportReceivedOn", day(3), "fill"], ["outcome", "Fit with adjustments", "fill"]], bad: "reportReceivedOn", kept: [["outcome", "Fit with adjustments"]] },
      { page: mPage, url: `/staff/${worker.id}?kind=sickness&record=${open1.id}`, key: "void", button: "Void", fill: [["reason", "\u200b ", "fill"]], bad: "reason", kept: [] },
    ];
    for (const k of cases) {
      if (k.url) await k.page.goto(`${server.url}${k.url}`);
      const form = k.summary ? await open(k.page, k.summary, k.key) : k.page.locator(`#form-${k.key}`);
      for (const [field, value, how] of k.fill) {
        const el = form.locator(`#f-${k.key}-${field}`);
        if (how === "select") await el.selectOption(value);
        else await el.fill(value);
      }
      await submit(k.page, form, k.button);
      expect(await errorBeside(k.page, k.key, k.bad), `${k.key}: error beside ${k.bad}`).toBeTruthy();
      expect(await k.page.locator(`#f-${k.key}-${k.bad}`).getAttribute("aria-invalid"), k.key).toBe("true");
      await k.page.locator("[data-error-summary]").waitFor();
      for (const [field, value] of k.kept) expect(await k.page.locator(`#f-${k.key}-${field}`).inputValue(), `${k.key}: ${field} kept`).toBe(value);
      expect(await auditLength(admin), `${k.key}: nothing audited`).toBe(audit);
    }
    expect(await records()).toBe(before);
    // Managers see no approval form; the page still refuses a forged one plainly (the API decides).
    expect(await mPage.locator("#form-approval").count()).toBe(0);
    const forged = await mPage.context().request.post(`${server.url}/staff/${worker.id}`, {
      form: { _action: "record-approval", validFrom: day(0), validUntil: day(30) },
      headers: { Origin: server.url },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain("Nothing was saved");
    expect(await auditLength(admin)).toBe(audit);
    await hrPage.context().close();
    await mPage.context().close();

    // A refused form as it looks (JavaScript on: the summary is focused), for the screenshots and axe.
    const seen = await as(browser, server.url, manager, `/staff/${worker.id}`);
    const form = await open(seen, "Record a supervision", "supervision");
    await form.getByLabel("Held on").fill(day(2));
    await submit(seen, form, "Record supervision");
    expect(await seen.locator("#f-supervision-heldOn-error").textContent()).toMatch(/^The date \d+ \w+ \d{4} is after today/);
    await screenshots(seen, "record-error");
    expect(await seriousViolations(seen)).toEqual([]);
    await seen.context().close();
  });
});
