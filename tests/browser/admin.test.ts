// The admin pages (issue 11): the escalation policy, API tokens and the audit log, each done
// through the pages alone with JavaScript off, then read back through the API.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { ADMIN, DESK, browserSuite, makePerson, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();

/**
 * The admin signed in (through the sign-in page), then a context with JavaScript off
 * holding that session: every admin job below is done without JavaScript.
 */
let axePage: Page | undefined;
async function noJsAdmin(browser: Browser, next: string, extra: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const signing = await browser.newContext({ viewport: DESK });
  axePage = await signing.newPage();
  await signIn(axePage, suite.server.url, ADMIN, "/");
  const storageState = await signing.storageState();
  const context = await browser.newContext({ viewport: DESK, javaScriptEnabled: false, storageState, ...extra });
  // The signing context goes with it; at the end of the suite the browser may be gone first.
  context.once("close", () => void signing.close().catch(() => undefined));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${suite.server.url}${next}`);
  return page;
}

/** axe needs JavaScript: the page exactly as the JavaScript-free browser has it, checked in the signed-in JavaScript context. */
async function violations(page: Page): Promise<string[]> {
  const html = await page.content();
  await axePage!.goto(page.url());
  await axePage!.setContent(html);
  return seriousViolations(axePage!);
}

/** The audit chain's head (its length): a refused form writes nothing. */
const auditHead = async () => ((await suite.admin.ok("GET", "/api/audit?limit=1")).entries[0]?.seq as number) ?? 0;

describe("admin pages", { timeout: 120_000 }, () => {
  it("/admin/policy: saves a change, refuses a bad step in its cell with nothing written, adds and removes a row (no JavaScript)", async () => {
    const senior = await makePerson(suite.admin, ["senior_manager"], { name: "Sienna Grant" });
    const page = await noJsAdmin(suite.browser, "/admin/policy");
    await page.getByRole("heading", { name: "Escalation policy" }).waitFor();
    await screenshots(page, "admin-policy");
    expect(await violations(page)).toEqual([]);

    // Save: step 1 at 4 minutes, the senior manager on the senior list.
    await page.getByLabel("Step 1: after (seconds)").fill("240");
    await page.getByRole("checkbox", { name: "Sienna Grant" }).check();
    await page.getByLabel("Receipt timeout (seconds)").fill("45");
    await Promise.all([page.waitForURL(/\/admin\/policy\?done=saved/), page.getByRole("button", { name: "Save policy" }).click()]);
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Policy saved");
    const saved = await suite.admin.ok("GET", "/api/escalation-policy");
    expect(saved.steps[1].afterSeconds).toBe(240);
    expect(saved.seniorStaffIds).toEqual([senior.id]);
    expect(saved.receiptTimeoutSeconds).toBe(45);
    expect(await page.getByLabel("Step 1: after (seconds)").inputValue()).toBe("240");

    // A step out of time order: the API's error in that cell, the values kept, nothing written.
    const before = await auditHead();
    await page.getByLabel("Step 2: after (seconds)").fill("60");
    await page.getByLabel("Step 3: repeat every (seconds)").fill("120");
    const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Save policy" }).click()]);
    expect(res.status()).toBe(400);
    const cellError = page.locator("#f-steps-2-afterSeconds-error");
    await expect(cellError.textContent()).resolves.toMatch(/time order/);
    expect(await page.locator("#f-steps-2-afterSeconds").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#f-steps-2-afterSeconds").getAttribute("aria-describedby")).toContain("f-steps-2-afterSeconds-error");
    // The error sits in step 2's row, its "after" cell.
    expect(await page.locator("tbody tr").nth(2).locator("td").first().locator(".error").count()).toBe(1);
    expect(await page.getByLabel("Step 2: after (seconds)").inputValue()).toBe("60");
    expect(await page.getByLabel("Step 3: repeat every (seconds)").inputValue()).toBe("120");
    expect(await page.getByRole("checkbox", { name: "Sienna Grant" }).isChecked()).toBe(true);
    await page.locator(".error-summary").getByRole("link", { name: /time order/ }).waitFor();
    expect(await auditHead()).toBe(before);
    expect((await suite.admin.ok("GET", "/api/escalation-policy")).steps[2].afterSeconds).toBe(saved.steps[2].afterSeconds);
    await screenshots(page, "admin-policy-error");
    expect(await violations(page)).toEqual([]);

    // An empty number: "Enter a number" beside it.
    await page.getByLabel("Step 2: after (seconds)").fill("");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.locator("#f-steps-2-afterSeconds-error").textContent()).resolves.toContain("Enter a number");
    expect(await auditHead()).toBe(before);

    // Add a row and remove one, without JavaScript and without saving anything.
    await page.getByLabel("Step 2: after (seconds)").fill("900");
    await page.getByRole("button", { name: "Add a step" }).click();
    expect(await page.locator("tbody tr").count()).toBe(5);
    await page.getByText("Nothing is saved until").first().waitFor();
    expect(await page.getByLabel("Step 2: after (seconds)").inputValue()).toBe("900");
    expect((await suite.admin.ok("GET", "/api/escalation-policy")).steps).toHaveLength(4);
    await page.getByRole("button", { name: "Remove step 0" }).click();
    expect(await page.locator("tbody tr").count()).toBe(4);
    // Step 1 (240 s) is now step 0.
    expect(await page.getByLabel("Step 0: after (seconds)").inputValue()).toBe("240");
    expect(await auditHead()).toBe(before);
    // Save the four rows: read back through the API.
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole("button", { name: "Save policy" }).click()]);
    const after = await suite.admin.ok("GET", "/api/escalation-policy");
    expect(after.steps.map((s: { afterSeconds: number }) => s.afterSeconds)).toEqual([240, 900, 1800, 2100]);
    expect(after.steps[3].notify).toBe("all_managers");
    // Enter in a field saves (the hidden first button), never removes step 0.
    await page.getByLabel("Receipt timeout (seconds)").fill("50");
    await Promise.all([page.waitForURL(/done=saved/), page.getByLabel("Receipt timeout (seconds)").press("Enter")]);
    const entered = await suite.admin.ok("GET", "/api/escalation-policy");
    expect(entered.receiptTimeoutSeconds).toBe(50);
    expect(entered.steps).toHaveLength(4);

    // An empty senior list: the API's refusal beside the list, the other values kept, nothing written.
    const head = await auditHead();
    await page.getByRole("checkbox", { name: "Sienna Grant" }).uncheck();
    await page.getByLabel("Step 1: after (seconds)").fill("250");
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Save policy" }).click()]);
    expect(refused.status()).toBe(400);
    await expect(page.locator("#f-seniorStaffIds-error").textContent()).resolves.toContain("may never be empty");
    expect(await page.getByLabel("Step 1: after (seconds)").inputValue()).toBe("250");
    expect(await auditHead()).toBe(head);
    expect((await suite.admin.ok("GET", "/api/escalation-policy")).seniorStaffIds).toEqual([senior.id]);
    await page.context().close();
  });

  it("/admin/tokens: makes a token shown once, which works against the API, then revokes it (401); a bad value writes nothing (no JavaScript)", async () => {
    const worker = await makePerson(suite.admin, ["hr"], { name: "Tomas Reyes" });
    const page = await noJsAdmin(suite.browser, "/admin/tokens");
    await page.getByRole("heading", { name: "API tokens" }).waitFor();

    // A bad value: no name. The person chosen is kept; no token, no audit row.
    const before = await auditHead();
    const tokensBefore = (await suite.admin.ok("GET", "/api/tokens")).tokens.length;
    await page.getByLabel("Person").selectOption({ label: `Tomas Reyes (${worker.email})` });
    await page.getByLabel("Expires after (days)").fill("30");
    const [bad] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Make token" }).click()]);
    expect(bad.status(), (await bad.text()).replace(/<head>[\s\S]*<\/head>/, "").slice(0, 2000)).toBe(400);
    await page.locator("#f-name-error").waitFor();
    expect(await page.getByLabel("Person").inputValue()).toBe(worker.id);
    expect(await page.getByLabel("Expires after (days)").inputValue()).toBe("30");
    expect(await auditHead()).toBe(before);
    expect((await suite.admin.ok("GET", "/api/tokens")).tokens).toHaveLength(tokensBefore);
    expect(await violations(page)).toEqual([]);

    // Make it: the secret on this answer, with the warning; not in the address.
    await page.getByLabel("Name").fill("HR export script");
    await page.getByRole("checkbox", { name: /Read-only/ }).check();
    await page.getByRole("button", { name: "Make token" }).click();
    await page.getByText("it will not be shown again").waitFor();
    const secret = await page.getByLabel("The token").inputValue();
    expect(secret.length).toBeGreaterThan(20);
    expect(page.url()).not.toContain(secret);
    expect(page.url()).toMatch(/\/admin\/tokens$/);
    expect(await violations(page)).toEqual([]);
    const bearer = (token: string) => fetch(`${suite.server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    const me = await bearer(secret);
    expect(me.status).toBe(200);
    expect((await me.json()).id).toBe(worker.id);
    // Read-only: a write with it is refused.
    const write = await fetch(`${suite.server.url}/api/staff/${worker.id}/training`, { method: "POST", headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" }, body: JSON.stringify({ date: "2026-11-01", hours: 1, topic: "x" }) });
    expect(write.status).toBe(403);
    const listed = (await suite.admin.ok("GET", "/api/tokens")).tokens.find((t: { name: string }) => t.name === "HR export script");
    expect(listed).toMatchObject({ staffId: worker.id, readOnly: true, revokedAt: null });

    // Shown once: the list page never carries it.
    await page.goto(`${suite.server.url}/admin/tokens`);
    expect(await page.content()).not.toContain(secret);
    const row = page.locator(`tr[data-token="${listed.id}"]`);
    await expect(row.textContent()).resolves.toContain("Tomas Reyes");
    await expect(row.textContent()).resolves.toContain("Active");
    await screenshots(page, "admin-tokens");
    expect(await violations(page)).toEqual([]);

    // Revoke: it stops working at once.
    await Promise.all([page.waitForURL(/done=revoked/), row.getByRole("button", { name: "Revoke HR export script" }).click()]);
    await expect(page.locator(`tr[data-token="${listed.id}"]`).textContent()).resolves.toContain("Revoked");
    expect((await bearer(secret)).status).toBe(401);
    const after = (await suite.admin.ok("GET", "/api/tokens")).tokens.find((t: { id: string }) => t.id === listed.id);
    expect(after.revokedAt).not.toBeNull();
    await page.context().close();
  });

  it("/admin/audit: filters by record and person, pages back, verifies now, downloads a checkpoint and verifies against it (no JavaScript)", async () => {
    // Enough token entries for more than one page (50 a page).
    const someone = await makePerson(suite.admin, ["amhp"], { name: "Petra Lund" });
    for (let i = 0; i < 30; i++) {
      const t = await suite.admin.ok("POST", "/api/tokens", { staffId: someone.id, name: `bulk ${i}` });
      await suite.admin.ok("DELETE", `/api/tokens/${t.id}`);
    }
    const page = await noJsAdmin(suite.browser, "/admin/audit", { acceptDownloads: true });
    await page.getByRole("heading", { name: "Audit log" }).waitFor();

    await page.getByLabel("Record type").fill("api_token");
    await Promise.all([page.waitForURL(/entity=api_token/), page.getByRole("button", { name: "Show" }).click()]);
    const seqs = async () => (await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-seq")))));
    const first = await seqs();
    expect(first).toHaveLength(50);
    expect(await page.locator("tbody tr td:nth-child(5)").allTextContents()).toSatisfy((cells: string[]) => cells.every((t) => t.startsWith("api_token")));
    const api = (await suite.admin.ok("GET", "/api/audit?entity=api_token&limit=50")).entries.map((e: { seq: number }) => e.seq);
    expect(first).toEqual(api);
    await screenshots(page, "admin-audit");
    expect(await violations(page)).toEqual([]);

    await Promise.all([page.waitForURL(/before=/), page.getByRole("link", { name: "Older entries" }).click()]);
    const second = await seqs();
    expect(second.length).toBeGreaterThan(0);
    expect(Math.max(...second)).toBeLessThan(Math.min(...first));
    expect(await page.getByLabel("Record type").inputValue()).toBe("api_token");
    const api2 = (await suite.admin.ok("GET", `/api/audit?entity=api_token&limit=50&before=${first[first.length - 1]}`)).entries.map((e: { seq: number }) => e.seq);
    expect(second).toEqual(api2);
    await page.getByRole("link", { name: "Newest" }).click();
    expect(await seqs()).toEqual(first);

    // By person: what Petra did (her sign-ins are none: she never signed in) is nothing; what the admin did is many.
    await page.getByLabel("Record type").fill("");
    await page.getByLabel("Done by").selectOption({ label: "Petra Lund" });
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByText("No entries for this choice.").waitFor();
    await page.getByLabel("Record id").fill(someone.id);
    await page.getByLabel("Done by").selectOption({ value: "" });
    await page.getByRole("button", { name: "Show" }).click();
    const forPetra = await suite.admin.ok("GET", `/api/audit?id=${someone.id}&limit=50`);
    expect(await seqs()).toEqual(forPetra.entries.map((e: { seq: number }) => e.seq));

    // Verify now.
    await page.getByRole("button", { name: "Verify now" }).click();
    const result = page.locator("#verify-result");
    await expect(result.textContent()).resolves.toMatch(/Intact\..*entries checked/);
    await expect(result.textContent()).resolves.toMatch(/Records checked against the chain: \d+; not matching: 0/);
    await screenshots(page, "admin-audit-verified");
    expect(await violations(page)).toEqual([]);

    // A checkpoint to keep, then proof the chain still holds it; a bad one is refused beside its field.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download a checkpoint" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-checkpoint-\d+\.json$/);
    const cp = JSON.parse(readFileSync((await download.path())!, "utf8"));
    const head = await suite.admin.ok("GET", "/api/audit/verify");
    expect(cp).toMatchObject({ seq: head.head.seq, hash: head.head.hash });
    await page.getByLabel("Against a checkpoint (optional)").fill(`${cp.seq}:${cp.hash}`);
    await page.getByRole("button", { name: "Verify now" }).click();
    await expect(result.textContent()).resolves.toContain(`holds the checkpoint ${cp.seq}:`);
    await page.getByLabel("Against a checkpoint (optional)").fill("12:not-a-hash");
    const [bad] = await Promise.all([page.waitForResponse((r) => r.url().includes("verify=now")), page.getByRole("button", { name: "Verify now" }).click()]);
    expect(bad.status()).toBe(400);
    await expect(page.locator("#f-checkpoint-error").textContent()).resolves.toContain("Not a checkpoint");
    expect(await page.getByLabel("Against a checkpoint (optional)").inputValue()).toBe("12:not-a-hash");
    // A checkpoint the chain does not hold: broken, said in words.
    await page.getByLabel("Against a checkpoint (optional)").fill(`${cp.seq}:${"a".repeat(64)}`);
    await page.getByRole("button", { name: "Verify now" }).click();
    await expect(result.textContent()).resolves.toMatch(/Broken/);
    await page.context().close();
  });
});
