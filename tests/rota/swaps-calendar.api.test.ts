// Swaps (offer -> accept by the receiver -> approve by a manager) and the
// calendar feed, parsed with an independent iCalendar parser (ical.js).
import { beforeAll, describe, expect, it } from "vitest";
import ICAL from "ical.js";
import { eq } from "drizzle-orm";
import { expectInvalid, testEnv, type TestEnv } from "../helpers.js";
import { rotaAssignments, rotaSwaps } from "../../src/rota/schema.js";
import { approval, training } from "./factories.js";

type P = Awaited<ReturnType<TestEnv["person"]>>;
let env: TestEnv;
let coord: P;
let ada: P;
let ben: P;
let eve: P; // not approved
let dutyId: string;

beforeAll(async () => {
  env = await testEnv({}, "2026-10-20T12:00:00Z");
  coord = await env.person({ roles: ["manager"] });
  ada = await env.person({ roles: ["amhp"], name: "Ada" });
  ben = await env.person({ roles: ["amhp"], name: "Ben" });
  eve = await env.person({ roles: ["amhp"], name: "Eve" });
  approval(env.deps, ada.id, "2024-01-01", "2028-12-31");
  approval(env.deps, ben.id, "2024-01-01", "2028-12-31");
  training(env.deps, ben.id, "2026-02-01", 18);
  dutyId = (await coord.client.post("/api/rotas", { name: "Nights", kind: "amhp_duty" })).body.id;
});

