// Assignments, cancellation, rotation, coverage and on-duty over HTTP, and the
// functions other capabilities call (onDutyAt, uncoveredIntervals, nextShiftOf).
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { expectInvalid, testEnv, type TestEnv } from "../helpers.js";
import { rotaAssignments } from "../../src/rota/schema.js";
import { nextShiftOf, onDutyAt, uncoveredIntervals } from "../../src/rota/store/tx.js";
import { approval, leave, sickness, training } from "./factories.js";

type P = Awaited<ReturnType<TestEnv["person"]>>;
let env: TestEnv;
let coord: P;
let ada: P; // approved AMHP
let ben: P; // approved AMHP
let cat: P; // AMHP whose approval expired
let mo: P; // manager
let sw: P; // social worker
let dutyId: string;
let coverId: string;

const rows = () => env.deps.db.select().from(rotaAssignments).all();

beforeAll(async () => {
  env = await testEnv();
  coord = await env.person({ roles: ["senior_manager"] });
  ada = await env.person({ roles: ["amhp"], name: "Ada AMHP" });
  ben = await env.person({ roles: ["amhp"], name: "Ben AMHP" });
  cat = await env.person({ roles: ["amhp"], name: "Cat AMHP" });
  mo = await env.person({ roles: ["manager"], name: "Mo Manager" });
  sw = await env.person({ roles: ["social_worker"] });
  for (const p of [ada, ben]) {
    approval(env.deps, p.id, "2024-06-01", "2029-05-31");
    training(env.deps, p.id, "2026-07-01", 20);
  }
  approval(env.deps, cat.id, "2020-01-01", "2024-12-31");
  approval(env.deps, sw.id, "2024-01-01", "2028-12-31", { voided: true });
  dutyId = (await coord.client.post("/api/rotas", { name: "AMHP day duty", kind: "amhp_duty" })).body.id;
  coverId = (await coord.client.post("/api/rotas", { name: "Evening manager cover", kind: "manager_cover" })).body.id;
  await coord.client.post(`/api/rotas/${dutyId}/patterns`, { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", startTime: "09:00", durationMinutes: 480, startsOn: "2026-11-01" });
  await coord.client.post(`/api/rotas/${coverId}/patterns`, { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", startTime: "17:00", durationMinutes: 960, startsOn: "2026-11-01" });
});

describe("POST /api/rotas/{id}/assignments", () => {
  it("assigns an approved AMHP: 201 with id and warnings, audited", async () => {
    const before = env.auditCount();
    const res = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: ada.id, start: "2026-11-25T09:00:00Z", end: "2026-11-25T17:00:00Z" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), warnings: [] });
    expect(env.auditCount()).toBe(before + 1);
  });

  it("422 when the AMHP approval expired, with the reason", async () => {
    const res = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: cat.id, start: "2026-11-26T09:00:00Z", end: "2026-11-26T17:00:00Z" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/expired on 2024-12-31/);
  });

  it("422 when the only approval was voided", async () => {
    const res = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: sw.id, start: "2026-11-26T09:00:00Z", end: "2026-11-26T17:00:00Z" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/no AMHP approval/);
  });

  it("422 when a non-manager is put on manager cover", async () => {
    const res = await coord.client.post(`/api/rotas/${coverId}/assignments`, { staffId: ada.id, start: "2026-11-26T17:00:00Z", end: "2026-11-27T09:00:00Z" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/not a manager/);
  });

  it("422 when double-booked, on any rota", async () => {
    const before = rows().length;
    const res = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: ada.id, start: "2026-11-25T16:00:00Z", end: "2026-11-25T20:00:00Z" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/double-booked/);
    expect(rows().length).toBe(before);
  });

  it("warns of short rest, leave and open sickness but still assigns", async () => {
    leave(env.deps, mo.id, "2026-12-01", "2026-12-01");
    sickness(env.deps, mo.id, "2026-12-03");
    const a = await coord.client.post(`/api/rotas/${coverId}/assignments`, { staffId: mo.id, start: "2026-11-30T17:00:00Z", end: "2026-12-01T09:00:00Z" });
    expect(a.status).toBe(201);
    expect(a.body.warnings.map((w: { kind: string }) => w.kind)).toEqual(["leave"]);
    const b = await coord.client.post(`/api/rotas/${coverId}/assignments`, { staffId: mo.id, start: "2026-12-01T17:00:00Z", end: "2026-12-02T09:00:00Z" });
    expect(b.body.warnings.map((w: { kind: string }) => w.kind)).toEqual(["short_rest", "leave"]);
    const c = await coord.client.post(`/api/rotas/${coverId}/assignments`, { staffId: mo.id, start: "2026-12-03T17:00:00Z", end: "2026-12-04T09:00:00Z" });
    expect(c.body.warnings.map((w: { kind: string }) => w.kind)).toEqual(["sickness"]);
  });

  it("warns of an AMHP's training shortfall", async () => {
    const res = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: ben.id, start: "2027-06-07T08:00:00Z", end: "2027-06-07T16:00:00Z" });
    expect(res.status).toBe(201);
    expect(res.body.warnings.map((w: { kind: string }) => w.kind)).toEqual(["training_shortfall"]);
  });

  it.each([
    [{ start: "2026-11-27T09:00:00Z", end: "2026-11-27T17:00:00Z" }, "staffId"],
    [{ staffId: "x", start: "tomorrow", end: "2026-11-27T17:00:00Z" }, "start"],
    [{ staffId: "x", start: "2026-11-27T09:00:00", end: "2026-11-27T17:00:00Z" }, "start"],
    [{ staffId: "x", start: "2026-11-27T17:00:00Z", end: "2026-11-27T09:00:00Z" }, "end"],
  ])("400 names the field and writes nothing: %j", async (body, field) => {
    const before = env.auditCount();
    const n = rows().length;
    expectInvalid(await coord.client.post(`/api/rotas/${dutyId}/assignments`, body), field);
    expect(env.auditCount()).toBe(before);
    expect(rows().length).toBe(n);
  });

  it("404 for an unknown rota or person; 403 for staff who do not coordinate", async () => {
    expect((await coord.client.post(`/api/rotas/nope/assignments`, { staffId: ada.id, start: "2026-11-27T09:00:00Z", end: "2026-11-27T17:00:00Z" })).status).toBe(404);
    expect((await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: "nobody", start: "2026-11-27T09:00:00Z", end: "2026-11-27T17:00:00Z" })).status).toBe(404);
    for (const p of [ada, sw]) {
      expect((await p.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: ada.id, start: "2026-11-27T09:00:00Z", end: "2026-11-27T17:00:00Z" })).status).toBe(403);
    }
  });
});

