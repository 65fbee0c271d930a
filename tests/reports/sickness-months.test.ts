// The HR page's "working days lost to sickness" chart: right figures for the caller's
// scope, read in one query however many people there are (a read per person held the
// event loop, which escalation shares, for ~200-400 ms at 400 staff).
import { describe, expect, it, vi } from "vitest";
import { testEnv } from "../helpers.js";
import { sicknessDaysByMonth } from "../../src/reports/sickness-months.js";

describe("sickness days by month", () => {
  it("counts working days in scope, and reads once for forty people", async () => {
    const t = await testEnv({}, "2026-11-24T12:00:00Z");
    const hr = await t.person({ roles: ["hr"] });
    const mgr = await t.person({ roles: ["manager"], team: "North" });
    const people = [];
    for (let i = 0; i < 40; i++) people.push(await t.person({ roles: ["amhp"], team: i % 2 ? "North" : "South" }));
    for (const p of people) {
      // Tue 17 - Fri 20 Nov 2026: four working days each (no later than the 7 days back that need a late-entry reason).
      const made = await hr.client.post(`/api/staff/${p.id}/sickness`, { firstDay: "2026-11-17", lastDay: "2026-11-20", cause: "musculoskeletal" });
      expect(made.status).toBe(201);
    }
    const users = await Promise.all([hr, mgr].map(async (w) => (await w.client.get("/api/me")).body as Parameters<typeof sicknessDaysByMonth>[1]));
    await sicknessDaysByMonth(t.deps, users[0]!, "2026-11-24"); // the store's own statements, prepared once per connection
    const prepare = vi.spyOn(t.deps.db.$client, "prepare");
    const all = await sicknessDaysByMonth(t.deps, users[0]!, "2026-11-24");
    expect(prepare.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining("sickness_episodes")]);
    prepare.mockRestore();
    expect(all.find((b) => b.label === "Nov 2026")?.value).toBe(40 * 4);
    expect(all.reduce((n, b) => n + b.value, 0)).toBe(40 * 4);
    const team = await sicknessDaysByMonth(t.deps, users[1]!, "2026-11-24");
    expect(team.find((b) => b.label === "Nov 2026")?.value).toBe(20 * 4);
  });
});
