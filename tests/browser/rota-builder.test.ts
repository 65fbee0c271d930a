// The rota builder (/rota/:id, /rota/new) as a manager, with JavaScript off: create a
// rota, preview and add a pattern, fill a gap from the week view, see an ineligible
// person's refusal beside the Person field, see Working Time and leave warnings before
// anything is saved (and save only on "Assign anyway"), cancel an assignment (a reason is needed),
// run a rotation, end a pattern. Each is read back through the API; every refusal
// writes nothing (the audit chain's length is unchanged).
import { describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { browserSuite, makePerson, phoneContext, screenshots, seriousViolations, signIn } from "./harness.js";

const suite = browserSuite();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const auditLength = async () => (await suite.admin.ok("GET", "/api/audit/verify")).entries as number;
const fieldError = (page: Page, id: string) => page.locator(`#f-${id}-error`).textContent();

describe("rota builder", { timeout: 120_000 }, () => {
  let context: BrowserContext;
  let page: Page;
  let rotaId = "";
  /** "start|end" of the day shift Sam Okafor is assigned to through the page. */
  let samSlot = "";
  let amhp: { id: string; name: string };
  let unapproved: { id: string; name: string };
  let away: { id: string; name: string };
  let storageState: Awaited<ReturnType<BrowserContext["storageState"]>>;
  /** Screenshots and axe need scripts: the same page, same session, in a context with JavaScript on. */
  async function look(url: string, name: string) {
    const ctx = await phoneContext(suite.browser, { storageState });
    const p = await ctx.newPage();
    await p.goto(url);
    await screenshots(p, name);
    expect(await seriousViolations(p)).toEqual([]);
    await ctx.close();
  }

  it("creates a rota from /rota with JavaScript off", async () => {
    const manager = await makePerson(suite.admin, ["manager"], { name: "Morgan Byrne" });
    amhp = await makePerson(suite.admin, ["amhp"], { name: "Sam Okafor" });
    unapproved = await makePerson(suite.admin, ["amhp"], { name: "Alex Nowak" });
    away = await makePerson(suite.admin, ["amhp"], { name: "Kim Jones" });
    for (const p of [amhp, away]) await suite.admin.ok("POST", `/api/staff/${p.id}/amhp-approvals`, { validFrom: day(-1), validUntil: day(700) });
    // Sam's training is up to date, so assigning Sam to an ordinary shift gives no warning.
    await suite.admin.ok("POST", `/api/staff/${amhp.id}/training`, { date: day(-1), hours: 18, topic: "AMHP refresher" });
    await suite.admin.ok("POST", `/api/staff/${away.id}/leave`, { from: day(-7), to: day(14), kind: "annual" });
    // Signed in with JavaScript (the sign-in page is not this area's), the session carried over.
    const signing = await phoneContext(suite.browser);
    await signIn(await signing.newPage(), suite.server.url, manager, "/");
    storageState = await signing.storageState();
    await signing.close();
    context = await phoneContext(suite.browser, { javaScriptEnabled: false, storageState });
    page = await context.newPage();
    await page.goto(`${suite.server.url}/rota`);
    await page.getByRole("link", { name: "New rota" }).click();
    // A rota needs a name: said beside the field, the kind kept, nothing made.
    const before = await auditLength();
    await page.getByLabel("Kind").selectOption("manager_cover");
    await page.getByRole("button", { name: "Create rota" }).click();
    expect(await fieldError(page, "name")).toBeTruthy();
    await expect(page.getByLabel("Kind").inputValue()).resolves.toBe("manager_cover");
    expect(await auditLength()).toBe(before);
    expect((await suite.admin.ok("GET", "/api/rotas")).rotas).toHaveLength(0);
    await page.getByLabel("Name").fill("AMHP day duty, North");
    await page.getByLabel("Kind").selectOption("amhp_duty");
    await look(page.url(), "rota-new");
    await page.getByRole("button", { name: "Create rota" }).click();
    await page.getByRole("heading", { name: "AMHP day duty, North" }).waitFor();
    rotaId = new URL(page.url()).pathname.split("/").pop()!;
    const rotas = await suite.admin.ok("GET", "/api/rotas");
    expect(rotas.rotas.find((r: { id: string }) => r.id === rotaId)).toMatchObject({ name: "AMHP day duty, North", kind: "amhp_duty", requiredStaff: 1 });
  });

  it("previews a pattern, refuses a bad start time beside the field, then adds it", async () => {
    const form = page.locator("#add-pattern");
    await form.getByLabel("Label").fill("Day");
    for (const d of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) await form.getByLabel(d, { exact: true }).check();
    await form.getByLabel("Start time").fill("25:00");
    await form.getByLabel("Length").fill("8");
    await form.getByLabel("Starts on").fill(day(-7));
    const before = await auditLength();
    await form.getByRole("button", { name: "Add pattern" }).click();
    expect(await fieldError(page, "startTime")).toMatch(/HH:MM/);
    await expect(page.locator("#add-pattern").getByLabel("Label").inputValue()).resolves.toBe("Day");
    await expect(page.locator("#add-pattern").getByLabel("Length").inputValue()).resolves.toBe("8");
    expect(await auditLength()).toBe(before);
    expect((await suite.admin.ok("GET", `/api/rotas/${rotaId}`)).patterns).toHaveLength(0);

    await page.locator("#add-pattern").getByLabel("Start time").fill("09:00");
    await page.locator("#add-pattern").getByRole("button", { name: "Preview" }).click();
    const preview = page.locator(".rb-preview");
    await expect(preview.textContent()).resolves.toContain("09:00–17:00");
    await expect(preview.textContent()).resolves.toMatch(/Around the clock change on/);
    expect(await auditLength()).toBe(before);
    expect((await suite.admin.ok("GET", `/api/rotas/${rotaId}`)).patterns).toHaveLength(0);

    await page.locator("#add-pattern").getByRole("button", { name: "Add pattern" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Pattern added.");
    const { patterns } = await suite.admin.ok("GET", `/api/rotas/${rotaId}`);
    expect(patterns).toEqual([expect.objectContaining({ rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 480, label: "Day", startsOn: day(-7) })]);
  });

  it("fills a gap from the week view, and shows an ineligible person's refusal beside Person", async () => {
    await page.getByRole("link", { name: /^Assign someone to the gap 09:00–17:00/ }).last().click();
    const assign = page.locator("#assign");
    // The picker puts who is free first and says why the others are not.
    await expect(assign.locator('optgroup[label="Free for this shift"]').textContent()).resolves.toContain("Sam Okafor");
    await expect(assign.locator('optgroup[label="Not free or not eligible"]').textContent()).resolves.toContain("Alex Nowak: no AMHP approval");
    await expect(assign.locator('optgroup[label="Not free or not eligible"]').textContent()).resolves.toMatch(/Kim Jones: on annual leave/);
    await expect(assign.locator('optgroup[label="Free for this shift"]').textContent()).resolves.not.toContain("Kim Jones");
    await look(page.url(), "rota-builder");

    const slot = await assign.getByLabel("Shift or gap").inputValue();
    samSlot = slot;
    const before = await auditLength();
    await assign.getByLabel("Person").selectOption(unapproved.id);
    await assign.getByRole("button", { name: "Assign" }).click();
    expect(await fieldError(page, "staffId")).toContain("Alex Nowak has no AMHP approval");
    await expect(page.locator("#assign").getByLabel("Shift or gap").inputValue()).resolves.toBe(slot);
    expect(await auditLength()).toBe(before);

    await page.locator("#assign").getByLabel("Person").selectOption(amhp.id);
    await page.locator("#assign").getByRole("button", { name: "Assign" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toMatch(/^Assigned/);
    // Someone on leave may still be assigned: the API's warning is shown BEFORE saving,
    // nothing written until "Assign anyway".
    const [start, end] = slot.split("|");
    const holders = async (from: string, to: string) =>
      ((await suite.admin.ok("GET", `/api/rotas/${rotaId}/shifts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).shifts as { staff: { id: string }[] }[]).flatMap((s) => s.staff.map((p) => p.id)).sort();
    await page.getByRole("link", { name: /^Assign to 09:00–17:00/ }).last().click();
    await page.locator("#assign").getByLabel("Person").selectOption(away.id);
    const beforeLeave = await auditLength();
    await page.locator("#assign").getByRole("button", { name: "Assign" }).click();
    await expect(page.locator(".rb-confirm").textContent()).resolves.toMatch(/nothing is saved yet.*Kim Jones.*Leave:.*Kim Jones is on annual leave/s);
    expect(await auditLength()).toBe(beforeLeave);
    expect(await holders(start!, end!)).toEqual([amhp.id]);
    await page.locator(".rb-confirm").getByRole("button", { name: "Assign anyway" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toMatch(/Assigned, with warnings: .*Leave/);
    await expect(page.locator("#conflicts-h + ul").textContent()).resolves.toMatch(/Leave \(Kim Jones/);
    expect(await holders(start!, end!)).toEqual([amhp.id, away.id].sort());
  });

  it("shows a Working Time warning before saving, and writes nothing until Assign anyway", async () => {
    // Sam holds a day shift; four hours after it ends is a four-hour extra cover: short rest.
    const held = { start: samSlot.split("|")[0]!, end: samSlot.split("|")[1]! };
    const from = new Date(Date.parse(held.end) + 4 * 3_600_000).toISOString();
    const to = new Date(Date.parse(held.end) + 8 * 3_600_000).toISOString();
    const slotUrl = `${suite.server.url}/rota/${rotaId}?date=${held.start.slice(0, 10)}&slot=${encodeURIComponent(`${from}|${to}`)}#assign`;
    await page.goto(slotUrl);
    const assign = page.locator("#assign");
    await expect(assign.getByLabel("Shift or gap").inputValue()).resolves.toBe(`${from}|${to}`);
    // The picker already says why, from the API's dry run for this slot.
    await expect(assign.locator('optgroup[label="Not free or not eligible"]').textContent()).resolves.toContain("Sam Okafor: Working Time: short rest");
    await assign.getByLabel("Person").selectOption(amhp.id);
    const before = await auditLength();
    await assign.getByRole("button", { name: "Assign" }).click();
    const confirm = page.locator(".rb-confirm");
    await expect(confirm.textContent()).resolves.toMatch(/nothing is saved yet.*Sam Okafor.*Short rest:.*Only 4 h rest after the shift ending/s);
    // The form keeps what was chosen, and nothing is written: no assignment, no audit entry.
    await expect(page.locator("#assign").getByLabel("Person").inputValue()).resolves.toBe(amhp.id);
    await expect(page.locator("#assign").getByLabel("Shift or gap").inputValue()).resolves.toBe(`${from}|${to}`);
    expect(await auditLength()).toBe(before);
    const heldThen = async () => ((await suite.admin.ok("GET", `/api/rotas/${rotaId}/shifts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).shifts as { staff: { id: string }[] }[]).flatMap((s) => s.staff.map((p) => p.id));
    expect(await heldThen()).toEqual([]);
    {
      // The warning state itself, screenshotted and checked by axe (scripts on), still nothing written.
      const ctx = await phoneContext(suite.browser, { storageState });
      const p = await ctx.newPage();
      await p.goto(slotUrl);
      await p.locator("#assign").getByLabel("Person").selectOption(amhp.id);
      await p.locator("#assign").getByRole("button", { name: "Assign" }).click();
      await p.locator(".rb-confirm").waitFor();
      await p.locator(".rb-confirm").scrollIntoViewIfNeeded();
      await screenshots(p, "rota-builder-warning");
      expect(await seriousViolations(p)).toEqual([]);
      await ctx.close();
      expect(await auditLength()).toBe(before);
    }

    await confirm.getByRole("button", { name: "Assign anyway" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toMatch(/Assigned, with warnings: Short rest/);
    expect(await auditLength()).toBe(before + 1);
    expect(await heldThen()).toEqual([amhp.id]);
    const made = (await suite.admin.ok("GET", `/api/rotas/${rotaId}/shifts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).shifts as { staff: { assignmentId: string }[] }[];
    // Back as it was for the steps below (they count Sam's shifts).
    await suite.admin.ok("POST", `/api/assignments/${made[0]!.staff[0]!.assignmentId}/cancel`, { reason: "Test extra cover, not needed" });
    await page.goto(`${suite.server.url}/rota/${rotaId}?date=${held.start.slice(0, 10)}`);
  });

  it("cancels an assignment only with a reason", async () => {
    await page.getByRole("link", { name: "Cancel Sam Okafor's shift" }).first().click();
    const cancel = page.locator("#cancel");
    const chosen = await cancel.getByLabel("Assignment").inputValue();
    expect(chosen).not.toBe("");
    const before = await auditLength();
    await cancel.getByRole("button", { name: "Cancel assignment" }).click();
    expect(await fieldError(page, "reason")).toBeTruthy();
    expect(await auditLength()).toBe(before);
    await expect(page.locator("#cancel").getByLabel("Assignment").inputValue()).resolves.toBe(chosen);

    await page.locator("#cancel").getByLabel("Reason").fill("Booked by mistake");
    await page.locator("#cancel").getByRole("button", { name: "Cancel assignment" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Assignment cancelled");
    const entries = (await suite.admin.ok("GET", `/api/audit?entity=rota_assignment&id=${chosen}`)).entries;
    expect(JSON.stringify(entries)).toContain("Booked by mistake");
  });

  it("the previews pass axe (with JavaScript on), and a raw RRULE is used as written", async () => {
    const ctx = await phoneContext(suite.browser, { storageState });
    const p = await ctx.newPage();
    await p.goto(`${suite.server.url}/rota/${rotaId}`);
    const form = p.locator("#add-pattern");
    await form.getByText("Advanced: write the rule yourself").click();
    await form.getByLabel("RRULE").fill("FREQ=WEEKLY;BYDAY=SA,SU");
    await form.getByLabel("Start time").fill("17:00");
    await form.getByLabel("Length").fill("16");
    await form.getByRole("button", { name: "Preview" }).click();
    await expect(p.locator(".rb-preview").textContent()).resolves.toMatch(/Sat .*17:00–09:00 \(next day\)/);
    await screenshots(p, "rota-builder-preview");
    expect(await seriousViolations(p)).toEqual([]);
    await ctx.close();
  });

  it("runs a rotation over a date range, then ends the pattern", async () => {
    // To before From: said beside To, nothing assigned.
    const before = await auditLength();
    await page.locator("#rotation").getByLabel("From", { exact: true }).fill(day(3));
    await page.locator("#rotation").getByLabel("To", { exact: true }).fill(day(1));
    await page.locator("#rotation").getByLabel("Sam Okafor").check();
    await page.locator("#rotation").getByRole("button", { name: "Run rotation" }).click();
    expect(await fieldError(page, "to")).toBeTruthy();
    await expect(page.locator("#rotation").getByLabel("Sam Okafor").isChecked()).resolves.toBe(true);
    expect(await auditLength()).toBe(before);
    const rotation = page.locator("#rotation");
    await rotation.getByLabel("From", { exact: true }).fill(day(1));
    await rotation.getByLabel("To", { exact: true }).fill(day(3));
    await rotation.getByLabel("Sam Okafor").check();
    // Preview first: the three open shifts, nothing assigned.
    const beforeRun = await auditLength();
    await rotation.getByRole("button", { name: "Preview" }).click();
    await expect(page.locator(".rb-rotation-preview").textContent()).resolves.toMatch(/3 shifts, shared in turn among Sam Okafor/);
    await expect(page.locator("#rotation").getByLabel("To", { exact: true }).inputValue()).resolves.toBe(day(3));
    expect(await auditLength()).toBe(beforeRun);
    await rotation.getByRole("button", { name: "Run rotation" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toMatch(/Rotation run: 3 shifts assigned/);
    const from = new Date(`${day(1)}T00:00:00Z`).toISOString();
    const to = new Date(`${day(4)}T00:00:00Z`).toISOString();
    const { shifts } = await suite.admin.ok("GET", `/api/rotas/${rotaId}/shifts?from=${from}&to=${to}`);
    expect(shifts.filter((s: { staff: { id: string }[] }) => s.staff.some((p) => p.id === amhp.id))).toHaveLength(3);

    // Ending needs a last day: said beside it, nothing changed.
    const beforeEnd = await auditLength();
    await page.locator("#end-pattern").getByLabel("Pattern").selectOption({ index: 1 });
    await page.locator("#end-pattern").getByRole("button", { name: "End pattern" }).click();
    expect(await fieldError(page, "endsOn")).toBeTruthy();
    expect(await auditLength()).toBe(beforeEnd);
    expect((await suite.admin.ok("GET", `/api/rotas/${rotaId}`)).patterns[0].endsOn).toBeNull();
    const end = page.locator("#end-pattern");
    await end.getByLabel("Pattern").selectOption({ index: 1 });
    await end.getByLabel("Last day of shifts").fill(day(10));
    await end.getByRole("button", { name: "End pattern" }).click();
    await expect(page.getByRole("status").first().textContent()).resolves.toContain("Pattern ended.");
    expect((await suite.admin.ok("GET", `/api/rotas/${rotaId}`)).patterns[0].endsOn).toBe(day(10));
    await context.close();
  });
});
