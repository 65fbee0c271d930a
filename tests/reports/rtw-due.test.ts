// The sickness report's rtwDueBy (issue 11): the last day a return-to-work interview not yet
// held may be held on, so a manager's "My team" can list interviews due as well as overdue.
// Same for HR and for a line manager (who never sees causes), in JSON and in CSV.
import { describe, expect, it } from "vitest";
import { testEnv } from "../helpers.js";

describe("sickness report: rtwDueBy", () => {
  it("due (back today, or tomorrow), overdue, and done", async () => {
    // Tuesday 24 November 2026.
    const t = await testEnv({}, "2026-11-24T12:00:00Z");
    const hr = await t.person({ roles: ["hr"] });
    const mgr = await t.person({ roles: ["manager"], team: "North" });
    const [due, tomorrow, overdue, done, open] = await Promise.all([1, 2, 3, 4, 5].map(() => t.person({ roles: ["social_worker"], team: "North", startDate: "2024-01-01" })));
    const sick = async (p: { id: string }, firstDay: string, lastDay?: string) => {
      const r = await mgr.client.post(`/api/staff/${p!.id}/sickness`, { firstDay, ...(lastDay ? { lastDay } : {}), cause: "stress_anxiety_depression" });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    await sick(due!, "2026-11-20", "2026-11-23"); // back Tue 24: due by Thu 26
    await sick(tomorrow!, "2026-11-23", "2026-11-24"); // back Wed 25: due by Fri 27
    await sick(overdue!, "2026-11-17", "2026-11-18"); // back Thu 19: due by Mon 23, not held
    const heldId = await sick(done!, "2026-11-17", "2026-11-18");
    expect((await mgr.client.post(`/api/sickness/${heldId}/return-to-work`, { heldOn: "2026-11-19" })).status).toBe(201);
    await sick(open!, "2026-11-23"); // still off: nothing due yet

    for (const reader of [hr, mgr]) {
      const rows = (await reader.client.get("/api/reports/sickness?asOf=2026-11-24")).body.rows as Record<string, unknown>[];
      const row = (p: { id: string }) => rows.find((r) => r.staffId === p.id);
      expect(row(due!)).toMatchObject({ rtwDueBy: "2026-11-26", rtwOverdue: false });
      expect(row(tomorrow!)).toMatchObject({ rtwDueBy: "2026-11-27", rtwOverdue: false, currentlyAbsent: true });
      expect(row(overdue!)).toMatchObject({ rtwDueBy: "2026-11-23", rtwOverdue: true });
      expect(row(done!)).toMatchObject({ rtwDueBy: null, rtwOverdue: false });
      expect(row(open!)).toMatchObject({ rtwDueBy: null, rtwOverdue: false, currentlyAbsent: true });
    }
    // The line manager's rows carry no cause, and the same due days (they never depended on it).
    const asMgr = await mgr.client.get("/api/reports/sickness?asOf=2026-11-24");
    expect(JSON.stringify(asMgr.body)).not.toMatch(/stress|cause/);

    const csv = await mgr.client.request("GET", "/api/reports/sickness?asOf=2026-11-24&format=csv");
    const text = String(csv.body);
    const [header, ...lines] = text.trim().split(/\r?\n/);
    const cols = header!.split(",");
    expect(cols).toContain("rtwDueBy");
    const at = cols.indexOf("rtwDueBy");
    const idAt = cols.indexOf("staffId");
    const byId = new Map(lines.map((l) => l.split(",")).map((c) => [c[idAt]!.replace(/"/g, ""), c[at]!.replace(/"/g, "")]));
    expect(byId.get(due!.id)).toBe("2026-11-26");
    expect(byId.get(overdue!.id)).toBe("2026-11-23");
    expect(byId.get(done!.id)).toBe("");
  });
});
