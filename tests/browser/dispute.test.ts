// Disputing a supervision from the home page (issue 11, "Supervision, both parties"), with
// JavaScript off from sign-in on: the supervisee disputes with a reason and it is read back
// through the API (not counting, not awaiting, the reason there for HR); without a reason,
// the API's error shows beside Reason, the other line still there, nothing written.
import { describe, expect, it } from "vitest";
import { Api, DESK, browserSuite, makePerson, screenshots, seriousViolations } from "./harness.js";

const suite = browserSuite();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const auditLength = async () => (await suite.admin.ok("GET", "/api/audit/verify")).entries as number;

/** A browser with JavaScript off, signed in through the sign-in page itself. */
async function noScript(who: { email: string; password: string }) {
  const context = await suite.browser.newContext({ viewport: DESK, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${suite.server.url}/login?next=%2F`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.getByRole("button", { name: "Sign in" }).click()]);
  return { context, page };
}

describe("Disputing a supervision", { timeout: 90_000 }, () => {
  it("the supervisee disputes with a reason from the home page, JavaScript off; without a reason the error is beside Reason and nothing is written", async () => {
    const team = "Disputers";
    const manager = await makePerson(suite.admin, ["manager"], { name: "Tam Recorder", team });
    const worker = await makePerson(suite.admin, ["social_worker"], { name: "Uma Disputes", team });
    const hr = await makePerson(suite.admin, ["hr"], { name: "Val Personnel" });
    const mgr = await Api.login(suite.server.url, manager.email, manager.password);
    const wrong = await mgr.ok("POST", `/api/staff/${worker.id}/supervisions`, { heldOn: day(-2), supervisorId: manager.id, durationMinutes: 45 });
    const right = await mgr.ok("POST", `/api/staff/${worker.id}/supervisions`, { heldOn: day(-1), supervisorId: manager.id, durationMinutes: 60 });

    const { context, page } = await noScript(worker);
    const region = page.getByRole("region", { name: "Supervision to confirm" });
    const line = (id: string) => region.locator("li", { has: page.locator(`input[name=id][value="${id}"]`) }).first();
    await expect(region.textContent()).resolves.toContain("Your supervision held on");

    // No reason: the API's error beside Reason, the page as it was, nothing written.
    const before = await auditLength();
    await line(wrong.id).getByRole("button", { name: /^Dispute/ }).click();
    await page.locator(".error-summary").waitFor();
    const reason = line(wrong.id).getByLabel("Reason");
    expect(await reason.getAttribute("aria-invalid")).toBe("true");
    const errorId = (await reason.getAttribute("aria-describedby"))!.split(" ").find((i) => i.endsWith("-error"))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toMatch(/reason/i);
    expect(await page.locator(".error-summary a").first().getAttribute("href")).toBe(`#${await reason.getAttribute("id")}`);
    expect(await line(right.id).getByLabel("Reason").getAttribute("aria-invalid")).toBeNull();
    expect(await auditLength()).toBe(before);
    await screenshots(page, "home-dispute-error");

    // One letter is not a reason either: refused beside Reason, what was typed kept.
    await line(wrong.id).getByLabel("Reason").fill("x");
    await line(wrong.id).getByRole("button", { name: /^Dispute/ }).click();
    await page.locator(".error-summary").waitFor();
    expect(await line(wrong.id).getByLabel("Reason").inputValue()).toBe("x");
    expect(await line(wrong.id).locator(".field-error .error").textContent()).toContain("at least 2 visible characters");
    expect(await auditLength()).toBe(before);

    // With a reason: disputed, and gone from the list waiting for confirmation.
    await reason.fill("We cancelled this one; it never took place");
    await Promise.all([page.waitForURL(/done=disputed/), line(wrong.id).getByRole("button", { name: /^Dispute/ }).click()]);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Supervision disputed");
    expect(await page.locator(`input[name=id][value="${wrong.id}"]`).count()).toBe(0);
    expect(await page.locator(`input[name=id][value="${right.id}"]`).count()).toBeGreaterThan(0);
    expect(await auditLength()).toBe(before + 1);

    // Read back through the API: HR sees the dispute and its reason; it does not count.
    const hrApi = await Api.login(suite.server.url, hr.email, hr.password);
    const list = await hrApi.ok("GET", `/api/staff/${worker.id}/supervisions`);
    expect(list.supervisions.find((s: { id: string }) => s.id === wrong.id)).toMatchObject({ status: "disputed", disputedBy: worker.id, disputeReason: "We cancelled this one; it never took place" });
    expect(list.supervisions.find((s: { id: string }) => s.id === right.id)).toMatchObject({ status: "awaiting_confirmation", disputedAt: null });
    const report = await hrApi.ok("GET", "/api/reports/supervision");
    expect(report.rows.find((r: { staffId: string }) => r.staffId === worker.id)).toMatchObject({ lastSupervision: null, awaitingConfirmation: 1, disputed: 1 });
    expect((await suite.admin.ok("GET", "/api/audit/verify")).ok).toBe(true);

    // HR sees it flagged on the person's record.
    const { context: hctx, page: hp } = await noScript(hr);
    await hp.goto(`${suite.server.url}/staff/${worker.id}?kind=supervisions&record=${wrong.id}#record`);
    await expect(hp.locator("#record").textContent()).resolves.toContain("We cancelled this one; it never took place");
    await expect(hp.locator("#supervision").textContent()).resolves.toContain("Disputed");
    await hctx.close();

    await screenshots(page, "home-dispute");
    const axeContext = await suite.browser.newContext({ viewport: DESK, storageState: await context.storageState() });
    const axePage = await axeContext.newPage();
    await axePage.goto(`${suite.server.url}/`);
    expect(await seriousViolations(axePage)).toEqual([]);
    await axeContext.close();
    await context.close();
  });
});
