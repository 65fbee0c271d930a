// Swaps through the pages, across three people, with JavaScript off: an AMHP offers a shift
// from "My shifts" on the home page, the receiver accepts it from theirs, a manager
// approves it from /swaps; then the rota read through the API shows the receiver.
import { describe, expect, it } from "vitest";
import { Api, DESK, PHONE, browserSuite, makePerson, screenshots, axeOfNoScript, noScriptPage } from "./harness.js";
import type { Page } from "playwright-core";

const suite = browserSuite();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const noScript = (who: { email: string; password: string }, path: string, viewport = DESK) => noScriptPage(suite, who, path, viewport);
const axeOf = (page: Page) => axeOfNoScript(suite, page);
const auditHead = async () => ((await suite.admin.ok("GET", "/api/audit?limit=1")).entries[0]?.seq ?? 0) as number;

describe("Swaps", { timeout: 90_000 }, () => {
  it("offer → accept → approve through the pages; a bad offer shows its error beside the field and writes nothing", async () => {
    const team = "Swappers";
    const giver = await makePerson(suite.admin, ["amhp"], { name: "Tess Giver", team });
    const taker = await makePerson(suite.admin, ["amhp"], { name: "Uma Taker", team });
    const manager = await makePerson(suite.admin, ["manager"], { name: "Vic Approver", team });
    for (const p of [giver, taker]) await suite.admin.ok("POST", `/api/staff/${p.id}/amhp-approvals`, { validFrom: day(-1), validUntil: day(700) });
    const rota = await suite.admin.ok("POST", "/api/rotas", { name: "Swap duty", kind: "amhp_duty" });
    const base = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const at = (days: number, hour: number) => new Date(base + days * 86_400_000 + hour * 3_600_000).toISOString();
    const given = await suite.admin.ok("POST", `/api/rotas/${rota.id}/assignments`, { staffId: giver.id, start: at(2, 0), end: at(2, 8) });
    await suite.admin.ok("POST", `/api/rotas/${rota.id}/assignments`, { staffId: taker.id, start: at(4, 0), end: at(4, 8) });

    // 1. The giver offers their shift (phone width, no JavaScript).
    const { context: giverCtx, page: gp } = await noScript(giver, "/", PHONE);
    const shifts = gp.getByRole("region", { name: /My shifts/ });
    await shifts.getByLabel("Offer to").waitFor();

    // A bad value first: nobody chosen. The error is beside the field; nothing is written.
    const before = await auditHead();
    await shifts.getByRole("button", { name: "Offer swap" }).click();
    await gp.waitForLoadState();
    await gp.locator(".error-summary").waitFor();
    const field = gp.getByLabel("Offer to");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const described = (await field.getAttribute("aria-describedby"))!;
    expect(await gp.locator(`[id="${described}"]`).textContent()).toContain("Choose whom");
    expect(await auditHead()).toBe(before);
    expect((await suite.admin.ok("GET", "/api/swaps")).swaps.filter((s: { assignmentId: string }) => s.assignmentId === given.id)).toEqual([]);

    await field.selectOption({ label: "Uma Taker" });
    await Promise.all([gp.waitForURL(/done=offered/), shifts.getByRole("button", { name: "Offer swap" }).click()]);
    await expect(gp.getByRole("region", { name: /My shifts/ }).textContent()).resolves.toContain("Offered to Uma Taker");

    // 2. The receiver accepts from their home page.
    const { context: takerCtx, page: tp } = await noScript(taker, "/", DESK);
    const offers = tp.getByRole("region", { name: "Shifts offered to you" });
    await expect(offers.textContent()).resolves.toContain("Offered by Tess Giver");
    await screenshots(tp, "home-swap-offered");
    expect(await axeOf(tp)).toEqual([]);
    const staleAccept = await takerCtx.newPage(); // a second tab on the same page, to accept twice
    await staleAccept.goto(`${suite.server.url}/`);
    await Promise.all([tp.waitForURL(/done=accepted/), offers.getByRole("button", { name: /Accept/ }).click()]);
    const beforeStale = await auditHead();
    await staleAccept.getByRole("region", { name: "Shifts offered to you" }).getByRole("button", { name: /Accept/ }).click();
    await staleAccept.locator(".error-summary").waitFor();
    expect(await auditHead()).toBe(beforeStale);
    const offered = (await suite.admin.ok("GET", "/api/swaps")).swaps.find((s: { assignmentId: string }) => s.assignmentId === given.id);
    expect(offered).toMatchObject({ fromStaffId: giver.id, toStaffId: taker.id, status: "accepted" });

    // 3. The manager approves from /swaps.
    const { context: mgrCtx, page: mp } = await noScript(manager, "/swaps", DESK);
    const waiting = mp.getByRole("region", { name: /waiting for your approval/ });
    await expect(waiting.textContent()).resolves.toContain("From Tess Giver to Uma Taker");
    await screenshots(mp, "swaps");
    expect(await axeOf(mp)).toEqual([]);
    const staleApprove = await mgrCtx.newPage();
    await staleApprove.goto(`${suite.server.url}/swaps`);
    await Promise.all([mp.waitForURL(/done=approved/), waiting.getByRole("button", { name: /Approve: Tess Giver to Uma Taker/ }).click()]);
    await expect(mp.getByRole("status").first().textContent()).resolves.toContain("Swap approved");
    // Approving it again from a tab left open is refused in words, and writes nothing.
    const beforeAgain = await auditHead();
    const again = await staleApprove.getByRole("button", { name: /Approve: Tess Giver to Uma Taker/ }).click().then(() => staleApprove.locator(".error-summary").textContent());
    expect(again).toMatch(/approved|accepted/i);
    expect(await auditHead()).toBe(beforeAgain);

    // Read back through the API: approved, and the shift is now the receiver's.
    const mgr = await Api.login(suite.server.url, manager.email, manager.password);
    const after = (await mgr.ok("GET", "/api/swaps")).swaps.find((s: { id: string }) => s.id === offered.id);
    expect(after.status).toBe("approved");
    const takerApi = await Api.login(suite.server.url, taker.email, taker.password);
    const mine = await takerApi.ok("GET", `/api/me/shifts?from=${encodeURIComponent(at(1, 0))}&to=${encodeURIComponent(at(5, 0))}`);
    expect(mine.shifts.map((s: { start: string }) => s.start)).toContain(at(2, 0));
    expect(mine.shifts).toHaveLength(2);
    const giverApi = await Api.login(suite.server.url, giver.email, giver.password);
    expect((await giverApi.ok("GET", `/api/me/shifts?from=${encodeURIComponent(at(1, 0))}&to=${encodeURIComponent(at(5, 0))}`)).shifts).toEqual([]);
    await Promise.all([giverCtx.close(), takerCtx.close(), mgrCtx.close()]);
  });

  it("/swaps is for managers: an AMHP reads why, not a broken page", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"]);
    const { context, page } = await noScript(amhp, "/", DESK);
    const res = await page.goto(`${suite.server.url}/swaps`);
    expect(res?.status()).toBe(403);
    expect(await page.locator("main").textContent()).toContain("Approving swaps is for managers.");
    await context.close();
  });
});
