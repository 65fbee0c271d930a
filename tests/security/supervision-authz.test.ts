// Supervision cannot be invented (issue 9): the supervisor named must be someone who
// may supervise that person — a manager of their team, or a senior manager — and
// only the two parties (or someone who manages the person's records) may record it.
// Two peers recording and confirming a session for each other are refused.
import { beforeAll, describe, expect, it } from "vitest";
import { testEnv, type Client, type TestEnv } from "../helpers.js";
import { supervisions } from "../../src/hr/schema.js";

let env: TestEnv;
type P = { id: string; client: Client };
let hr: P, admin: P, northMgr: P, southMgr: P, senior: P, worker: P, peer: P, southWorker: P, northMgr2: P;
const DAY = "2026-11-23";

beforeAll(async () => {
  env = await testEnv();
  hr = await env.person({ roles: ["hr"], team: "People" });
  admin = await env.person({ roles: ["admin"] });
  northMgr = await env.person({ roles: ["manager"], team: "North" });
  northMgr2 = await env.person({ roles: ["manager"], team: "North" });
  southMgr = await env.person({ roles: ["manager"], team: "South" });
  senior = await env.person({ roles: ["senior_manager"], team: "Leadership" });
  worker = await env.person({ roles: ["amhp"], team: "North" });
  peer = await env.person({ roles: ["amhp", "social_worker"], team: "North" });
  southWorker = await env.person({ roles: ["social_worker"], team: "South" });
});

async function refused(c: Client, staffId: string, supervisorId: string, status: number) {
  const before = env.auditCount();
  const res = await c.post(`/api/staff/${staffId}/supervisions`, { heldOn: DAY, supervisorId });
  expect(res.status, res.text).toBe(status);
  expect(env.auditCount()).toBe(before);
  return res;
}

const paths = (res: { body: { errors?: { path: string }[] } }) => (res.body.errors ?? []).map((e) => e.path);

describe("who may be named as supervisor", () => {
  it("a peer (same team, no manager role) is refused, by either of them, with a 422 naming supervisorId", async () => {
    const r1 = await refused(worker.client, worker.id, peer.id, 422);
    expect(paths(r1)).toContain("supervisorId");
    expect(r1.body.detail).toMatch(/supervis/i);
    // The peer recording it as the supervisor is refused the same way.
    expect(paths(await refused(peer.client, worker.id, peer.id, 422))).toContain("supervisorId");
  });

  it("a manager of another team, HR or an admin cannot be named as supervisor", async () => {
    expect(paths(await refused(worker.client, worker.id, southMgr.id, 422))).toContain("supervisorId");
    expect(paths(await refused(worker.client, worker.id, hr.id, 422))).toContain("supervisorId");
    expect(paths(await refused(worker.client, worker.id, admin.id, 422))).toContain("supervisorId");
    // Nor by HR, who may record for anyone, but not invent the supervisor.
    expect(paths(await refused(hr.client, worker.id, peer.id, 422))).toContain("supervisorId");
  });

  it("a manager of the person's team, or a senior manager, may be named", async () => {
    for (const sup of [northMgr, northMgr2, senior]) {
      const res = await worker.client.post(`/api/staff/${worker.id}/supervisions`, { heldOn: DAY, supervisorId: sup.id });
      expect(res.status, res.text).toBe(201);
      expect((await sup.client.post(`/api/supervisions/${res.body.id}/confirm`)).body.status).toBe("confirmed");
    }
  });

  it("a manager is supervised by a senior manager, not by a peer manager of another team", async () => {
    expect((await northMgr.client.post(`/api/staff/${northMgr.id}/supervisions`, { heldOn: DAY, supervisorId: senior.id })).status).toBe(201);
    expect(paths(await refused(northMgr.client, northMgr.id, southMgr.id, 422))).toContain("supervisorId");
  });

  it("a deactivated manager cannot be named", async () => {
    const gone = await env.person({ roles: ["manager"], team: "North" });
    expect((await admin.client.patch(`/api/staff/${gone.id}`, { active: false })).status).toBe(200);
    expect(paths(await refused(worker.client, worker.id, gone.id, 422))).toContain("supervisorId");
  });
});

describe("who may record", () => {
  it("a third party who does not manage the person is refused (404, nothing written)", async () => {
    await refused(peer.client, worker.id, northMgr.id, 404); // a colleague recording someone else's session
    await refused(southWorker.client, worker.id, northMgr.id, 404);
    await refused(southMgr.client, worker.id, northMgr.id, 404);
  });

  it("the supervisee, the supervisor, HR and admin may", async () => {
    for (const c of [worker.client, northMgr.client, hr.client, admin.client]) {
      const res = await c.post(`/api/staff/${worker.id}/supervisions`, { heldOn: DAY, supervisorId: northMgr.id });
      expect(res.status, res.text).toBe(201);
    }
  });
});

describe("confirming", () => {
  it("a session naming a peer (entered before this rule) cannot be confirmed into counting", async () => {
    // As the old code let it be written: recorded by the worker, naming a peer.
    const row = env.deps.db
      .insert(supervisions)
      .values({ staffId: worker.id, supervisorId: peer.id, heldOn: DAY, superviseeConfirmedAt: env.clock.now(), recordedAt: env.clock.now(), recordedBy: worker.id })
      .returning()
      .get();
    const before = env.auditCount();
    const res = await peer.client.post(`/api/supervisions/${row.id}/confirm`);
    expect(res.status, res.text).toBe(422);
    expect(paths(res)).toContain("supervisorId");
    expect(env.auditCount()).toBe(before);
    const report = await hr.client.get(`/api/reports/supervision?asOf=${DAY}`);
    // The peer's session is not what makes the worker's supervision count.
    const confirmed = env.deps.db.select().from(supervisions).all().filter((s) => s.supervisorId === peer.id && s.supervisorConfirmedAt);
    expect(confirmed).toEqual([]);
    expect(report.status).toBe(200);
  });
});
