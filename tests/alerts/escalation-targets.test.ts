// Review D2/D2b: a step must reach someone. An empty or wholly inactive senior list
// falls back to senior managers, then managers, then admins; the last member of the
// senior list cannot be deactivated; readiness says when the list has nobody active.
import { expect, it } from "vitest";
import { testEnv } from "../helpers.js";
import { tick } from "../../src/lone-working/escalation/pass.js";
import { writeTx } from "../../src/db/connection.js";
import { staff } from "../../src/staff/schema.js";
import { eq } from "drizzle-orm";
import { RecordingPush, fakeRota } from "./fakes.js";
import { escalationSetup } from "./setup.js";

it("senior list members all inactive and nobody on the rota: the managers are told", async () => {
  const s = await escalationSetup();
  s.rota.managers = [];
  // Deactivated behind the service's back (e.g. before the refusal existed).
  writeTx(s.e.deps.db, (tx) => tx.update(staff).set({ active: false }).where(eq(staff.id, s.senior.id)).run());
  await s.worker.client.post("/api/visits", { purpose: "mha_assessment", location: { address: "1 High St" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(10);
  for (let i = 0; i < 10; i++) {
    await s.run();
    s.e.clock.advanceMinutes(1);
  }
  expect(s.push.to(s.m1.id).length).toBeGreaterThan(0);
  expect(s.push.to(s.senior.id).length).toBe(0);
  const r = await s.m1.client.get("/api/readiness?from=2026-11-24&to=2026-11-24");
  expect(r.body.seniorListProblem).toMatch(/No one on the senior escalation list is active/);
});

it("default policy, no senior manager, nobody on the rota: a missed check-in and a panic reach the managers", async () => {
  const e = await testEnv();
  const push = new RecordingPush();
  e.deps.push = push;
  const rota = fakeRota();
  const worker = await e.person({ roles: ["amhp"] });
  await e.person({ roles: ["admin"] });
  const mgr = await e.person({ roles: ["manager"] }); // exists, not on the rota tonight
  const run = () => tick(e.deps, { onDutyAt: rota.onDutyAt });
  const at = (m: number) => new Date(e.clock.now().getTime() + m * 60_000).toISOString();
  await worker.client.post("/api/visits", { purpose: "mha_assessment", location: { address: "x" }, expectedEnd: at(10) });
  e.clock.advanceMinutes(10);
  for (let i = 0; i < 10; i++) {
    await run();
    e.clock.advanceMinutes(1);
  }
  expect(push.to(mgr.id).length).toBeGreaterThan(0);
  push.clear();
  const v = (await worker.client.post("/api/visits", { purpose: "mha_assessment", location: { address: "y" }, expectedEnd: at(60) })).body;
  expect((await worker.client.post(`/api/visits/${v.id}/alarm`)).status).toBeLessThan(300);
  await run();
  expect(push.to(mgr.id).length).toBeGreaterThan(0);
  expect((await mgr.client.get("/api/readiness?from=2026-11-24&to=2026-11-24")).body.seniorListProblem).toMatch(/not set/);
});

it("only admins left: they are told, never the worker in their place", async () => {
  const e = await testEnv();
  const push = new RecordingPush();
  e.deps.push = push;
  const rota = fakeRota();
  const worker = await e.person({ roles: ["amhp", "manager"] }); // a manager-worker is never their own fallback
  const admin = await e.person({ roles: ["admin"] });
  const v = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "y" }, expectedEnd: new Date(e.clock.now().getTime() + 3600_000).toISOString() })).body;
  await worker.client.post(`/api/visits/${v.id}/alarm`);
  await tick(e.deps, { onDutyAt: rota.onDutyAt });
  expect(push.to(admin.id).length).toBeGreaterThan(0);
  expect(push.to(worker.id).length).toBe(0);
});

it("the last active member of the senior list cannot be deactivated or lose the manager roles", async () => {
  const s = await escalationSetup();
  const before = await s.e.auditCount();
  const off = await s.admin.client.patch(`/api/staff/${s.senior.id}`, { active: false });
  expect(off.status).toBe(422);
  expect((await s.admin.client.patch(`/api/staff/${s.senior.id}`, { roles: ["amhp"] })).status).toBe(422);
  expect(await s.e.auditCount()).toBe(before);
  expect((await s.admin.client.patch(`/api/staff/${s.senior.id}`, { roles: ["manager"] })).status).toBe(200); // still managing
  // With a second active member on the list, it is allowed.
  const other = await s.e.person({ roles: ["senior_manager"] });
  expect((await s.admin.client.put("/api/escalation-policy", { ...(await s.admin.client.get("/api/escalation-policy")).body, seniorStaffIds: [s.senior.id, other.id] })).status).toBe(200);
  expect((await s.admin.client.patch(`/api/staff/${s.senior.id}`, { active: false })).status).toBe(200);
  expect((await s.m1.client.get("/api/readiness?from=2026-11-24&to=2026-11-24")).body.seniorListProblem).toBeNull();
  // Nor can the policy name only people who are not active.
  const policy = (await s.admin.client.get("/api/escalation-policy")).body;
  const audits = s.e.auditCount();
  expect((await s.admin.client.put("/api/escalation-policy", { ...policy, seniorStaffIds: [s.senior.id] })).status).toBe(422);
  expect(s.e.auditCount()).toBe(audits);
});