describe("POST /api/assignments/{id}/cancel", () => {
  it("cancels with a reason, keeps the row, and frees the person", async () => {
    const made = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: ben.id, start: "2026-11-27T09:00:00Z", end: "2026-11-27T17:00:00Z" });
    expectInvalid(await coord.client.post(`/api/assignments/${made.body.id}/cancel`, {}), "reason");
    const res = await coord.client.post(`/api/assignments/${made.body.id}/cancel`, { reason: "sick child" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: made.body.id, cancelReason: "sick child" });
    const row = env.deps.db.select().from(rotaAssignments).where(eq(rotaAssignments.id, made.body.id)).get()!;
    expect(row.cancelledAt).not.toBeNull();
    expect((await coord.client.post(`/api/assignments/${made.body.id}/cancel`, { reason: "again" })).status).toBe(409);
    expect((await coord.client.post(`/api/assignments/nope/cancel`, { reason: "x" })).status).toBe(404);
    expect((await ada.client.post(`/api/assignments/${made.body.id}/cancel`, { reason: "x" })).status).toBe(403);
    const again = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: ben.id, start: "2026-11-27T09:00:00Z", end: "2026-11-27T17:00:00Z" });
    expect(again.status).toBe(201);
  });
});

describe("POST /api/rotas/{id}/rotation", () => {
  it("assigns the week's shifts in turn, skipping leave and the ineligible with reasons", async () => {
    leave(env.deps, ben.id, "2026-12-10", "2026-12-10");
    const res = await coord.client.post(`/api/rotas/${dutyId}/rotation`, { from: "2026-12-07", to: "2026-12-11", staffIds: [ada.id, cat.id, ben.id] });
    expect(res.status).toBe(201);
    const names = new Map([[ada.id, "ada"], [ben.id, "ben"], [cat.id, "cat"]]);
    expect(res.body.assignments.map((a: { staffId: string }) => names.get(a.staffId))).toEqual(["ada", "ben", "ada", "ada", "ben"]);
    expect(res.body.assignments[0]).toMatchObject({ start: "2026-12-07T09:00:00.000Z", end: "2026-12-07T17:00:00.000Z" });
    const reasons = res.body.skipped.map((s: { staffId: string; reason: string }) => `${names.get(s.staffId)}: ${s.reason}`);
    expect(reasons.some((r: string) => /^cat: .*expired/.test(r))).toBe(true);
    expect(reasons.some((r: string) => /^ben: .*annual leave/.test(r))).toBe(true);
    expect(res.body.unfilled).toEqual([]);
  });

  it("skips someone off sick (open episode) and says so", async () => {
    sickness(env.deps, ada.id, "2026-12-15");
    const res = await coord.client.post(`/api/rotas/${dutyId}/rotation`, { from: "2026-12-14", to: "2026-12-16", staffIds: [ada.id, ben.id] });
    expect(res.status).toBe(201);
    expect(res.body.assignments.map((a: { staffId: string }) => a.staffId)).toEqual([ada.id, ben.id, ben.id]);
    expect(res.body.skipped.map((s: { reason: string }) => s.reason)).toEqual([expect.stringMatching(/off sick \(since 2026-12-15, still open\)/)]);
  });

  it("leaves shifts already held alone", async () => {
    const res = await coord.client.post(`/api/rotas/${dutyId}/rotation`, { from: "2026-12-07", to: "2026-12-11", staffIds: [ada.id, ben.id] });
    expect(res.status).toBe(201);
    expect(res.body.assignments).toEqual([]);
  });

  it("400 naming the field; unknown staff named by index; nothing written", async () => {
    const before = env.auditCount();
    expectInvalid(await coord.client.post(`/api/rotas/${dutyId}/rotation`, { from: "2026-12-21", to: "2026-12-23", staffIds: [] }), "staffIds");
    expectInvalid(await coord.client.post(`/api/rotas/${dutyId}/rotation`, { from: "14/12/2026", to: "2026-12-18", staffIds: [ada.id] }), "from");
    expectInvalid(await coord.client.post(`/api/rotas/${dutyId}/rotation`, { from: "2026-12-14", to: "2026-12-18", staffIds: [ada.id, "ghost"] }), "staffIds.1");
    expect(env.auditCount()).toBe(before);
  });

  it("422 when the window holds no pattern shifts; 403 for an AMHP", async () => {
    expect((await coord.client.post(`/api/rotas/${dutyId}/rotation`, { from: "2026-12-19", to: "2026-12-20", staffIds: [ada.id] })).status).toBe(422);
    expect((await ada.client.post(`/api/rotas/${dutyId}/rotation`, { from: "2026-12-14", to: "2026-12-18", staffIds: [ada.id] })).status).toBe(403);
  });
});

