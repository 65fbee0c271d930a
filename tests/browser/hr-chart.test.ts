// The HR page's "Lone-working alarms by month": a server-drawn stacked SVG chart and a
// table of the same figures, fed by the lone-working report's monthly table; readable
// with JavaScript off and clean under axe.
import { describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEnv } from "../helpers.js";
import { alarmMonths, AlarmsByMonthChart } from "../../src/web/alarms-chart.js";
import { Api, PHONE, axeOfNoScript, browserSuite, makePerson, noScriptPage } from "./harness.js";

const visible = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ");

describe("alarms by month, as the server renders it", () => {
  it("draws a stacked bar per month with its figures in a table, and links the monthly CSV", async () => {
    const env = await testEnv();
    const worker = await env.person({ roles: ["amhp"] });
    const hr = await env.person({ roles: ["hr"] });
    await worker.client.put("/api/me/duress-pin", { pin: "2468" });
    for (let i = 0; i < 2; i++) {
      const v = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: `${i} Mill Lane` }, expectedEnd: new Date(env.clock.now().getTime() + 3_600_000).toISOString() })).body;
      await worker.client.post(`/api/visits/${v.id}/alarm`);
    }
    const v = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "9 Mill Lane" }, expectedEnd: new Date(env.clock.now().getTime() + 3_600_000).toISOString() })).body;
    expect((await worker.client.post(`/api/visits/${v.id}/check-out`, { pin: "2468" })).status).toBe(200);

    const res = await hr.client.get("/hr?report=lone-working&from=2026-09-01&to=2026-11-30");
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain('<h2 id="alarms-month-h">Lone-working alarms by month</h2>');
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="chart-alarms-month-t chart-alarms-month-d"/);
    expect(html).toContain("3 alarms in all: missed check-ins 0, panic alarms 2, duress alarms 1, drills 0. Most in Nov 2026 (3).");
    // One stacked bar (two bands) for November; September and October are empty.
    const svg = html.slice(html.indexOf('<svg viewBox="0 0 420 290"'), html.indexOf("</svg>", html.indexOf('<svg viewBox="0 0 420 290"')));
    expect(svg.match(/<rect[^>]*stroke="#fff"/g)).toHaveLength(2);
    const table = visible(html.slice(html.indexOf('<table id="alarms-month-table"'), html.indexOf("</table>", html.indexOf('<table id="alarms-month-table"'))));
    expect(table).toContain("Month Missed check-ins Panic alarms Duress alarms Drills All alarms Reached the police step");
    expect(table).toContain("Sept 2026 0 0 0 0 0 0"); // en-GB writes September "Sept"
    expect(table).toContain("Oct 2026 0 0 0 0 0 0");
    expect(table).toContain("Nov 2026 0 2 1 0 3 0");
    // The summary is not flooded with the monthly rows.
    expect(visible(html)).not.toContain("medianSecondsToAcknowledge");
    const href = html.match(/href="([^"]+)"[^>]*id="monthly-csv-link"/)![1]!.replace(/&amp;/g, "&");
    const url = new URL(href, "http://x");
    expect(url.pathname).toBe("/api/reports/lone-working");
    expect(url.searchParams.get("table")).toBe("monthly");
    expect(url.searchParams.get("format")).toBe("csv");
    const csv = await hr.client.get(href);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain("2026-11,panic,2,");
    // Other tabs have no such section.
    expect((await hr.client.get("/hr?report=sickness")).text).not.toContain("Lone-working alarms by month");
  });

  it("folds the rows into months and copes with none and with many", () => {
    const months = alarmMonths([
      { month: "2026-11", kind: "panic", alarms: 2, escalatedToPolice: 1 },
      { month: "2026-10", kind: "drill", alarms: 1, escalatedToPolice: 0 },
      { month: "2026-11", kind: "duress", alarms: 1, escalatedToPolice: 0 },
    ]);
    expect(months).toEqual([
      { month: "2026-10", counts: { missed_check_in: 0, panic: 0, duress: 0, drill: 1 }, escalatedToPolice: 0 },
      { month: "2026-11", counts: { missed_check_in: 0, panic: 2, duress: 1, drill: 0 }, escalatedToPolice: 1 },
    ]);
    expect(String(AlarmsByMonthChart({ id: "c", title: "T", months: [] }))).toContain("Nothing to show.");
    const many = Array.from({ length: 120 }, (_, i) => ({ month: `${2017 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`, counts: { missed_check_in: i % 3, panic: 0, duress: 0, drill: 0 }, escalatedToPolice: 0 }));
    const svg = String(AlarmsByMonthChart({ id: "c", title: "T", months: many }));
    // At most about twelve month labels under ten years of bars.
    const labels = svg.match(/<tspan>[A-Z][a-z]{2,3}<\/tspan>/g) ?? [];
    expect(labels.length).toBeGreaterThanOrEqual(5);
    expect(labels.length).toBeLessThanOrEqual(6);
    // Every 20th month is labelled (Jan 2017, Sept 2018, May 2020, ...), each with its year, as each is a new year.
    expect(labels).toEqual(["<tspan>Jan</tspan>", "<tspan>Sept</tspan>", "<tspan>May</tspan>", "<tspan>Jan</tspan>", "<tspan>Sept</tspan>", "<tspan>May</tspan>"]);
    expect((svg.match(/dy="16">(\d{4})</g) ?? []).map((t) => t.slice(-5, -1))).toEqual(["2017", "2018", "2020", "2022", "2023", "2025"]);
    // Twelve months: every second labelled, the year only under the first and under a new year.
    const year = String(AlarmsByMonthChart({ id: "c", title: "T", months: many.slice(6, 18) }));
    expect((year.match(/dy="16">(\d{4})</g) ?? []).map((t) => t.slice(-5, -1))).toEqual(["2017", "2018"]);
  });
});

