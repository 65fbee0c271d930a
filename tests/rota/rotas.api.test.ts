// Rotas, patterns and shifts over HTTP: happy paths, bad input, roles.
import { beforeAll, describe, expect, it } from "vitest";
import { expectInvalid, testEnv, type TestEnv } from "../helpers.js";
import { rotas, rotaPatterns } from "../../src/rota/schema.js";

let env: TestEnv;
let admin: Awaited<ReturnType<TestEnv["person"]>>;
let manager: Awaited<ReturnType<TestEnv["person"]>>;
let amhp: Awaited<ReturnType<TestEnv["person"]>>;

beforeAll(async () => {
  env = await testEnv();
  admin = await env.person({ roles: ["admin"] });
  manager = await env.person({ roles: ["manager"] });
  amhp = await env.person({ roles: ["amhp"] });
});

describe("POST /api/rotas", () => {
  it("creates a rota with an audit row; requiredStaff defaults to 1", async () => {
    const before = env.auditCount();
    const res = await manager.client.post("/api/rotas", { name: "AMHP duty", kind: "amhp_duty" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), kind: "amhp_duty", requiredStaff: 1 });
    expect(env.auditCount()).toBe(before + 1);
  });

  it.each([
    [{ kind: "amhp_duty" }, "name"],
    [{ name: "X", kind: "night_duty" }, "kind"],
    [{ name: "X", kind: "amhp_duty", requiredStaff: 0 }, "requiredStaff"],
  ])("400 names the field and writes nothing: %j", async (body, field) => {
    const before = env.auditCount();
    const n = env.deps.db.select().from(rotas).all().length;
    expectInvalid(await admin.client.post("/api/rotas", body), field);
    expect(env.auditCount()).toBe(before);
    expect(env.deps.db.select().from(rotas).all().length).toBe(n);
  });

  it("is refused to staff who do not coordinate rotas", async () => {
    expect((await amhp.client.post("/api/rotas", { name: "X", kind: "amhp_duty" })).status).toBe(403);
    expect((await env.anon.post("/api/rotas", { name: "X", kind: "amhp_duty" })).status).toBe(401);
  });

  it("lists rotas and shows one with its patterns to anyone signed in", async () => {
    const { body } = await admin.client.post("/api/rotas", { name: "Listed", kind: "manager_cover", requiredStaff: 2 });
    await admin.client.post(`/api/rotas/${body.id}/patterns`, { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 960, label: "Evening" });
    const list = await amhp.client.get("/api/rotas");
    expect(list.status).toBe(200);
    expect(list.body.rotas.map((r: { name: string }) => r.name)).toContain("Listed");
    const one = await amhp.client.get(`/api/rotas/${body.id}`);
    expect(one.status).toBe(200);
    expect(one.body.patterns).toHaveLength(1);
    expect(one.body.patterns[0]).toMatchObject({ label: "Evening", startTime: "17:00", durationMinutes: 960 });
    expect((await amhp.client.get("/api/rotas/nope")).status).toBe(404);
  });
});

