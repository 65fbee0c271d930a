// Names and labels a person reads must be visible: a staff name, team, rota name,
// pattern label or token name of only zero-width, bidi or blank characters is a 400
// naming the field, and nothing is written (as the reason rule does for reasons).
import { beforeAll, describe, expect, it } from "vitest";
import { expectInvalid, testEnv, type TestEnv } from "../helpers.js";

const INVISIBLE = ["\u200b", "\u202e\u202c", " \u3164 ", "\u2800", "\ufeff\u00ad", "…"];

let env: TestEnv;
let admin: Awaited<ReturnType<TestEnv["person"]>>;
let rotaId: string;
beforeAll(async () => {
  env = await testEnv();
  admin = await env.person({ roles: ["admin"] });
  rotaId = (await admin.client.post("/api/rotas", { name: "Night duty", kind: "amhp_duty" })).body.id;
});

describe("names and labels must be visible", () => {
  it.each(INVISIBLE)("refuses %j as a name, team, rota name, pattern label or token name, writing nothing", async (text) => {
    const before = env.auditCount();
    expectInvalid(await admin.client.post("/api/staff", { name: text, email: `x${Math.random()}@test.example`, roles: ["amhp"] }), "name");
    expectInvalid(await admin.client.post("/api/staff", { name: "Ann Other", email: `y${Math.random()}@test.example`, roles: ["amhp"], team: text }), "team");
    expectInvalid(await admin.client.patch(`/api/staff/${admin.id}`, { name: text }), "name");
    expectInvalid(await admin.client.post("/api/rotas", { name: text, kind: "amhp_duty" }), "name");
    expectInvalid(await admin.client.post(`/api/rotas/${rotaId}/patterns`, { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 960, label: text }), "label");
    expectInvalid(await admin.client.post("/api/tokens", { staffId: admin.id, name: text }), "name");
    expect(env.auditCount()).toBe(before);
  });

  it("keeps a real name, cut of invisible characters at its edges", async () => {
    const res = await admin.client.post("/api/staff", { name: "\u200bZoë O’Neill\u200b ", email: "zoe@test.example", roles: ["amhp"], team: " A&E " });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "Zoë O’Neill", team: "A&E" });
  });
});
