// The demo seed runs through the real services and leaves what the reports must catch.
import { describe, expect, it } from "vitest";
import { testEnv } from "../helpers.js";
import { seedHr } from "../../src/hr/demo.js";
import type { DemoCast, DemoPerson } from "../../src/demo/cast.js";
import type { Role } from "../../src/staff/schema.js";
import { verifyChain } from "../../src/audit/store.js";
import { verifyAuditAndRecords } from "../../src/audit/records-check.js";

describe("HR demo seed", () => {
  it("a year of history with a trigger, an OH breach, an unconfirmed supervision, a disputed one and a late entry; a manager whose My team shows every section", async () => {
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

    // One supervision disputed by its supervisee, with the reason, which HR sees on the record.
    const ella = cast.socialWorkers[0]!;
    expect(sup.find((r) => r.staffId === ella.id)).toMatchObject({ disputed: 1 });
    const ellaSessions = (await hr.client.get(`/api/staff/${ella.id}/supervisions`)).body.supervisions as Record<string, unknown>[];
    const disputed = ellaSessions.filter((s) => s.status === "disputed");
    expect(disputed).toHaveLength(1);
    expect(disputed[0]).toMatchObject({ disputedBy: ella.id, disputeReason: expect.stringMatching(/did not meet/) });

    // The manager of the team with the missing RTW interview (Owen's: South) has a line in every
    // section of My team, read as that manager through the same reports the page reads.
    const david = cast.managers[1]! as (typeof cast.managers)[number] & { client: typeof env.anon };
    const T = cast.today;
    const asDavid = async (report: string) => {
      const r = await david.client.get(`/api/reports/${report}?asOf=${T}`);
      expect(r.status).toBe(200);
      return (r.body.rows as Record<string, unknown>[]).filter((row) => row.staffId !== david.id);
    };
    const southIds = new Set([...cast.amhps, ...cast.socialWorkers].filter((p) => p.team === "South").map((p) => p.id));
    const dSup = await asDavid("supervision");
    expect(dSup.every((r) => southIds.has(r.staffId as string))).toBe(true);
    expect(dSup.some((r) => r.status === "overdue")).toBe(true);
    const dSick = await asDavid("sickness");
    expect(dSick.some((r) => r.rtwOverdue === true)).toBe(true);
    const weekEnd = "2026-12-01";
    expect(dSick.some((r) => r.rtwOverdue === false && typeof r.rtwDueBy === "string" && r.rtwDueBy >= T && r.rtwDueBy <= weekEnd)).toBe(true);
    expect(dSick.some((r) => r.currentlyAbsent === true)).toBe(true);
    expect((await asDavid("oh-referrals")).some((r) => r.status === "not_referred")).toBe(true);
    expect((await asDavid("amhp-approvals")).some((r) => typeof r.daysToExpiry === "number" && r.daysToExpiry >= 0 && r.daysToExpiry <= 90)).toBe(true);
  });
});