describe("POST /api/rotas/{id}/patterns and GET shifts", () => {
  let rotaId: string;
  beforeAll(async () => {
    rotaId = (await admin.client.post("/api/rotas", { name: "Weekday days", kind: "amhp_duty" })).body.id;
  });

  it("adds a pattern and expands it in local time over the spring change", async () => {
    const res = await admin.client.post(`/api/rotas/${rotaId}/patterns`, {
      rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
      startTime: "09:00",
      durationMinutes: 480,
      label: "Day duty",
      startsOn: "2026-01-01",
      skipBankHolidays: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ skipBankHolidays: true, addBankHolidays: false, startsOn: "2026-01-01" });
    const shifts = await amhp.client.get(`/api/rotas/${rotaId}/shifts?from=2026-03-26&to=2026-04-07`);
    expect(shifts.status).toBe(200);
    expect(shifts.body.shifts.map((s: { start: string }) => s.start)).toEqual([
      "2026-03-26T09:00:00.000Z",
      "2026-03-27T09:00:00.000Z",
      "2026-03-30T08:00:00.000Z",
      "2026-03-31T08:00:00.000Z",
      "2026-04-01T08:00:00.000Z",
      "2026-04-02T08:00:00.000Z",
      // 04-03 Good Friday and 04-06 Easter Monday skipped
      "2026-04-07T08:00:00.000Z",
    ]);
    expect(shifts.body.shifts[0]).toMatchObject({ label: "Day duty", staff: [] });
  });

  it.each([
    [{ startTime: "09:00", durationMinutes: 60 }, "rrule"],
    [{ rrule: "FREQ=HOURLY", startTime: "09:00", durationMinutes: 60 }, "rrule"],
    [{ rrule: "not a rule", startTime: "09:00", durationMinutes: 60 }, "rrule"],
    [{ rrule: "FREQ=DAILY", startTime: "9am", durationMinutes: 60 }, "startTime"],
    [{ rrule: "FREQ=DAILY", startTime: "24:00", durationMinutes: 60 }, "startTime"],
    [{ rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 0 }, "durationMinutes"],
    [{ rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 60, startsOn: "2026-13-01" }, "startsOn"],
    [{ rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 60, skipBankHolidays: true, addBankHolidays: true }, "addBankHolidays"],
    [{ rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 60, startsOn: "2026-12-01", endsOn: "2026-11-01" }, "endsOn"],
  ])("400 names the field and writes nothing: %j", async (body, field) => {
    const before = env.auditCount();
    const n = env.deps.db.select().from(rotaPatterns).all().length;
    expectInvalid(await admin.client.post(`/api/rotas/${rotaId}/patterns`, body), field);
    expect(env.auditCount()).toBe(before);
    expect(env.deps.db.select().from(rotaPatterns).all().length).toBe(n);
  });

  it("404 for an unknown rota; 403 for an AMHP", async () => {
    expect((await admin.client.post(`/api/rotas/nope/patterns`, { rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 60 })).status).toBe(404);
    expect((await amhp.client.post(`/api/rotas/${rotaId}/patterns`, { rrule: "FREQ=DAILY", startTime: "09:00", durationMinutes: 60 })).status).toBe(403);
  });

  it("400 for a bad or too long window", async () => {
    expectInvalid(await amhp.client.get(`/api/rotas/${rotaId}/shifts?from=2026-04-01&to=2026-03-01`), "to");
    expectInvalid(await amhp.client.get(`/api/rotas/${rotaId}/shifts?from=2026-01-01&to=2028-01-01`), "to");
    expectInvalid(await amhp.client.get(`/api/rotas/${rotaId}/shifts?from=yesterday`), "from");
  });

  it("ends a pattern on a day; later shifts disappear, the pattern is kept", async () => {
    const r = (await admin.client.post("/api/rotas", { name: "Ending", kind: "manager_cover" })).body.id;
    const p = (await admin.client.post(`/api/rotas/${r}/patterns`, { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 960, startsOn: "2026-11-01" })).body.id;
    expectInvalid(await admin.client.post(`/api/patterns/${p}/end`, { endsOn: "soon" }), "endsOn");
    expectInvalid(await admin.client.post(`/api/patterns/${p}/end`, { endsOn: "2026-10-01" }), "endsOn");
    const before = env.auditCount();
    const res = await admin.client.post(`/api/patterns/${p}/end`, { endsOn: "2026-11-26" });
    expect(res.status).toBe(200);
    expect(res.body.endsOn).toBe("2026-11-26");
    expect(env.auditCount()).toBe(before + 1);
    const shifts = await amhp.client.get(`/api/rotas/${r}/shifts?from=2026-11-25&to=2026-11-30`);
    expect(shifts.body.shifts.map((s: { start: string }) => s.start)).toEqual(["2026-11-24T17:00:00.000Z", "2026-11-25T17:00:00.000Z", "2026-11-26T17:00:00.000Z"]);
    expect((await admin.client.post(`/api/patterns/nope/end`, { endsOn: "2026-11-26" })).status).toBe(404);
    expect((await amhp.client.post(`/api/patterns/${p}/end`, { endsOn: "2026-11-26" })).status).toBe(403);
  });

  it("defaults the window to the coming week", async () => {
    const res = await amhp.client.get(`/api/rotas/${rotaId}/shifts`);
    expect(res.status).toBe(200);
    expect(res.body.shifts.length).toBe(5); // Tue 24 Nov .. Mon 30 Nov: five weekdays
  });
});
