// A deactivated person left on the rota is never "on duty": escalation must not
// count on them, so the hours show as uncovered and coverage names the conflict.
import { expect, it } from "vitest";
import { testEnv } from "../helpers.js";
import { onDutyAt, uncoveredIntervals } from "../../src/rota/store/tx.js";

it("drops a deactivated holder from on-duty and coverage", async () => {
  const env = await testEnv();
  const admin = await env.person({ roles: ["admin"] });
  const mo = await env.person({ roles: ["manager"], name: "Mo" });
  const cover = (await admin.client.post("/api/rotas", { name: "Cover", kind: "manager_cover" })).body.id;
  await admin.client.post(`/api/rotas/${cover}/patterns`, { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 960 });
  expect((await admin.client.post(`/api/rotas/${cover}/assignments`, { staffId: mo.id, start: "2026-11-24T17:00:00Z", end: "2026-11-25T09:00:00Z" })).status).toBe(201);
  const at = new Date("2026-11-24T20:00:00Z");
  expect(onDutyAt(env.deps.db, at).managers.map((m) => m.id)).toEqual([mo.id]);

  expect((await admin.client.patch(`/api/staff/${mo.id}`, { active: false })).status).toBe(200);
  expect(onDutyAt(env.deps.db, at).managers).toEqual([]);
  expect(uncoveredIntervals(env.deps.db, "manager_cover", new Date("2026-11-24T17:00:00Z"), new Date("2026-11-25T09:00:00Z"))).toHaveLength(1);
  const cov = await admin.client.get(`/api/rotas/${cover}/coverage?from=2026-11-24T17:00:00Z&to=2026-11-25T09:00:00Z`);
  expect(cov.body.gaps).toEqual([{ start: "2026-11-24T17:00:00.000Z", end: "2026-11-25T09:00:00.000Z" }]);
  expect(cov.body.conflicts.map((c: { kind: string }) => c.kind)).toContain("ineligible");
});