const assign = async (who: P, start: string, end: string) => {
  const res = await coord.client.post(`/api/rotas/${dutyId}/assignments`, { staffId: who.id, start, end });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

describe("swaps", () => {
  it("offer by the holder, accept by the receiver, approve by a manager moves the shift", async () => {
    const aid = await assign(ada, "2026-10-22T16:00:00Z", "2026-10-23T08:00:00Z");
    const offer = await ada.client.post("/api/swaps", { assignmentId: aid, toStaffId: ben.id });
    expect(offer.status).toBe(201);
    expect(offer.body).toMatchObject({ status: "offered", fromStaffId: ada.id, toStaffId: ben.id });
    const sid = offer.body.id;
    expect((await coord.client.post(`/api/swaps/${sid}/approve`)).status).toBe(409); // not accepted yet
    expect((await ada.client.post(`/api/swaps/${sid}/accept`)).status).toBe(403); // the giver cannot accept
    expect((await eve.client.post(`/api/swaps/${sid}/accept`)).status).toBe(404); // a stranger does not see it
    const acc = await ben.client.post(`/api/swaps/${sid}/accept`);
    expect(acc.status).toBe(200);
    expect(acc.body.status).toBe("accepted");
    expect((await ben.client.post(`/api/swaps/${sid}/accept`)).status).toBe(409);
    expect((await ben.client.post(`/api/swaps/${sid}/approve`)).status).toBe(403);
    const before = env.auditCount();
    const ok = await coord.client.post(`/api/swaps/${sid}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "approved", newAssignmentId: expect.any(String), warnings: [] });
    expect(env.auditCount()).toBe(before + 3);
    const old = env.deps.db.select().from(rotaAssignments).where(eq(rotaAssignments.id, aid)).get()!;
    expect(old.cancelledAt).not.toBeNull();
    const fresh = env.deps.db.select().from(rotaAssignments).where(eq(rotaAssignments.id, ok.body.newAssignmentId)).get()!;
    expect(fresh).toMatchObject({ staffId: ben.id, source: "swap", start: old.start, end: old.end });
    const onDuty = await eve.client.get("/api/on-duty?at=2026-10-22T20:00:00Z");
    expect(onDuty.body.amhp).toEqual([{ id: ben.id, name: "Ben" }]);
    expect((await coord.client.post(`/api/swaps/${sid}/approve`)).status).toBe(409);
  });

  it("approval refuses (422) a receiver without an AMHP approval, and changes nothing", async () => {
    const aid = await assign(ada, "2026-10-24T16:00:00Z", "2026-10-25T09:00:00Z");
    const sid = (await ada.client.post("/api/swaps", { assignmentId: aid, toStaffId: eve.id })).body.id;
    expect((await eve.client.post(`/api/swaps/${sid}/accept`)).status).toBe(200);
    const res = await coord.client.post(`/api/swaps/${sid}/approve`);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/no AMHP approval/);
    expect(env.deps.db.select().from(rotaAssignments).where(eq(rotaAssignments.id, aid)).get()!.cancelledAt).toBeNull();
    expect(env.deps.db.select().from(rotaSwaps).where(eq(rotaSwaps.id, sid)).get()!.status).toBe("accepted");
  });

  it("approval refuses (422) a receiver who is on duty at the same time", async () => {
    const aid = await assign(ada, "2026-11-05T17:00:00Z", "2026-11-06T09:00:00Z");
    await assign(ben, "2026-11-05T20:00:00Z", "2026-11-05T23:00:00Z");
    const sid = (await ada.client.post("/api/swaps", { assignmentId: aid, toStaffId: ben.id })).body.id;
    expect((await ben.client.post(`/api/swaps/${sid}/accept`)).status).toBe(200);
    const res = await coord.client.post(`/api/swaps/${sid}/approve`);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/double-booked/);
  });

  it("someone else's shift cannot be offered by a colleague (404); a manager may offer it", async () => {
    const aid = await assign(ada, "2026-10-27T17:00:00Z", "2026-10-28T09:00:00Z");
    expect((await eve.client.post("/api/swaps", { assignmentId: aid, toStaffId: eve.id })).status).toBe(404);
    expect((await coord.client.post("/api/swaps", { assignmentId: aid, toStaffId: ben.id })).status).toBe(201);
    expect((await coord.client.post("/api/swaps", { assignmentId: aid, toStaffId: eve.id })).status).toBe(409); // one open offer at a time
    expect((await ada.client.post("/api/swaps", { assignmentId: aid, toStaffId: ada.id })).status).toBe(422);
    expect((await ada.client.post("/api/swaps", { assignmentId: aid, toStaffId: "ghost" })).status).toBe(404);
  });

  it("GET /api/swaps lists the caller's swaps; a coordinator sees all", async () => {
    const mine = await eve.client.get("/api/swaps");
    expect(mine.status).toBe(200);
    expect(mine.body.swaps.length).toBeGreaterThan(0);
    expect(mine.body.swaps.every((s: { fromStaffId: string; toStaffId: string }) => s.toStaffId === eve.id || s.fromStaffId === eve.id)).toBe(true);
    const all = await coord.client.get("/api/swaps?status=approved");
    expect(all.body.swaps.map((s: { status: string }) => s.status)).toEqual(["approved"]);
    expect(all.body.swaps[0]).toMatchObject({ rotaId: dutyId, start: "2026-10-22T16:00:00.000Z" });
    expectInvalid(await coord.client.get("/api/swaps?status=done"), "status");
  });

  it("400 names the field and writes nothing", async () => {
    const before = env.auditCount();
    expectInvalid(await ada.client.post("/api/swaps", { toStaffId: ben.id }), "assignmentId");
    expectInvalid(await ada.client.post("/api/swaps", { assignmentId: "x" }), "toStaffId");
    expect(env.auditCount()).toBe(before);
    expect((await env.anon.post("/api/swaps", {})).status).toBe(401);
  });
});

describe("calendar feed", () => {
  it("serves the holder's shifts as text/calendar with the right instants across the clock change", async () => {
    const night = await assign(ben, "2026-10-24T16:00:00Z", "2026-10-25T09:00:00Z"); // 17:00 BST -> 09:00 GMT, 17 h
    const day = await assign(ben, "2026-10-26T09:00:00Z", "2026-10-26T17:00:00Z");
    const issued = await ben.client.post("/api/me/calendar-token");
    expect(issued.status).toBe(201);
    expect(issued.body.url).toMatch(/^http:\/\/localhost:3000\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const path = new URL(issued.body.url).pathname;
    const res = await env.anon.get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/calendar/);

    const cal = new ICAL.Component(ICAL.parse(res.text));
    const events = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    const byUid = new Map(events.map((e) => [e.uid, e]));
    const n = byUid.get(`assignment-${night}@dutyline`)!;
    expect(n.startDate.toJSDate().toISOString()).toBe("2026-10-24T16:00:00.000Z");
    expect(n.endDate.toJSDate().toISOString()).toBe("2026-10-25T09:00:00.000Z");
    expect(n.summary).toMatch(/AMHP duty/);
    expect(byUid.get(`assignment-${day}@dutyline`)!.startDate.toJSDate().toISOString()).toBe("2026-10-26T09:00:00.000Z");
    // Ben also holds the swapped shift from the first test.
    expect(events.length).toBe(4); // and the one from the double-booking test

    // UIDs are stable between fetches.
    const again = await env.anon.get(path);
    const uids2 = new ICAL.Component(ICAL.parse(again.text)).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v).uid);
    expect(uids2.sort()).toEqual([...byUid.keys()].sort());
  });

  it("a new token revokes the old one; unknown tokens are 404", async () => {
    const first = new URL((await ada.client.post("/api/me/calendar-token")).body.url).pathname;
    expect((await env.anon.get(first)).status).toBe(200);
    const second = new URL((await ada.client.post("/api/me/calendar-token")).body.url).pathname;
    expect((await env.anon.get(first)).status).toBe(404);
    expect((await env.anon.get(second)).status).toBe(200);
    expect((await env.anon.get("/api/calendar/not-a-token.ics")).status).toBe(404);
    expect((await env.anon.get(second.replace(".ics", ""))).status).toBe(404);
    expect((await env.anon.post("/api/me/calendar-token")).status).toBe(401);
  });

  it("GET /api/me/shifts lists only the caller's shifts", async () => {
    const res = await ben.client.get("/api/me/shifts?from=2026-10-20&to=2026-10-31");
    expect(res.status).toBe(200);
    expect(res.body.shifts.map((s: { start: string }) => s.start)).toEqual(["2026-10-22T16:00:00.000Z", "2026-10-24T16:00:00.000Z", "2026-10-26T09:00:00.000Z"]);
    expect(res.body.shifts[0]).toMatchObject({ rotaId: dutyId, rotaName: "Nights", kind: "amhp_duty", source: "swap" });
    expectInvalid(await ben.client.get("/api/me/shifts?from=2026-10-31&to=2026-10-20"), "to");
  });
});
