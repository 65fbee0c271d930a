// The pages as the server renders them (in-process, no browser): who may open what,
// what the static files are served as, and the pure pieces (date ranges, charts).
import { describe, expect, it } from "vitest";
import { testEnv } from "../helpers.js";
import { rotaRange } from "../../src/web/pages/rota.js";
import { BarChart, countBy } from "../../src/web/charts.js";

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
