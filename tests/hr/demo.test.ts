// The demo seed runs through the real services and leaves what the reports must catch.
import { describe, expect, it } from "vitest";
import { testEnv } from "../helpers.js";
import { seedHr } from "../../src/hr/demo.js";
import type { DemoCast, DemoPerson } from "../../src/demo/cast.js";
import type { Role } from "../../src/staff/schema.js";
import { verifyChain } from "../../src/audit/store.js";
import { verifyAuditAndRecords } from "../../src/audit/records-check.js";

describe("HR demo seed", () => {
  it("a year of history with a trigger, an OH breach, an unconfirmed supervision and a late entry", async () => {
    const env = await testEnv();
    const mk = async (name: string, roles: Role[], team: string, extra: object = {}): Promise<DemoPerson & { client: typeof env.anon }> => {
      const p = await env.person({ name, roles, team, ...extra });
      return { id: p.id, name, email: p.email, team, client: p.client };
    };
    const hr = await mk("Harriet HR", ["hr"], "People");
    const cast: DemoCast = {
      password: "x",
      admin: await mk("Alex Admin", ["admin"], "Support"),
      hr: [hr],
      seniorManagers: [await mk("Sandra Senior", ["senior_manager"], "Leadership")],
      managers: [await mk("Maria North", ["manager"], "North"), await mk("David South", ["manager"], "South")],
      amhps: await Promise.all(["Priya", "James", "Chloe", "Daniel", "Nadia", "Owen", "Grace"].map((n, i) => mk(n, ["amhp"], i % 2 ? "South" : "North"))),
      socialWorkers: [await mk("Ella", ["social_worker"], "North", { category: "asye", startDate: "2026-05-01" }), await mk("Kwame", ["social_worker"], "South"), await mk("Ruby", ["social_worker"], "North")],
      today: "2026-11-24",
    };
    await seedHr(env.deps, cast);
    expect(verifyChain(env.deps.db).ok).toBe(true);
    // A year of real writes through the services replays to exactly the rows there are.
    expect(verifyAuditAndRecords(env.deps.db)).toMatchObject({ ok: true, mismatches: [] });

    const get = async (path: string) => (await hr.client.get(path)).body.rows as Record<string, unknown>[];
    const sickness = await get("/api/reports/sickness");
    const ruby = sickness.find((r) => r.name === "Ruby")!;
    expect(ruby).toMatchObject({ episodes12m: 3, triggerReached: true });
    expect(sickness.find((r) => r.name === "James")).toMatchObject({ longTerm: true, ohBreach: true, ohReferralMade: false });
    expect(sickness.some((r) => r.rtwOverdue)).toBe(true);
    const sup = await get("/api/reports/supervision");
    expect(sup.find((r) => r.name === "Priya")).toMatchObject({ awaitingConfirmation: 1 });
    expect(sup.some((r) => r.status === "overdue")).toBe(true);
    const approvals = await get("/api/reports/amhp-approvals");
    expect(approvals).toHaveLength(7);
    expect(approvals.filter((r) => r.status === "current").length).toBeGreaterThanOrEqual(5);
    expect(approvals.some((r) => r.status === "expiring")).toBe(true);
    const integrity = await get("/api/reports/integrity?from=2025-11-01");
    expect(integrity.reduce((s, r) => s + (r.lateEntries as number), 0)).toBeGreaterThan(0);
    expect(integrity.reduce((s, r) => s + (r.voids as number), 0)).toBe(1);
    expect(integrity.reduce((s, r) => s + (r.corrections as number), 0)).toBe(1);
    const oh = await get("/api/reports/oh-referrals");
    expect(oh.map((r) => r.status)).toEqual(expect.arrayContaining(["closed", "appointment_booked", "not_referred"]));
  });
});
