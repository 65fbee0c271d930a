// Staff and teams (issue 11): the directory, adding a person, changing their details,
// deactivating and reactivating them, setting a password, the teams; each done through the
// pages alone (without JavaScript where the issue asks) and read back through the API.
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { ADMIN, Api, DESK, browserSuite, makePerson, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

/** A browser as `who`: JavaScript off unless asked (the forms need none; axe does). */
async function as(who: { email: string; password: string }, path: string, js = false) {
  const signing = await suite.browser.newContext({ viewport: DESK });
  await signIn(await signing.newPage(), suite.server.url, who, "/");
  const storageState = await signing.storageState();
  await signing.close();
  const context = await suite.browser.newContext({ viewport: DESK, javaScriptEnabled: js, storageState });
  const page = await context.newPage();
  await page.goto(`${suite.server.url}${path}`);
  return { context, page };
}

/** The audit chain's length: a refused form writes nothing. */
const auditLength = async () => (await suite.admin.ok("GET", "/api/audit/verify")).entries as number;
const everyone = async () => (await suite.admin.ok("GET", "/api/staff")).staff as { id: string; email: string; name: string; mobile: string | null; team: string | null; active: boolean; roles: string[] }[];
const fieldOf = (page: Page, label: string) => page.locator(".field", { has: page.getByLabel(label, { exact: true }) });
const role = (page: Page, words: string) => page.getByRole("group", { name: "Roles" }).getByLabel(words, { exact: true });

async function post(page: Page, button: string) {
  const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: button, exact: true }).click()]);
  await page.waitForLoadState();
  return res;
}

async function fillPerson(page: Page, v: { name: string; email: string; mobile: string; team: string; fte?: string; startDate?: string }) {
  await page.getByLabel("Name", { exact: true }).fill(v.name);
  await page.getByLabel("Email", { exact: true }).fill(v.email);
  await page.getByLabel("Mobile", { exact: true }).fill(v.mobile);
  await role(page, "AMHP").check({ force: true });
  await role(page, "Social worker").check({ force: true });
  await page.getByLabel("Team", { exact: true }).fill(v.team);
  await page.getByLabel("Category", { exact: true }).selectOption("asye");
  if (v.startDate) await page.getByLabel("Start date").fill(v.startDate);
  if (v.fte) await page.getByLabel(/^FTE/).fill(v.fte);
}

