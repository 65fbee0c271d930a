// Signing in (/login): the form posts to the page and signs in without JavaScript, through
// the API's own sign-in (its throttle, its words, its session cookie), then goes on to the
// page asked for, never to another site. With JavaScript the same form signs in over the API.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { DESK, PHONE, browserSuite, makePerson, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

async function noScript(viewport = PHONE) {
  const context = await suite.browser.newContext({ viewport, javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

async function submit(page: Page, who: { email: string; password: string }) {
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"), page.getByRole("button", { name: "Sign in" }).click()]);
  await page.waitForLoadState();
  return res;
}

/** axe needs JavaScript: a context with it, but without login.js, so the form posts as it does without. */
async function withAxe() {
  const context = await suite.browser.newContext({ viewport: PHONE });
  await context.route("**/static/login.js", (r) => r.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
  return { context, page: await context.newPage() };
}

describe("signing in", { timeout: 60_000 }, () => {
  it("the page and its refusal: screenshots, and no serious axe violations", async () => {
    const p = await makePerson(suite.admin, ["amhp"]);
    const { context, page } = await withAxe();
    await page.goto(`${suite.server.url}/login`);
    await screenshots(page, "login");
    expect(await seriousViolations(page)).toEqual([]);
    expect((await submit(page, { email: p.email, password: "not the password at all" })).status()).toBe(401);
    await page.getByText("Wrong email or password.").waitFor();
    await screenshots(page, "login-error");
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("without JavaScript: the form signs in, sets the session and goes on to the page asked for", async () => {
    const hr = await makePerson(suite.admin, ["hr"], { name: "Hari Sign" });
    const { context, page } = await noScript();
    await page.goto(`${suite.server.url}/staff?q=hari`);
    // Not signed in: sent to sign in, and back afterwards.
    expect(new URL(page.url()).pathname).toBe("/login");
    const res = await submit(page, hr);
    expect(res.status()).toBe(303);
    expect(res.headers()["location"]).toBe("/staff?q=hari");
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/staff?q=hari");
    await page.getByRole("heading", { name: "Staff", level: 1 }).waitFor();
    // The session the page set is the API's: read back through the API.
    const me = await page.request.get(`${suite.server.url}/api/me`);
    expect(me.status()).toBe(200);
    expect((await me.json()).email).toBe(hr.email);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name.includes("dutyline_session"))).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    await context.close();
  });

  it("without JavaScript: a wrong pair shows the API's words with the email kept; nothing signs in", async () => {
    const p = await makePerson(suite.admin, ["amhp"]);
    const { context, page } = await noScript(DESK);
    await page.goto(`${suite.server.url}/login?next=${encodeURIComponent("/rota")}`);
    const res = await submit(page, { email: p.email, password: "not the password at all" });
    expect(res.status()).toBe(401);
    await expect(page.getByRole("alert").first().textContent()).resolves.toContain("Wrong email or password.");
    expect(await page.getByLabel("Email").inputValue()).toBe(p.email);
    expect(await page.getByLabel("Password").inputValue()).toBe("");
    expect((await page.request.get(`${suite.server.url}/api/me`)).status()).toBe(401);
    // The page asked for is kept through the refusal: the right password goes there.
    const ok = await submit(page, p);
    expect(ok.status()).toBe(303);
    expect(new URL(page.url()).pathname).toBe("/rota");
    await context.close();
  });

  it("without JavaScript: empty fields are named beside them, and the API is not asked", async () => {
    const { context, page } = await noScript();
    await page.goto(`${suite.server.url}/login`);
    const res = await submit(page, { email: "", password: "" });
    expect(res.status()).toBe(400);
    await expect(page.locator(".field-error", { has: page.getByLabel("Email") }).textContent()).resolves.toContain("Enter your email address.");
    await expect(page.locator(".field-error", { has: page.getByLabel("Password") }).textContent()).resolves.toContain("Enter your password.");
    await context.close();
  });

  it("never sends a person on to another site, whatever `next` says", async () => {
    const p = await makePerson(suite.admin, ["social_worker"]);
    for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/login"]) {
      const { context, page } = await noScript();
      await page.goto(`${suite.server.url}/login?next=${encodeURIComponent(next)}`);
      const res = await submit(page, p);
      expect(res.status(), next).toBe(303);
      expect(res.headers()["location"], next).toBe("/");
      await context.close();
    }
  });

  it("the throttle's refusal (429) is said plainly, and the right password then waits too", async () => {
    const p = await makePerson(suite.admin, ["amhp"]);
    const { context, page } = await noScript();
    await page.goto(`${suite.server.url}/login`);
    for (let i = 0; i < 5; i++) expect((await submit(page, { email: p.email, password: `wrong guess ${i}` })).status()).toBe(401);
    const res = await submit(page, { email: p.email, password: "wrong guess again" });
    expect(res.status()).toBe(429);
    const said = await page.getByRole("alert").first().textContent();
    expect(said).toMatch(/Too many wrong passwords for this account from here\. Try again in 1 minute/);
    expect(await page.getByLabel("Email").inputValue()).toBe(p.email);
    expect((await submit(page, p)).status()).toBe(429);
    await context.close();
  });

  it("with JavaScript: the same form signs in over the API and says the API's words on a wrong pair", async () => {
    const p = await makePerson(suite.admin, ["manager"]);
    const context = await suite.browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${suite.server.url}/login`);
    await page.getByLabel("Email").fill(p.email);
    await page.getByLabel("Password").fill("a wrong password here");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#login-error")).toBeDefined();
    await page.waitForFunction(() => document.getElementById("login-error")?.textContent !== "");
    expect(await page.locator("#login-error").textContent()).toBe("Wrong email or password.");
    await signIn(page, suite.server.url, p, "/board");
    expect(new URL(page.url()).pathname).toBe("/board");
    await context.close();
  });

  it("a form from our own page (Origin: null under no-referrer, Sec-Fetch-Site: same-origin) passes the origin check; a null origin from elsewhere does not", async () => {
    const p = await makePerson(suite.admin, ["hr"]);
    const base = suite.server.url;
    const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json", Origin: base }, body: JSON.stringify(p) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/staff/new`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, ...headers }, body: "name=&email=" });
    expect((await post({ Origin: "null", "Sec-Fetch-Site": "same-origin" })).status).toBe(400); // past the check: the form's own refusal
    expect((await post({ Origin: "null", "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect((await post({ Origin: "null" })).status).toBe(403);
    expect((await post({ Origin: "https://evil.example", "Sec-Fetch-Site": "same-origin" })).status).toBe(403);
  });
});