describe("GET /api/rotas/{id}/coverage", () => {
  it("reports the unheld minutes of pattern shifts, merged, and conflicts", async () => {
    // Cover rota, 30 Nov - 5 Dec: Mo holds Mon, Tue, Thu nights; Wed and Fri nights are gaps.
    const res = await ada.client.get(`/api/rotas/${coverId}/coverage?from=2026-11-30&to=2026-12-04`);
    expect(res.status).toBe(200);
    expect(res.body.gaps).toEqual([
      { start: "2026-12-02T17:00:00.000Z", end: "2026-12-03T09:00:00.000Z" },
      // The window ends at the end of 4 Dec: the Friday night is cut there.
      { start: "2026-12-04T17:00:00.000Z", end: "2026-12-05T00:00:00.000Z" },
    ]);
    const kinds = res.body.conflicts.map((c: { kind: string; staffId: string }) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(["leave", "short_rest", "sickness"]));
    expect(res.body.conflicts[0]).toMatchObject({ staffId: mo.id, detail: expect.any(String) });
  });

  it("splits a shift partly held", async () => {
    await coord.client.post(`/api/rotas/${coverId}/assignments`, { staffId: mo.id, start: "2026-12-09T17:00:00Z", end: "2026-12-09T22:00:00Z" });
    const res = await ada.client.get(`/api/rotas/${coverId}/coverage?from=2026-12-09T00:00:00Z&to=2026-12-10T12:00:00Z`);
    expect(res.body.gaps).toEqual([
      { start: "2026-12-09T00:00:00.000Z", end: "2026-12-09T09:00:00.000Z" },
      { start: "2026-12-09T22:00:00.000Z", end: "2026-12-10T09:00:00.000Z" },
    ]);
  });

  it("404 unknown rota; 400 bad window", async () => {
    expect((await ada.client.get(`/api/rotas/nope/coverage`)).status).toBe(404);
    expectInvalid(await ada.client.get(`/api/rotas/${coverId}/coverage?from=2026-12-10&to=2026-12-01`), "to");
  });
});

