// My details, /me (issue 11), with JavaScript off from sign-in on: an AMHP sets their own
// mobile and it is read back through the API; a bad number shows beside Mobile with what was
// typed kept and nothing written (the audit chain's length unchanged); empty clears it. They
// change their own password (and sign in with the new one); a weak new password is refused
// beside New password. Screenshots at phone and desk width, and axe.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { Api, DESK, browserSuite, makePerson, screenshots, seriousViolations } from "./harness.js";

const suite = browserSuite();
const auditLength = async () => (await suite.admin.ok("GET", "/api/audit/verify")).entries as number;

/** A browser with JavaScript off, signed in through the sign-in page itself. */
async function noScript(who: { email: string; password: string }, next = "/me") {
  const context = await suite.browser.newContext({ viewport: DESK, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${suite.server.url}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.getByRole("button", { name: "Sign in" }).click()]);
  return { context, page };
}

/** The error text tied to a field (aria-describedby), which must say it is invalid. */
async function errorOf(page: Page, label: string) {
  const field = page.getByLabel(label, { exact: true });
  expect(await field.getAttribute("aria-invalid")).toBe("true");
  const id = (await field.getAttribute("aria-describedby"))!.split(" ").find((i) => i.endsWith("-error"))!;
  return (await page.locator(`[id="${id}"]`).textContent()) ?? "";
}

describe("My details", { timeout: 120_000 }, () => {
  it("an AMHP sets, is refused and clears their own mobile from /me, JavaScript off", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"], { name: "Ria Mobile", team: "Details" });
    const me = await Api.login(suite.server.url, amhp.email, amhp.password);
    const { context, page } = await noScript(amhp);
    expect(new URL(page.url()).pathname).toBe("/me");
    await page.getByRole("heading", { name: "My details" }).waitFor();
    const about = await page.locator("#about-h").locator("..").textContent();
    expect(about).toContain("Ria Mobile");
    expect(about).toContain(amhp.email);
    expect(about).toContain("AMHP");
    expect(about).toContain("Details");
    expect(await page.getByRole("link", { name: "My details" }).getAttribute("aria-current")).toBe("page");

    // A good number, written as people write it: saved, and stored as E.164.
    await page.getByLabel("Mobile", { exact: true }).fill("07700 900456");
    await Promise.all([page.waitForURL(/done=mobile/), page.getByRole("button", { name: "Save mobile" }).click()]);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("mobile number is saved");
    expect(await page.getByLabel("Mobile", { exact: true }).inputValue()).toBe("07700 900456");
    expect((await me.ok("GET", `/api/staff/${amhp.id}`)).mobile).toBe("+447700900456");

    // A bad number: beside Mobile, as typed, nothing written.
    const before = await auditLength();
    await page.getByLabel("Mobile", { exact: true }).fill("01632 960000");
    await page.getByRole("button", { name: "Save mobile" }).click();
    await page.locator(".error-summary").waitFor();
    expect(await errorOf(page, "Mobile")).toContain("UK mobile");
    expect(await page.getByLabel("Mobile", { exact: true }).inputValue()).toBe("01632 960000");
    expect(await page.locator(".error-summary a").first().getAttribute("href")).toBe(`#${await page.getByLabel("Mobile", { exact: true }).getAttribute("id")}`);
    expect(await auditLength()).toBe(before);
    expect((await me.ok("GET", `/api/staff/${amhp.id}`)).mobile).toBe("+447700900456");
    await screenshots(page, "me-error");

    // Empty clears it.
    await page.getByLabel("Mobile", { exact: true }).fill("");
    await Promise.all([page.waitForURL(/done=mobile-cleared/), page.getByRole("button", { name: "Save mobile" }).click()]);
    expect((await me.ok("GET", `/api/staff/${amhp.id}`)).mobile).toBeNull();
    // And set again, for the screenshot.
    await page.getByLabel("Mobile", { exact: true }).fill("+44 7700 900789");
    await Promise.all([page.waitForURL(/done=mobile/), page.getByRole("button", { name: "Save mobile" }).click()]);
    expect((await me.ok("GET", "/api/staff/" + amhp.id)).mobile).toBe("+447700900789");

    await page.goto(`${suite.server.url}/me`);
    await screenshots(page, "me");
    await context.close();

    // axe, with the page's scripts running (a context of its own, JavaScript on).
    const js = await suite.browser.newContext({ viewport: DESK });
    const jsPage = await js.newPage();
    await jsPage.goto(`${suite.server.url}/login?next=%2Fme`);
    await jsPage.getByLabel("Email").fill(amhp.email);
    await jsPage.getByLabel("Password", { exact: true }).fill(amhp.password);
    await Promise.all([jsPage.waitForURL((u) => u.pathname === "/me"), jsPage.getByRole("button", { name: "Sign in" }).click()]);
    expect(await seriousViolations(jsPage)).toEqual([]);
    await js.close();
  });

  it("a social worker changes their own password from /me and signs in with it; a weak one is refused beside New password", async () => {
    const worker = await makePerson(suite.admin, ["social_worker"], { name: "Ola Passwords" });
    const { context, page } = await noScript(worker);

    // Weak: refused beside New password, nothing written, the old password still works.
    const before = await auditLength();
    await page.getByLabel("Current password", { exact: true }).fill(worker.password);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.locator(".error-summary").waitFor();
    expect(await errorOf(page, "New password")).toContain("at least 12 characters");
    expect(await page.getByLabel("Current password", { exact: true }).getAttribute("aria-invalid")).toBeNull();
    expect(await auditLength()).toBe(before);

    // A common one (long enough): the policy's words, beside New password.
    await page.getByLabel("Current password", { exact: true }).fill(worker.password);
    await page.getByLabel("New password", { exact: true }).fill("aaaaaaaaaaaaaaaa");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.locator(".error-summary").waitFor();
    expect(await errorOf(page, "New password")).toMatch(/new password/i);
    expect(await auditLength()).toBe(before);

    // A wrong current password: beside Current password.
    await page.getByLabel("Current password", { exact: true }).fill("not-my-password-at-all");
    await page.getByLabel("New password", { exact: true }).fill("a-much-better-passphrase-42");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.locator(".error-summary").waitFor();
    expect(await errorOf(page, "Current password")).toContain("wrong");
    expect(await auditLength()).toBe(before);
    await Api.login(suite.server.url, worker.email, worker.password);

    // The right one: changed, still signed in here.
    const fresh = "a-much-better-passphrase-42";
    await page.getByLabel("Current password", { exact: true }).fill(worker.password);
    await page.getByLabel("New password", { exact: true }).fill(fresh);
    await Promise.all([page.waitForURL(/done=password/), page.getByRole("button", { name: "Change password" }).click()]);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("password is changed");
    expect(await auditLength()).toBeGreaterThan(before);
    await context.close();

    // The old one no longer signs in; the new one does, through the sign-in page.
    const old = await fetch(`${suite.server.url}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", Origin: suite.server.url }, body: JSON.stringify({ email: worker.email, password: worker.password }) });
    expect(old.status).toBe(401);
    const again = await noScript({ email: worker.email, password: fresh });
    expect(new URL(again.page.url()).pathname).toBe("/me");
    await again.page.getByRole("heading", { name: "My details" }).waitFor();
    await again.context.close();
    expect((await suite.admin.ok("GET", "/api/audit/verify")).ok).toBe(true);
  });
});
