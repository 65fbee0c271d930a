// The pages as the server renders them (in-process, no browser): who may open what,
// what the static files are served as, and the pure pieces (date ranges, charts).
import { describe, expect, it } from "vitest";
import { expectInvalid, testEnv } from "../helpers.js";
import { rotaRange } from "../../src/web/pages/rota.js";
import { BarChart, countBy } from "../../src/web/charts.js";
import { fmtSeconds, fmtSpan } from "../../src/web/format.js";
import { alerts } from "../../src/lone-working/escalation/schema.js";

/** What a person reads: the text between the tags (attribute values are for machines). */
const visible = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ");
const csvHref = (html: string) => html.match(/href="([^"]+)"[^>]*id="csv-link"/)![1]!.replace(/&amp;/g, "&");

describe("pages over HTTP", () => {
  it("sends a stranger to sign in, and keeps where they were going", async () => {
    const env = await testEnv();
    for (const path of ["/", "/board", "/rota?view=month", "/hr", "/visits/abc"]) {
      const res = await env.anon.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    expect((await env.anon.get("/login")).status).toBe(200);
  });

  it("refuses the board and HR pages to roles they are not for", async () => {
    const env = await testEnv();
    const amhp = await env.person({ roles: ["amhp"] });
    expect((await amhp.client.get("/board")).status).toBe(403);
    expect((await amhp.client.get("/hr")).status).toBe(403);
    const manager = await env.person({ roles: ["manager"] });
    expect((await manager.client.get("/board")).status).toBe(200);
    const hr = await env.person({ roles: ["hr"] });
    const page = await hr.client.get("/hr?report=sickness");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Working days lost to sickness, by month");
    expect(page.text).toContain('href="/api/reports/sickness?asOf=2026-11-24&amp;format=csv"');
    // Every report tab loads (period reports get a from/to the API accepts).
    for (const key of ["supervision", "oh-referrals", "amhp-approvals", "lone-working", "integrity"]) {
      const res = await hr.client.get(`/hr?report=${key}`);
      expect(res.status, key).toBe(200);
      expect(res.text, key).not.toContain("could not be loaded");
      expect(res.text, key).not.toContain("not available yet");
    }
  });

  it("pages carry no inline script or style, so the CSP holds", async () => {
    const env = await testEnv();
    const amhp = await env.person({ roles: ["amhp", "manager", "hr"] });
    for (const path of ["/login", "/", "/visits/x", "/board", "/rota", "/hr"]) {
      const res = path === "/login" ? await env.anon.get(path) : await amhp.client.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(res.text, path).not.toMatch(/\sstyle="/);
      expect(res.text, path).not.toMatch(/\son[a-z]+="/);
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
  });

  it("serves the service worker at the root with scope /, and only known static files", async () => {
    const env = await testEnv();
    const sw = await env.anon.get("/sw.js");
    expect(sw.status).toBe(200);
    expect(sw.headers.get("service-worker-allowed")).toBe("/");
    expect(sw.headers.get("content-type")).toContain("javascript");
    expect(sw.text).toContain("requireInteraction: true");
    const manifest = await env.anon.get("/static/manifest.webmanifest");
    expect(manifest.headers.get("content-type")).toContain("application/manifest+json");
    expect(JSON.parse(manifest.text).icons.map((i: { sizes: string }) => i.sizes)).toEqual(["any", "192x192", "512x512"]);
    expect((await env.anon.get("/static/icon-192.png")).headers.get("content-type")).toBe("image/png");
    for (const bad of ["/static/..%2Fpages.ts", "/static/routes.ts", "/static/%2e%2e%2fstatic.ts", "/static/nope.js"]) {
      expect((await env.anon.get(bad)).status, bad).toBe(404);
    }
  });
});

describe("rota views: a shift belongs to the day it starts", () => {
  it("a 17:00–09:00 night shift is listed once, under its start day, as ending the next day, in the week and month views", async () => {
    const env = await testEnv(); // 2026-11-24 (a Tuesday), GMT
    const admin = await env.person({ roles: ["admin", "manager"] });
    const morgan = await env.person({ roles: ["manager"], name: "Morgan Nightly" });
    const rota = (await admin.client.post("/api/rotas", { name: "Night cover", kind: "manager_cover" })).body;
    expect((await admin.client.post(`/api/rotas/${rota.id}/patterns`, { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 960, label: "Night", startsOn: "2026-11-01" })).status).toBe(201);
    // Tuesday night (Tue 17:00 to Wed 09:00) is covered; every other night is a gap.
    expect((await admin.client.post(`/api/rotas/${rota.id}/assignments`, { staffId: morgan.id, start: "2026-11-24T17:00:00.000Z", end: "2026-11-25T09:00:00.000Z" })).status).toBe(201);

    const week = await admin.client.get(`/rota?rota=${rota.id}&view=week&date=2026-11-24`);
    expect(week.status).toBe(200);
    const list = week.text.slice(week.text.indexOf('<ol class="plain week">'), week.text.indexOf("</ol>", week.text.indexOf('<ol class="plain week">')));
    const days = list.split("<h3>").slice(1); // Mon 23 .. Sun 29
    expect(days).toHaveLength(7);
    for (const [i, d] of days.entries()) {
      // One shift a day (the one starting that evening), not also the one that started the evening before.
      expect(d.match(/<strong>17:00–09:00 \(next day\)<\/strong>/g), `day ${i}`).toHaveLength(1);
      expect(d.match(/UNSTAFFED|Morgan Nightly/g), `day ${i}`).toHaveLength(1);
    }
    expect(days[1]).toContain("Morgan Nightly"); // Tuesday
    expect(days[2]).not.toContain("Morgan Nightly"); // Wednesday
    expect(days[1]).not.toContain("GAP");
    expect(days[2]).toContain("GAP 17:00–09:00 (next day)");
    // The last night shown keeps its real end, not the end of the window.
    expect(days[6]).toContain("GAP 17:00–09:00 (next day)");
    expect(days.join("").match(/GAP /g)).toHaveLength(6);
    expect(week.text).toContain("6 gaps</strong> in this period");

    // My duty (the home page) reads the same way.
    const home = visible((await morgan.client.get("/")).text);
    expect(home).toContain("Tue 24 Nov 17:00–09:00 (next day)");

    const month = await admin.client.get(`/rota?rota=${rota.id}&view=month&date=2026-11-24`);
    const cells = month.text.slice(month.text.indexOf("<tbody>"), month.text.indexOf("</tbody>")).split("<td").slice(1);
    expect(cells).toHaveLength(42); // Mon 26 Oct .. Sun 6 Dec
    const cell = (day: number) => cells.find((c) => c.includes(`<strong>${day}</strong>`) && !c.includes('class="other-month"'))!;
    // The pattern starts on Sunday 1 November (the seventh cell): one night a cell from there on, none before.
    for (const [i, c] of cells.entries()) expect(c.match(/17:00 (UNSTAFFED|Morgan)/g)?.length ?? 0, `cell ${i}`).toBe(i >= 6 ? 1 : 0);
    expect(cell(24)).toContain("Morgan Nightly");
    expect(cell(24)).not.toMatch(/^ class="gap"/);
    expect(cell(25)).not.toContain("Morgan Nightly");
    expect(cell(25)).toMatch(/^ class="gap"/);
  });
});

describe("report pages read as words, and their CSV is what is on screen", () => {
  it("the CSV link carries every filter on screen, and the CSV holds just those rows, in machine values", async () => {
    const env = await testEnv();
    const hr = await env.person({ roles: ["hr"] });
    for (const name of ["Ada Byrne", "Adam Cole", "Ben Diaz"]) await env.person({ roles: ["social_worker"], name });
    const page = await hr.client.get("/hr?report=supervision&asOf=2026-11-20&q=ada&status=none_recorded");
    const href = csvHref(page.text);
    const q = new URL(href, "http://x").searchParams;
    expect(Object.fromEntries(q)).toMatchObject({ asOf: "2026-11-20", name: "ada", status: "none_recorded", format: "csv" });
    const csv = (await hr.client.get(href)).text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(csv).toHaveLength(3); // header, Ada Byrne, Adam Cole
    expect(csv.slice(1).map((l) => l.split(",")[1]).sort()).toEqual(["Ada Byrne", "Adam Cole"]);
    expect(csv.slice(1).every((l) => l.includes(",none_recorded,"))).toBe(true);
    // The same rows on screen, and the status chosen in words.
    expect(page.text.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>/g)).toHaveLength(2);
    expect(page.text).toMatch(/<option value="none_recorded" selected="">None recorded<\/option>/);
    expectInvalid(await hr.client.get(`/api/reports/supervision?status=${"x".repeat(51)}`), "status");
    // A period report carries from/to as the API takes them.
    const lw = new URL(csvHref((await hr.client.get("/hr?report=lone-working&from=2026-10-01&to=2026-11-24&status=open")).text), "http://x").searchParams;
    expect(lw.get("status")).toBe("open");
    expect(lw.get("from")).toBe("2026-09-30T23:00:00.000Z"); // local midnight (BST)
  });

  it("reasons, column names, shares and instants read as words, rounded numbers and London time", async () => {
    const env = await testEnv();
    const hr = await env.person({ roles: ["hr"] });
    const worker = await env.person({ roles: ["amhp"], name: "Wendy Worker" });
    const at = (iso: string) => new Date(iso);
    // Three alarms in October (BST): acknowledged after 5 s, 20 s and 50 s.
    for (const [i, [reason, ack]] of ([["missed_check_in", 5], ["missed_check_in", 20], ["panic", 50]] as const).entries()) {
      const raised = at(`2026-10-2${i}T16:05:00Z`);
      env.deps.db
        .insert(alerts)
        .values({ triggerKey: `t${i}`, visitId: null, staffId: worker.id, reason, status: "acknowledged", policy: {} as never, startStep: 0, baseAt: raised, raisedAt: raised, managersToldAt: raised, acknowledgedAt: new Date(raised.getTime() + ack * 1000), acknowledgedBy: hr.id })
        .run();
    }
    const lw = await hr.client.get("/hr?report=lone-working&from=2026-10-01&to=2026-11-24");
    expect(lw.status).toBe(200);
    const text = visible(lw.text);
    for (const raw of ["missed_check_in", "0.333", "0.666", "2026-10-20T", ".000Z", "shareWithin", "raisedAt", "secondsToAcknowledge"]) expect(text, raw).not.toContain(raw);
    expect(text).toContain("Missed check-in");
    expect(text).toContain("PANIC alarm");
    expect(text).toMatch(/within 10 s\s*33%/i);
    expect(text).toMatch(/within 40 s\s*67%/i);
    expect(text).toContain("20 Oct 2026 17:05"); // 16:05 UTC in BST
    expect(text).toContain("Raised");
    expect(lw.text.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/Wendy Worker/g)).toHaveLength(3); // names, not ids
    // The CSV keeps the machine values: it is data.
    const csv = (await hr.client.get(csvHref(lw.text))).text;
    expect(csv).toContain("missed_check_in");
    expect(csv).toContain("2026-10-20T16:05:00.000Z");

    await hr.client.post(`/api/staff/${worker.id}/training`, { date: "2026-11-24", hours: 1, topic: "law update" });
    const integrity = visible((await hr.client.get("/hr?report=integrity&from=2026-11-01&to=2026-11-24")).text);
    expect(integrity).toContain("Late entries");
    expect(integrity).not.toMatch(/lateEntries|recorderId/);
  });
});

describe("shift spans as read", () => {
  it("say when a span ends on a later local day, across the clock change too", () => {
    const tz = "Europe/London";
    expect(fmtSpan("2026-11-24T09:00:00Z", "2026-11-24T17:00:00Z", tz)).toBe("09:00–17:00");
    expect(fmtSpan("2026-11-24T17:00:00Z", "2026-11-25T09:00:00Z", tz)).toBe("17:00–09:00 (next day)");
    expect(fmtSpan("2026-11-24T16:00:00Z", "2026-11-25T00:00:00Z", tz)).toBe("16:00–00:00"); // ends at midnight
    expect(fmtSpan("2026-11-24T17:00:00Z", "2026-11-26T09:00:00Z", tz)).toBe("17:00–09:00 (ends Thu 26 Nov)");
    // Saturday 24 October 2026 17:00 BST to Sunday 09:00 GMT (the clocks go back that night).
    expect(fmtSpan("2026-10-24T16:00:00Z", "2026-10-25T09:00:00Z", tz)).toBe("17:00–09:00 (next day)");
    expect([35, 335, 3845].map(fmtSeconds)).toEqual(["35 s", "5 min 35 s", "1 h 04 min"]);
    // 23:30 BST is still Saturday in London though it is 22:30 UTC.
    expect(fmtSpan("2026-07-04T22:30:00Z", "2026-07-05T06:00:00Z", tz)).toBe("23:30–07:00 (next day)");
  });
});

describe("rota ranges", () => {
  it("a week runs Monday to Sunday; a month covers whole weeks", () => {
    expect(rotaRange("week", "2026-11-24")).toEqual({ from: "2026-11-23", to: "2026-11-29" });
    expect(rotaRange("week", "2026-11-29")).toEqual({ from: "2026-11-23", to: "2026-11-29" });
    expect(rotaRange("month", "2026-11-24")).toEqual({ from: "2026-10-26", to: "2026-12-06" });
    expect(rotaRange("month", "2026-03-10")).toEqual({ from: "2026-02-23", to: "2026-04-05" });
  });
});

describe("charts", () => {
  it("writes each value beside its bar and describes the chart in text", () => {
    const svg = String(BarChart({ id: "c", title: "Overdue by team", bars: [{ label: "North", value: 3 }, { label: "South", value: 0 }] }));
    expect(svg).toContain('role="img"');
    expect(svg).toContain("<title id=\"c-t\">Overdue by team</title>");
    expect(svg).toContain("North: 3; South: 0");
    expect(svg).toMatch(/>3<\/text>/);
    expect(svg).toMatch(/>0<\/text>/);
  });

  it("counts by key, keeping keys with nothing to count", () => {
    const rows = [{ t: "N", o: true }, { t: "N", o: false }, { t: "S", o: false }];
    expect(countBy(rows, (r) => r.t, (r) => r.o)).toEqual([{ label: "N", value: 1 }, { label: "S", value: 0 }]);
  });
});