describe("staff and teams", { timeout: 90_000 }, () => {
  it("HR adds a person without JavaScript; the API has them with their mobile as E.164", async () => {
    const hr = await makePerson(suite.admin, ["hr"], { name: "Hope Ridley" });
    const { context, page } = await as(hr, "/staff/new");
    await page.getByRole("heading", { name: "Add a person" }).waitFor();
    // HR is not offered the admin role, nor a password (only an admin sets one).
    expect(await page.getByRole("group", { name: "Roles" }).getByLabel("Administrator").count()).toBe(0);
    expect(await page.getByLabel(/password/i).count()).toBe(0);
    await fillPerson(page, { name: "Asha Newstart", email: "Asha.Newstart@council.example", mobile: "07700 900123", team: "East Hub", fte: "0.8", startDate: "2026-09-01" });
    const res = await post(page, "Add");
    expect(res.status()).toBe(303);
    await expect(page.locator("#added").textContent()).resolves.toContain("Asha Newstart is added to East Hub");
    const made = (await everyone()).find((p) => p.email === "asha.newstart@council.example")!;
    expect(made).toMatchObject({ name: "Asha Newstart", mobile: "+447700900123", team: "East Hub", roles: ["amhp", "social_worker"], category: "asye", fte: 0.8, startDate: "2026-09-01", active: true, canSignIn: false });
    // The confirmation leads to their record and to changing their details.
    expect(await page.getByRole("link", { name: "Open Asha Newstart's record" }).getAttribute("href")).toBe(`/staff/${made.id}`);
    await context.close();
  });

  it("a bad email, then a bad mobile, is shown beside its field with the other values kept, and nothing is written", async () => {
    const hr = await makePerson(suite.admin, ["hr"]);
    const { context, page } = await as(hr, "/staff/new");
    const [before, people] = [await auditLength(), (await everyone()).length];
    await fillPerson(page, { name: "Bea Typo", email: "bea.typo@", mobile: "07700 900456", team: "West Hub", fte: "0.5" });
    expect((await post(page, "Add")).status()).toBe(400);
    await expect(fieldOf(page, "Email").locator(".error").textContent()).resolves.toMatch(/email address/);
    expect(await page.getByLabel("Email", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Bea Typo");
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe("bea.typo@");
    expect(await page.getByLabel("Mobile", { exact: true }).inputValue()).toBe("07700 900456");
    expect(await page.getByLabel("Team", { exact: true }).inputValue()).toBe("West Hub");
    expect(await page.getByLabel(/^FTE/).inputValue()).toBe("0.5");
    expect(await page.getByLabel("Category").inputValue()).toBe("asye");
    expect(await role(page, "AMHP").isChecked()).toBe(true);
    expect(await fieldOf(page, "Mobile").locator(".error").count()).toBe(0);

    await page.getByLabel("Email", { exact: true }).fill("bea.typo@council.example");
    await page.getByLabel("Mobile", { exact: true }).fill("020 7946 0958");
    expect((await post(page, "Add")).status()).toBe(400);
    await expect(fieldOf(page, "Mobile").locator(".error").textContent()).resolves.toContain("UK mobile number, such as 07700 900123");
    expect(await fieldOf(page, "Email").locator(".error").count()).toBe(0);
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe("bea.typo@council.example");
    expect(await page.getByLabel("Mobile", { exact: true }).inputValue()).toBe("020 7946 0958");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Bea Typo");
    expect((await everyone()).length).toBe(people);
    expect(await auditLength()).toBe(before);
    await context.close();

    // The same refusal as axe and a phone see it.
    const js = await as(hr, "/staff/new", true);
    await fillPerson(js.page, { name: "Bea Typo", email: "bea.typo@council.example", mobile: "12345", team: "West Hub" });
    expect((await post(js.page, "Add")).status()).toBe(400);
    await screenshots(js.page, "staff-new-error");
    expect(await seriousViolations(js.page)).toEqual([]);
    await js.context.close();
  });

  it("only an admin may grant the admin role: HR's forged tick is refused beside Roles, nothing written; an admin adds one with a password", async () => {
    const hr = await makePerson(suite.admin, ["hr"]);
    const { context, page } = await as(hr, "/staff/new", true);
    await fillPerson(page, { name: "Fay Forged", email: "fay.forged@council.example", mobile: "", team: "North" });
    await page.evaluate(() => {
      const box = document.createElement("input");
      Object.assign(box, { type: "checkbox", name: "roles", value: "admin", checked: true });
      document.querySelector("fieldset#f-roles")!.append(box);
    });
    const before = await auditLength();
    expect((await post(page, "Add")).status()).toBe(403);
    await expect(page.getByRole("group", { name: "Roles" }).locator(".error").textContent()).resolves.toBe("Only an admin may grant the admin role.");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Fay Forged");
    expect((await everyone()).some((p) => p.email === "fay.forged@council.example")).toBe(false);
    expect(await auditLength()).toBe(before);
    await context.close();

    const admin = await as(ADMIN, "/staff/new");
    await fillPerson(admin.page, { name: "Ade Admin", email: "ade.admin@council.example", mobile: "+44 7700 900789", team: "North" });
    await role(admin.page, "Administrator").check({ force: true });
    await admin.page.getByLabel("First password (optional)").fill("a first password for ade");
    expect((await post(admin.page, "Add")).status()).toBe(303);
    await expect(admin.page.locator("#added").textContent()).resolves.toContain("They can sign in now");
    const ade = await Api.login(suite.server.url, "ade.admin@council.example", "a first password for ade");
    expect((await ade.ok("GET", "/api/me")).roles).toEqual(["amhp", "social_worker", "admin"]);
    await admin.context.close();
  });

  it("the directory finds people by name or email, team and status, each row linking to their record; managers read it but add nobody", async () => {
    const a = await makePerson(suite.admin, ["amhp"], { name: "Dara Findme", team: "Findteam", mobile: "07700 900321" });
    const b = await makePerson(suite.admin, ["social_worker"], { name: "Eli Alsofound", team: "Otherteam" });
    await suite.admin.ok("PATCH", `/api/staff/${b.id}`, { active: false });
    const manager = await makePerson(suite.admin, ["manager"], { name: "Mo Reader", team: "Findteam" });
    const { context, page } = await as(manager, "/staff");
    expect(await page.getByRole("link", { name: "Add a person" }).count()).toBe(0);
    await page.getByLabel("Name or email").fill("findme");
    await Promise.all([page.waitForURL(/q=findme/), page.getByRole("button", { name: "Search" }).click()]);
    let rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toContain("07700 900321");
    expect(await rows.first().getByRole("link", { name: "Dara Findme" }).getAttribute("href")).toBe(`/staff/${a.id}`);
    // By email, any case.
    await page.getByLabel("Name or email").fill(b.email.toUpperCase().slice(0, 12));
    await page.getByLabel("Status").selectOption("all");
    await Promise.all([page.waitForURL(/status=all/), page.getByRole("button", { name: "Search" }).click()]);
    await expect(page.locator("tbody").textContent()).resolves.toContain("Eli Alsofound");
    // Deactivated people are left out unless asked for.
    await page.goto(`${suite.server.url}/staff?team=Otherteam`);
    expect(await page.locator("tbody tr").count()).toBe(0);
    await page.goto(`${suite.server.url}/staff?team=Otherteam&status=inactive`);
    rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toContain("Deactivated");
    await page.goto(`${suite.server.url}/staff?team=Findteam`);
    expect(await page.locator("tbody tr").count()).toBe(2);
    await context.close();

    const js = await as(manager, "/staff", true);
    await screenshots(js.page, "staff-directory");
    expect(await seriousViolations(js.page)).toEqual([]);
    await js.context.close();
  });

  it("HR changes a person's details without JavaScript; a bad mobile is refused beside it and writes nothing", async () => {
    const hr = await makePerson(suite.admin, ["hr"]);
    const p = await makePerson(suite.admin, ["amhp"], { name: "Gus Mover", team: "North", mobile: "07700 900111" });
    const { context, page } = await as(hr, `/staff/${p.id}/edit`);
    expect(await page.getByLabel("Mobile", { exact: true }).inputValue()).toBe("07700 900111");
    await page.getByLabel("Team", { exact: true }).fill("South Hub");
    await page.getByLabel("Mobile", { exact: true }).fill("+44 7700 900222");
    await page.getByLabel(/^FTE/).fill("0.6");
    expect((await post(page, "Save changes")).status()).toBe(303);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Gus Mover's details are saved.");
    const after = await suite.admin.ok("GET", `/api/staff/${p.id}`);
    expect(after).toMatchObject({ team: "South Hub", mobile: "+447700900222", fte: 0.6, roles: ["amhp"] });
    // Unchanged roles were not sent: their session is still there.
    const before = await auditLength();
    await page.getByLabel("Mobile", { exact: true }).fill("0770090022");
    await page.getByLabel("Name", { exact: true }).fill("Gus Moved");
    expect((await post(page, "Save changes")).status()).toBe(400);
    await expect(fieldOf(page, "Mobile").locator(".error").textContent()).resolves.toContain("UK mobile number");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Gus Moved");
    expect(await page.getByLabel("Mobile", { exact: true }).inputValue()).toBe("0770090022");
    expect((await suite.admin.ok("GET", `/api/staff/${p.id}`)).name).toBe("Gus Mover");
    expect(await auditLength()).toBe(before);
    await context.close();

    const js = await as(hr, `/staff/${p.id}/edit`, true);
    await screenshots(js.page, "staff-edit");
    expect(await seriousViolations(js.page)).toEqual([]);
    await js.context.close();
  });

  it("HR changes an administrator's team without being offered the admin role, and the admin keeps it", async () => {
    const hr = await makePerson(suite.admin, ["hr"]);
    const boss = await makePerson(suite.admin, ["admin"], { name: "Ola Admin", team: "North" });
    const { context, page } = await as(hr, `/staff/${boss.id}/edit`);
    expect(await page.getByRole("group", { name: "Roles" }).getByLabel("Administrator").count()).toBe(0);
    await page.getByLabel("Team", { exact: true }).fill("South Hub");
    expect((await post(page, "Save changes")).status()).toBe(303);
    expect(await suite.admin.ok("GET", `/api/staff/${boss.id}`)).toMatchObject({ team: "South Hub", roles: ["admin"] });
    await context.close();
  });

  it("HR deactivates a person after a confirmation, and reactivates them; nothing is deleted", async () => {
    const hr = await makePerson(suite.admin, ["hr"]);
    const p = await makePerson(suite.admin, ["social_worker"], { name: "Hal Leaver" });
    const them = await Api.login(suite.server.url, p.email, p.password);
    const { context, page } = await as(hr, `/staff/${p.id}/edit`);
    await page.getByRole("button", { name: "Deactivate", exact: true }).click();
    await page.getByText("Deactivate Hal Leaver?").waitFor();
    expect((await suite.admin.ok("GET", `/api/staff/${p.id}`)).active).toBe(true); // asking writes nothing
    const js = await as(hr, `/staff/${p.id}/edit?confirm=deactivate`, true);
    await screenshots(js.page, "staff-deactivate-confirm");
    expect(await seriousViolations(js.page)).toEqual([]);
    await js.context.close();
    expect((await post(page, "Yes, deactivate")).status()).toBe(303);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Hal Leaver is deactivated");
    expect((await suite.admin.ok("GET", `/api/staff/${p.id}`)).active).toBe(false);
    expect((await them.call("GET", "/api/me")).status).toBe(401);
    await page.getByRole("button", { name: "Reactivate", exact: true }).click();
    expect((await post(page, "Yes, reactivate")).status()).toBe(303);
    expect((await suite.admin.ok("GET", `/api/staff/${p.id}`)).active).toBe(true);
    await Api.login(suite.server.url, p.email, p.password);
    await context.close();
  });

  it("an admin sets a password without JavaScript (a short one is refused beside the field); HR is not offered it", async () => {
    const hr = await makePerson(suite.admin, ["hr"]);
    const starter = await makePerson(suite.admin, ["amhp"], { name: "Ivy Starter" });
    const asHr = await as(hr, `/staff/${starter.id}/edit`);
    expect(await asHr.page.getByLabel("New password").count()).toBe(0);
    await asHr.context.close();
    const { context, page } = await as(ADMIN, `/staff/${starter.id}/edit`);
    const before = await auditLength();
    await page.getByLabel("New password").fill("short");
    expect((await post(page, "Set password")).status()).toBe(400);
    await expect(fieldOf(page, "New password").locator(".error").textContent()).resolves.toContain("at least 12 characters");
    expect(await auditLength()).toBe(before);
    await page.getByLabel("New password").fill("ivy's brand new passphrase");
    expect((await post(page, "Set password")).status()).toBe(303);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Ivy Starter's password is set");
    await Api.login(suite.server.url, starter.email, "ivy's brand new passphrase");
    await context.close();
  });

  it("the teams page lists each team with its active members and its managers", async () => {
    const m = await makePerson(suite.admin, ["manager"], { name: "Kit Lead", team: "Teamtest" });
    await makePerson(suite.admin, ["amhp"], { name: "Lou Member", team: "Teamtest" });
    const gone = await makePerson(suite.admin, ["amhp"], { name: "Max Gone", team: "Teamtest" });
    await suite.admin.ok("PATCH", `/api/staff/${gone.id}`, { active: false });
    await makePerson(suite.admin, ["amhp"], { name: "Ned Nomanager", team: "Leaderless" });
    const { context, page } = await as(m, "/teams");
    const row = page.locator("tbody tr", { has: page.getByRole("link", { name: "Teamtest" }) });
    expect((await row.locator("td").allTextContents()).map((t) => t.trim())).toEqual(["2", "Kit Lead", "1"]);
    expect(await row.getByRole("link", { name: "Kit Lead" }).getAttribute("href")).toBe(`/staff/${m.id}`);
    await expect(page.locator("tbody tr", { has: page.getByRole("link", { name: "Leaderless" }) }).textContent()).resolves.toContain("No manager");
    await page.getByRole("link", { name: "Teamtest" }).click();
    await page.waitForURL(/team=Teamtest/);
    expect(await page.locator("tbody tr").count()).toBe(2);
    await context.close();
    const js = await as(m, "/teams", true);
    await screenshots(js.page, "teams");
    expect(await seriousViolations(js.page)).toEqual([]);
    await js.context.close();
  });
});
