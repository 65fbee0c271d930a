// Every page signs in, renders at phone and desk width (screenshots for review), and
// passes an automated accessibility check with no serious or critical violations.
import { describe, expect, it } from "vitest";
import { Api, browserSuite, makePerson, phoneContext, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

describe("pages", { timeout: 60_000 }, () => {
  it("the sign-in page and my duty page are accessible, and the service worker registers", async () => {
    const amhp = await makePerson(suite.admin, ["amhp"]);
    // Give them a shift now, so "my duty" shows it and who is on duty.
    const today = new Date().toISOString().slice(0, 10);
    await suite.admin.ok("POST", `/api/staff/${amhp.id}/amhp-approvals`, { validFrom: today, validUntil: "2029-01-01" });
    const rota = await suite.admin.ok("POST", "/api/rotas", { name: "AMHP duty", kind: "amhp_duty" });
    await suite.admin.ok("POST", `/api/rotas/${rota.id}/assignments`, { staffId: amhp.id, start: new Date(Date.now() - 3600_000).toISOString(), end: new Date(Date.now() + 7 * 3600_000).toISOString() });
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await page.goto(`${suite.server.url}/login`);
    await screenshots(page, "login");
    expect(await seriousViolations(page)).toEqual([]);

    await signIn(page, suite.server.url, amhp);
    await page.getByRole("heading", { name: "My duty" }).waitFor();
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${suite.server.url}/`);
    await expect(page.locator("#duty-h + dl").textContent()).resolves.toContain(amhp.name);
    await screenshots(page, "my-duty");
    expect(await seriousViolations(page)).toEqual([]);

    // The board is for managers: an AMHP gets a plain refusal, not a broken page.
    const res = await page.goto(`${suite.server.url}/board`);
    expect(res!.status()).toBe(403);
    await page.getByRole("heading", { name: "Not for your role" }).waitFor();
    await context.close();
  });

  it("a page that needs a person sends a stranger to sign in", async () => {
    const context = await phoneContext(suite.browser);
    const page = await context.newPage();
    await page.goto(`${suite.server.url}/board`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/board");
    await context.close();
  });
});
