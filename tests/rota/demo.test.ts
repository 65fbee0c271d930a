// The demo rota: 8 weeks of round-the-clock AMHP duty and manager cover with one
// deliberate gap, which coverage (and uncoveredIntervals) report.
import { describe, expect, it } from "vitest";
import { testEnv } from "../helpers.js";
import { seedRota } from "../../src/rota/demo.js";
import { coverage } from "../../src/rota/service.js";
import { listSwaps } from "../../src/rota/swaps.js";
import { uncoveredIntervals } from "../../src/rota/store/tx.js";
import type { DemoCast, DemoPerson } from "../../src/demo/cast.js";

describe("seedRota", () => {
  it("fills 8 weeks with exactly one gap, an evening without a manager", async () => {
    const env = await testEnv();
    const mk = async (roles: ("amhp" | "manager" | "senior_manager" | "admin" | "hr" | "social_worker")[], n: number, prefix: string): Promise<DemoPerson[]> => {
      const out: DemoPerson[] = [];
      for (let i = 0; i < n; i++) {
        const p = await env.person({ roles, name: `${prefix} ${i}` });
        out.push({ id: p.id, name: `${prefix} ${i}`, email: p.email, team: "T" });
      }
      return out;
    };
    const cast: DemoCast = {
      password: "x",
      admin: (await mk(["admin"], 1, "Admin"))[0]!,
      hr: await mk(["hr"], 1, "HR"),
      seniorManagers: await mk(["senior_manager"], 2, "Senior"),
      managers: await mk(["manager"], 5, "Manager"),
      amhps: await mk(["amhp"], 12, "AMHP"),
      socialWorkers: await mk(["social_worker"], 1, "SW"),
      today: "2026-11-24",
    };
    const seeded = await seedRota(env.deps, cast);
    const tz = env.config.TZ_LOCAL;
    const gaps = (await Promise.all(seeded.rotas.map(async (r) => (await coverage(env.deps.db, r.id, seeded.from, seeded.to, tz)).gaps.map((g) => ({ rota: r.name, ...g }))))).flat();
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.rota).toMatch(/Manager cover: evenings/);
    expect(gaps[0]!.start.toISOString()).toBe("2026-12-02T17:00:00.000Z");
    expect(gaps[0]!.end.toISOString()).toBe("2026-12-03T09:00:00.000Z");
    const noManager = uncoveredIntervals(env.deps.db, "manager_cover", seeded.from, seeded.to);
    expect(noManager.map((g) => g.start.toISOString())).toEqual(["2026-12-02T17:00:00.000Z"]);
    expect(uncoveredIntervals(env.deps.db, "amhp_duty", seeded.from, seeded.to)).toEqual([]);
    // And one swap accepted by its receiver, waiting for a manager's approval (the /swaps page).
    const waiting = await listSwaps(env.deps, cast.managers[0]!.id, true, "accepted");
    expect(waiting).toHaveLength(1);
    expect(seeded.swap?.status).toBe("accepted");
  });
});
