// Visits over HTTP: start, check in, extend, check out, panic; idempotency; bad input; who sees what.
import { beforeEach, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import { expectInvalid, testEnv, type TestEnv } from "../helpers.js";
import { checkIns, visits, idempotencyKeys } from "../../src/lone-working/visits/schema.js";
import { alerts } from "../../src/lone-working/escalation/schema.js";

let env: TestEnv;
const inMinutes = (m: number) => new Date(env.clock.now().getTime() + m * 60_000).toISOString();
const newVisit = (over: Record<string, unknown> = {}) => ({ purpose: "mha_assessment", location: { address: "1 High St, Leeds", lat: 53.8, lng: -1.55 }, expectedEnd: inMinutes(60), checkInEveryMinutes: 20, riskNotes: "dog; history of aggression", patientRef: "NHS 485 777 3456", ...over });
const rows = (t: typeof visits | typeof checkIns | typeof alerts) => env.deps.db.select({ n: count() }).from(t).get()!.n;

beforeEach(async () => {
  env = await testEnv();
});

describe("starting a visit", () => {
  it("answers 201 with the next check-in: the earlier of the interval and the expected end", async () => {
    const { client } = await env.person();
    const res = await client.post("/api/visits", newVisit());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "active", nextCheckInDue: inMinutes(20) });
    const short = await client.post("/api/visits", newVisit({ expectedEnd: inMinutes(5) }));
    expect(short.body.nextCheckInDue).toBe(inMinutes(5));
    const noInterval = await client.post("/api/visits", newVisit({ checkInEveryMinutes: undefined }));
    expect(noInterval.body.nextCheckInDue).toBe(inMinutes(60));
  });

  it("refuses bad input naming the field, writing nothing", async () => {
    const { client } = await env.person();
    const before = env.auditCount();
    expectInvalid(await client.post("/api/visits", newVisit({ purpose: "party" })), "purpose");
    expectInvalid(await client.post("/api/visits", newVisit({ location: { address: "" } })), "location.address");
    expectInvalid(await client.post("/api/visits", newVisit({ expectedEnd: "tomorrow" })), "expectedEnd");
    expectInvalid(await client.post("/api/visits", newVisit({ expectedEnd: inMinutes(-1) })), "expectedEnd");
    expectInvalid(await client.post("/api/visits", newVisit({ checkInEveryMinutes: 0 })), "checkInEveryMinutes");
    expectInvalid(await client.post("/api/visits", newVisit({ patientRef: "John Smith" })), "patientRef");
    expectInvalid(await client.post("/api/visits", newVisit({ location: { address: "x", lat: 91 } })), "location.lat");
    expect(env.auditCount()).toBe(before);
    expect(rows(visits)).toBe(0);
  });

  it("never writes risk notes into the audit chain", async () => {
    const { client } = await env.person();
    await client.post("/api/visits", newVisit());
    const audit = env.deps.db.$client.prepare("SELECT data FROM audit_log").all() as { data: string }[];
    expect(audit.some((r) => r.data.includes("aggression"))).toBe(false);
  });

  it("a retry with the same Idempotency-Key returns the first answer and writes nothing", async () => {
    const { client } = await env.person();
    const h = { "Idempotency-Key": "k-1" };
    const a = await client.post("/api/visits", newVisit(), h);
    const audits = env.auditCount();
    const b = await client.post("/api/visits", newVisit(), h);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(rows(visits)).toBe(1);
    expect(env.auditCount()).toBe(audits);
    // Keys are per person: someone else's same key is their own.
    const other = await env.person();
    const c = await other.client.post("/api/visits", newVisit(), h);
    expect(c.body.id).not.toBe(a.body.id);
  });
});