describe("on duty", () => {
  it("GET /api/on-duty resolves AMHPs and managers at an instant, for any signed-in staff", async () => {
    const res = await sw.client.get("/api/on-duty?at=2026-11-30T20:00:00Z");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ at: "2026-11-30T20:00:00.000Z", amhp: [], managers: [{ id: mo.id, name: "Mo Manager" }] });
    const day = await sw.client.get("/api/on-duty?at=2026-11-25T10:00:00%2B00:00");
    expect(day.body.amhp).toEqual([{ id: ada.id, name: "Ada AMHP" }]);
    expectInvalid(await sw.client.get("/api/on-duty?at=noon"), "at");
    expect((await env.anon.get("/api/on-duty")).status).toBe(401);
  });

  it("defaults to now and ignores cancelled assignments", async () => {
    env.clock.set("2026-11-27T10:00:00Z");
    const viewer = await env.person({ roles: ["social_worker"] });
    const res = await viewer.client.get("/api/on-duty");
    expect(res.body.at).toBe("2026-11-27T10:00:00.000Z");
    expect(res.body.amhp).toEqual([{ id: ben.id, name: "Ben AMHP" }]);
    env.clock.set("2026-11-24T12:00:00Z");
  });

  it("onDutyAt, uncoveredIntervals and nextShiftOf answer from assignments", () => {
    expect(onDutyAt(env.deps.db, new Date("2026-12-01T08:59:00Z")).managers.map((m) => m.id)).toEqual([mo.id]);
    expect(onDutyAt(env.deps.db, new Date("2026-12-01T09:00:00Z")).managers).toEqual([]);
    const gaps = uncoveredIntervals(env.deps.db, "manager_cover", new Date("2026-11-30T00:00:00Z"), new Date("2026-12-02T00:00:00Z"));
    expect(gaps.map((g) => [g.start.toISOString(), g.end.toISOString()])).toEqual([
      ["2026-11-30T00:00:00.000Z", "2026-11-30T17:00:00.000Z"],
      ["2026-12-01T09:00:00.000Z", "2026-12-01T17:00:00.000Z"],
    ]);
    expect(nextShiftOf(env.deps.db, mo.id, new Date("2026-12-01T10:00:00Z"))).toMatchObject({ rotaId: coverId, start: new Date("2026-12-01T17:00:00Z") });
    expect(nextShiftOf(env.deps.db, sw.id, new Date("2026-12-01T10:00:00Z"))).toBeUndefined();
  });

  it("uses the (start, end) and (staff, start) indexes", () => {
    const plan = env.deps.db.$client
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM rota_assignments WHERE start_at <= ? AND end_at > ? AND cancelled_at IS NULL")
      .all(1, 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toMatch(/USING INDEX rota_assignments_start_end_idx/);
    const next = env.deps.db.$client.prepare("EXPLAIN QUERY PLAN SELECT * FROM rota_assignments WHERE staff_id = ? AND start_at > ? ORDER BY start_at LIMIT 1").all("x", 1) as { detail: string }[];
    expect(next.map((p) => p.detail).join(" ")).toMatch(/rota_assignments_staff_start_idx/);
  });
});

describe("coverage conflicts for training", () => {
  it("lists a training shortfall once per person, not once per shift", async () => {
    const dan = await env.person({ roles: ["amhp"] });
    approval(env.deps, dan.id, "2026-01-01", "2030-12-31");
    for (const d of ["2027-02-01", "2027-02-02", "2027-02-03"]) {
      const res = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: dan.id, start: `${d}T09:00:00Z`, end: `${d}T17:00:00Z` });
      expect(res.body.warnings.map((w: { kind: string }) => w.kind)).toEqual(["training_shortfall"]);
    }
    const cov = await coord.client.get(`/api/rotas/${dutyId}/coverage?from=2027-02-01&to=2027-02-03`);
    expect(cov.body.conflicts.filter((c: { kind: string; staffId: string }) => c.staffId === dan.id).map((c: { kind: string }) => c.kind)).toEqual(["training_shortfall"]);
  });
});

// From the outside review of issue 9: the reason rule (src/hr/reason.ts) holds outside the HR records.
describe("reasons outside the HR records say something too", () => {
  // A fresh database for each case, as where these were first written.
  let env: TestEnv;
  beforeEach(async () => {
    env = await testEnv();
  });

  it("cancelling a rota assignment with a reason of invisible characters or one letter is a 400 naming reason, and nothing is written", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const m = await env.person({ roles: ["manager"], team: "East" });
    const rota = (await admin.client.post("/api/rotas", { name: "Cover", kind: "manager_cover" })).body.id;
    const asg = await admin.client.post(`/api/rotas/${rota}/assignments`, { staffId: m.id, start: "2026-11-26T09:00:00Z", end: "2026-11-26T17:00:00Z" });
    expect(asg.status).toBe(201);
    const before = env.auditCount();
    for (const reason of ["\u200b\u200d\u2060", "\u202e\u202c", "x", " . "]) expectInvalid(await admin.client.post(`/api/assignments/${asg.body.id}/cancel`, { reason }), "reason");
    expect(env.auditCount()).toBe(before);
    expect((await admin.client.post(`/api/assignments/${asg.body.id}/cancel`, { reason: "Off sick" })).status).toBe(200);
  });
});