const suite = browserSuite();

describe("alarms by month in a browser", { timeout: 60_000 }, () => {
  it("is readable with JavaScript off and has no serious axe findings", async () => {
    const hr = await makePerson(suite.admin, ["hr"], { name: "Hana Chart" });
    const worker = await makePerson(suite.admin, ["amhp"], { name: "Wes Alarm" });
    const w = await Api.login(suite.server.url, worker.email, worker.password);
    const v = await w.ok("POST", "/api/visits", { purpose: "home_visit", location: { address: "1 Chart Row" }, expectedEnd: new Date(Date.now() + 3_600_000).toISOString() });
    await w.ok("POST", `/api/visits/${v.id}/alarm`);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 80 * 86_400_000).toISOString().slice(0, 10);
    const { context, page } = await noScriptPage(suite, hr, `/hr?report=lone-working&from=${from}&to=${today}`);
    await page.getByRole("heading", { name: "Lone-working alarms by month" }).waitFor();
    await page.getByRole("img", { name: /Lone-working alarms by month/ }).waitFor();
    const table = page.getByRole("table", { name: /Lone-working alarms by month: the figures/ });
    expect(await table.locator("tbody tr").count()).toBeGreaterThanOrEqual(3);
    await expect(table.textContent()).resolves.toMatch(/Panic alarms/);
    // At phone width the chart fits the screen (the SVG scales; only the tables scroll, in their own regions).
    await page.setViewportSize(PHONE);
    const chartBox = await page.getByRole("img", { name: /Lone-working alarms by month/ }).boundingBox();
    expect(chartBox!.x + chartBox!.width).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(tmpdir(), "hr-lone-working-by-month-360.png"), fullPage: true });
    expect(await axeOfNoScript(suite, page)).toEqual([]);
    const href = await page.locator("#monthly-csv-link").getAttribute("href");
    const csv = await (await fetch(new URL(href!, suite.server.url), { headers: { Cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") } })).text();
    expect(csv.replace(/^\uFEFF/, "").split("\r\n")[0]).toMatch(/^month,kind,alarms,genuine,false,accidental,other,unresolved,escalatedToPolice/);
    expect(csv).toMatch(new RegExp(`${today.slice(0, 7)},panic,1,`));
    await context.close();
  });
});