describe("check-ins", () => {
  it("moves the next due time on, never past the expected end, and is recorded append-only", async () => {
    const { client } = await env.person();
    const v = (await client.post("/api/visits", newVisit())).body;
    env.clock.advanceMinutes(10);
    const r = await client.post(`/api/visits/${v.id}/check-in`, { note: "all fine" });
    expect(r.status).toBe(200);
    expect(r.body.nextCheckInDue).toBe(inMinutes(20));
    env.clock.advanceMinutes(35);
    const r2 = await client.post(`/api/visits/${v.id}/check-in`, {});
    expect(r2.body.nextCheckInDue).toBe(inMinutes(15)); // the expected end
    expect(() => env.deps.db.$client.prepare("UPDATE check_ins SET note = 'x'").run()).toThrow(/append-only/);
    expect(() => env.deps.db.$client.prepare("DELETE FROM check_ins").run()).toThrow(/append-only/);
  });

  it("idempotent by key and by the phone's own id", async () => {
    const { client } = await env.person();
    const v = (await client.post("/api/visits", newVisit())).body;
    const id = crypto.randomUUID();
    await client.post(`/api/visits/${v.id}/check-in`, { id }, { "Idempotency-Key": id });
    const n = rows(checkIns);
    const again = await client.post(`/api/visits/${v.id}/check-in`, { id }, { "Idempotency-Key": id });
    expect(again.status).toBe(200);
    expect(rows(checkIns)).toBe(n);
    // The same client id without the header (another path of the outbox) writes nothing either.
    await client.post(`/api/visits/${v.id}/check-in`, { id });
    expect(rows(checkIns)).toBe(n);
    expect(env.deps.db.select({ n: count() }).from(idempotencyKeys).get()!.n).toBeGreaterThan(0);
  });

  it("a phone id already used on another visit is a 409, never a silent success", async () => {
    const a = await env.person();
    const b = await env.person();
    const va = (await a.client.post("/api/visits", newVisit())).body;
    const vb = (await b.client.post("/api/visits", newVisit())).body;
    const id = crypto.randomUUID();
    expect((await a.client.post(`/api/visits/${va.id}/check-in`, { id })).status).toBe(200);
    const n = rows(checkIns);
    expect((await b.client.post(`/api/visits/${vb.id}/check-in`, { id })).status).toBe(409);
    expect(rows(checkIns)).toBe(n);
  });

  it("a check-in queued offline counts from when it was made, not from when it arrived", async () => {
    const { client } = await env.person();
    const v = (await client.post("/api/visits", newVisit({ expectedEnd: inMinutes(120) }))).body;
    const madeAt = inMinutes(5);
    env.clock.advanceMinutes(15); // it reaches the server ten minutes late
    const r = await client.post(`/api/visits/${v.id}/check-in`, { id: crypto.randomUUID(), madeAt });
    expect(r.status).toBe(200);
    expect(r.body.nextCheckInDue).toBe(new Date(Date.parse(madeAt) + 20 * 60_000).toISOString());
    const seen = (await client.get(`/api/visits/${v.id}`)).body.checkIns.find((c: { kind: string }) => c.kind === "check_in");
    expect(seen.at).toBe(madeAt);
    // A phone clock ahead of the server cannot buy time: madeAt is never later than now.
    const ahead = await client.post(`/api/visits/${v.id}/check-in`, { madeAt: inMinutes(60) });
    expect(ahead.body.nextCheckInDue).toBe(inMinutes(20));
    expectInvalid(await client.post(`/api/visits/${v.id}/check-in`, { madeAt: "yesterday" }), "madeAt");
  });

  it("409 on a finished visit; 404 on someone else's", async () => {
    const { client } = await env.person();
    const other = await env.person();
    const v = (await client.post("/api/visits", newVisit())).body;
    expect((await other.client.post(`/api/visits/${v.id}/check-in`, {})).status).toBe(404);
    expect((await client.post(`/api/visits/${v.id}/check-out`, {})).body).toEqual({ status: "completed" });
    expect((await client.post(`/api/visits/${v.id}/check-in`, {})).status).toBe(409);
    expect((await client.post(`/api/visits/${v.id}/check-out`, {})).status).toBe(409);
    expect((await client.post(`/api/visits/${v.id}/extend`, { expectedEnd: inMinutes(90) })).status).toBe(409);
  });

  it("concurrent check-ins share a commit; one refused does not undo the others", async () => {
    const { client } = await env.person();
    const a = (await client.post("/api/visits", newVisit())).body;
    const b = (await client.post("/api/visits", newVisit())).body;
    await client.post(`/api/visits/${b.id}/check-out`, {});
    const before = rows(checkIns);
    const key = crypto.randomUUID();
    const res = await Promise.all([
      client.post(`/api/visits/${a.id}/check-in`, {}),
      client.post(`/api/visits/${b.id}/check-in`, {}),
      client.post(`/api/visits/${a.id}/check-in`, {}, { "Idempotency-Key": key }),
      client.post(`/api/visits/${a.id}/check-in`, {}, { "Idempotency-Key": key }),
    ]);
    expect(res.map((r) => r.status)).toEqual([200, 409, 200, 200]);
    expect(res[3]!.body).toEqual(res[2]!.body);
    expect(rows(checkIns)).toBe(before + 2);
  });

  it("extend moves the expected end and the due time; bad input is 400", async () => {
    const { client } = await env.person();
    const v = (await client.post("/api/visits", newVisit({ checkInEveryMinutes: undefined }))).body;
    const before = env.auditCount();
    expectInvalid(await client.post(`/api/visits/${v.id}/extend`, { expectedEnd: "soon" }), "expectedEnd");
    expectInvalid(await client.post(`/api/visits/${v.id}/extend`, { expectedEnd: inMinutes(-5) }), "expectedEnd");
    expect(env.auditCount()).toBe(before);
    const r = await client.post(`/api/visits/${v.id}/extend`, { expectedEnd: inMinutes(120) });
    expect(r.status).toBe(200);
    expect(r.body.nextCheckInDue).toBe(inMinutes(120));
  });
});

