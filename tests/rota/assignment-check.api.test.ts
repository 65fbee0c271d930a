// The dry run of an assignment (issue 11): POST /api/rotas/{id}/assignments/check gives the
// refusal or the warnings that assigning would give, from the same check, and writes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { testEnv, type TestEnv } from "../helpers.js";
import { rotaAssignments } from "../../src/rota/schema.js";
import { AssignmentCheckSchema } from "../../src/rota/routes.js";
import { approval, leave, training } from "./factories.js";

type P = Awaited<ReturnType<TestEnv["person"]>>;
let env: TestEnv;
let coord: P;
let ada: P; // approved AMHP
let cat: P; // AMHP whose approval expired
let mo: P; // manager
let dutyId: string;
let coverId: string;

const rows = () => env.deps.db.select().from(rotaAssignments).all();

/** The check, then (after proving it wrote nothing) the real assign with the same body. */
async function checkThenAssign(rotaId: string, body: Record<string, unknown>) {
  const audit = env.auditCount();
  const n = rows().length;
  const check = await coord.client.post(`/api/rotas/${rotaId}/assignments/check`, body);
  expect(check.status).toBe(200);
  AssignmentCheckSchema.parse(check.body);
  expect(env.auditCount()).toBe(audit);
  expect(rows().length).toBe(n);
  const real = await coord.client.post(`/api/rotas/${rotaId}/assignments`, body);
  return { check: check.body, real };
}

beforeAll(async () => {
  env = await testEnv();
  coord = await env.person({ roles: ["senior_manager"] });
  ada = await env.person({ roles: ["amhp"], name: "Ada AMHP" });
  cat = await env.person({ roles: ["amhp"], name: "Cat AMHP" });
  mo = await env.person({ roles: ["manager"], name: "Mo Manager" });
  approval(env.deps, ada.id, "2024-06-01", "2029-05-31");
  training(env.deps, ada.id, "2026-07-01", 20);
  approval(env.deps, cat.id, "2020-01-01", "2024-12-31");
  dutyId = (await coord.client.post("/api/rotas", { name: "AMHP day duty", kind: "amhp_duty" })).body.id;
  coverId = (await coord.client.post("/api/rotas", { name: "Evening manager cover", kind: "manager_cover" })).body.id;
});

describe("POST /api/rotas/{id}/assignments/check", () => {
  it("an eligible person with no warnings: ok, no warnings; the assign then gives none either", async () => {
    const { check, real } = await checkThenAssign(dutyId, { staffId: ada.id, start: "2026-11-25T09:00:00Z", end: "2026-11-25T17:00:00Z" });
    expect(check).toEqual({ ok: true, warnings: [] });
    expect(real.status).toBe(201);
    expect(real.body.warnings).toEqual([]);
  });

  it("an expired approval: the same refusal (status, detail, errors) as assigning gives", async () => {
    const { check, real } = await checkThenAssign(dutyId, { staffId: cat.id, start: "2026-11-26T09:00:00Z", end: "2026-11-26T17:00:00Z" });
    expect(real.status).toBe(422);
    expect(check).toEqual({ ok: false, refusal: { status: 422, detail: real.body.detail, errors: real.body.errors }, warnings: [] });
    expect(check.refusal.detail).toMatch(/expired on 2024-12-31/);
    expect(check.refusal.errors[0].path).toBe("staffId");
  });

  it("double-booked and not a manager: the same refusals as assigning", async () => {
    const clash = await checkThenAssign(dutyId, { staffId: ada.id, start: "2026-11-25T16:00:00Z", end: "2026-11-25T20:00:00Z" });
    expect(clash.real.status).toBe(422);
    expect(clash.check.refusal).toEqual({ status: 422, detail: clash.real.body.detail, errors: clash.real.body.errors });
    expect(clash.check.refusal.detail).toMatch(/double-booked/);
    const cover = await checkThenAssign(coverId, { staffId: ada.id, start: "2026-11-26T17:00:00Z", end: "2026-11-27T09:00:00Z" });
    expect(cover.check.refusal.detail).toBe(cover.real.body.detail);
    expect(cover.check.refusal.detail).toMatch(/not a manager/);
  });

  it("Working Time and leave: the same warnings as the assign that follows", async () => {
    leave(env.deps, mo.id, "2026-12-01", "2026-12-01");
    const a = await checkThenAssign(coverId, { staffId: mo.id, start: "2026-11-30T17:00:00Z", end: "2026-12-01T09:00:00Z" });
    expect(a.check).toEqual({ ok: true, warnings: a.real.body.warnings });
    expect(a.check.warnings.map((w: { kind: string }) => w.kind)).toEqual(["leave"]);
    const b = await checkThenAssign(coverId, { staffId: mo.id, start: "2026-12-01T17:00:00Z", end: "2026-12-02T09:00:00Z" });
    expect(b.real.status).toBe(201);
    expect(b.check).toEqual({ ok: true, warnings: b.real.body.warnings });
    expect(b.check.warnings.map((w: { kind: string }) => w.kind)).toEqual(["short_rest", "leave"]);
  });

  it("an end before the start is the assign's 400 refusal naming end", async () => {
    const { check, real } = await checkThenAssign(dutyId, { staffId: ada.id, start: "2026-11-27T17:00:00Z", end: "2026-11-27T09:00:00Z" });
    expect(real.status).toBe(400);
    expect(check).toEqual({ ok: false, refusal: { status: 400, detail: real.body.detail, errors: real.body.errors }, warnings: [] });
    expect(check.refusal.errors[0].path).toBe("end");
  });

  it("404 for an unknown rota or person, 400 for a malformed body, 403 for an AMHP; nothing written", async () => {
    const audit = env.auditCount();
    const body = { staffId: ada.id, start: "2027-01-04T09:00:00Z", end: "2027-01-04T17:00:00Z" };
    expect((await coord.client.post(`/api/rotas/nope/assignments/check`, body)).status).toBe(404);
    expect((await coord.client.post(`/api/rotas/${dutyId}/assignments/check`, { ...body, staffId: "nobody" })).status).toBe(404);
    expect((await coord.client.post(`/api/rotas/${dutyId}/assignments/check`, { ...body, start: "tomorrow" })).status).toBe(400);
    expect((await ada.client.post(`/api/rotas/${dutyId}/assignments/check`, body)).status).toBe(403);
    expect(env.auditCount()).toBe(audit);
  });
});