describe("panic and duress", () => {
  it("a panic alarm answers 201 with the alert, once per key", async () => {
    const { client } = await env.person();
    const v = (await client.post("/api/visits", newVisit())).body;
    const a = await client.post(`/api/visits/${v.id}/alarm`, undefined, { "Idempotency-Key": "p1" });
    expect(a.status).toBe(201);
    const b = await client.post(`/api/visits/${v.id}/alarm`, undefined, { "Idempotency-Key": "p1" });
    expect(b.body).toEqual(a.body);
    expect(rows(alerts)).toBe(1);
    expect(env.deps.db.select().from(alerts).get()).toMatchObject({ reason: "panic", startStep: 2 });
  });

  it("a duress check-out is indistinguishable from a normal one, and raises a silent alarm", async () => {
    const { client } = await env.person();
    expect((await client.put("/api/me/duress-pin", { pin: "4321" })).status).toBe(204);
    expectInvalid(await client.put("/api/me/duress-pin", { pin: "12" }), "pin");
    const v1 = (await client.post("/api/visits", newVisit())).body;
    const v2 = (await client.post("/api/visits", newVisit())).body;
    const v3 = (await client.post("/api/visits", newVisit())).body;
    const normal = await client.post(`/api/visits/${v1.id}/check-out`, {});
    const wrongPin = await client.post(`/api/visits/${v2.id}/check-out`, { pin: "1111" });
    expect(rows(alerts)).toBe(0);
    const duress = await client.post(`/api/visits/${v3.id}/check-out`, { pin: "4321" });
    for (const r of [wrongPin, duress]) {
      expect(r.status).toBe(normal.status);
      expect(r.text).toBe(normal.text);
      expect(r.headers.get("content-type")).toBe(normal.headers.get("content-type"));
    }
    expect(env.deps.db.select().from(alerts).all().map((a) => a.reason)).toEqual(["duress"]);
    // No manager is on the rota, so the ladder also raises a no_manager_on_duty gap alert.
    const { tick } = await import("../../src/lone-working/escalation/pass.js");
    await tick(env.deps);
    expect(env.deps.db.select().from(alerts).all().map((a) => a.reason).sort()).toEqual(["duress", "no_manager_on_duty"]);
    // The worker's own view shows a completed visit and no alarm, nor anything that follows from one.
    const mine = await client.get(`/api/visits/${v3.id}`);
    expect(mine.body.status).toBe("completed");
    expect(mine.body.alerts).toEqual([]);
    const manager = await env.person({ roles: ["manager"] });
    const seen = await manager.client.get(`/api/visits/${v3.id}`);
    expect(seen.body.alerts.map((a: { reason: string }) => a.reason).sort()).toEqual(["duress", "no_manager_on_duty"]);
  });
});

describe("reading visits", () => {
  it("managers see all; staff their own; someone else's id is 404", async () => {
    const a = await env.person();
    const b = await env.person({ roles: ["social_worker"] });
    const m = await env.person({ roles: ["manager"] });
    const va = (await a.client.post("/api/visits", newVisit())).body;
    await b.client.post("/api/visits", newVisit());
    expect((await a.client.get("/api/visits?status=active")).body.visits).toHaveLength(1);
    expect((await m.client.get("/api/visits?status=active")).body.visits).toHaveLength(2);
    expect((await m.client.get("/api/visits?status=completed")).body.visits).toHaveLength(0);
    expect((await b.client.get(`/api/visits/${va.id}`)).status).toBe(404);
    const full = await m.client.get(`/api/visits/${va.id}`);
    expect(full.status).toBe(200);
    expect(full.body.checkIns.map((c: { kind: string }) => c.kind)).toEqual(["start"]);
    expectInvalid(await m.client.get("/api/visits?status=lost"), "status");
  });
});

