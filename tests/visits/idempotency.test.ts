// Idempotency-Key on every route that takes one (start a visit, check in, check out,
// alarm): the same key with the same request replays the first answer; with a different
// body, or on another route, it is a 409 naming the header, and nothing is written.
import { beforeEach, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import { testEnv, type TestEnv } from "../helpers.js";
import { checkIns, visits, idempotencyKeys } from "../../src/lone-working/visits/schema.js";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { bodyDigest } from "../../src/lone-working/visits/idempotency.js";

let env: TestEnv;
const inMinutes = (m: number) => new Date(env.clock.now().getTime() + m * 60_000).toISOString();
const newVisit = (over: Record<string, unknown> = {}) => ({ purpose: "home_visit", location: { address: "1 High St, Leeds" }, expectedEnd: inMinutes(60), checkInEveryMinutes: 20, ...over });
const n = (t: typeof visits | typeof checkIns | typeof alerts | typeof idempotencyKeys) => env.deps.db.select({ n: count() }).from(t).get()!.n;
const snapshot = () => ({ visits: n(visits), checkIns: n(checkIns), alerts: n(alerts), keys: n(idempotencyKeys), audit: env.auditCount() });

function expectKeyConflict(res: { status: number; headers: Headers; body: any }) {
  expect(res.status).toBe(409);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.body.detail).toContain("Idempotency-Key");
  expect(res.body.errors?.map((e: { path: string }) => e.path)).toEqual(["Idempotency-Key"]);
}

beforeEach(async () => {
  env = await testEnv();
});

describe("a reused Idempotency-Key", () => {
  it("POST /api/visits with a different body is a 409 naming the header, not the first answer replayed", async () => {
    const { client } = await env.person();
    const h = { "Idempotency-Key": "visit-1" };
    const first = await client.post("/api/visits", newVisit(), h);
    expect(first.status).toBe(201);
    const before = snapshot();
    expectKeyConflict(await client.post("/api/visits", newVisit({ location: { address: "99 Other Rd, Bradford" } }), h));
    expect(snapshot()).toEqual(before);
    // The same body again (keys in another order, other spacing) is the same request: the first answer.
    const body = newVisit();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await env.app.request("/api/visits", {
      method: "POST",
      headers: { ...h, Origin: "http://localhost:3000", Cookie: client.cookie!, "Content-Type": "application/json" },
      body: JSON.stringify(reordered, null, 2),
    });
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(first.body);
    expect(snapshot()).toEqual(before);
  });

  it("a check-in with a different body, a check-out with a PIN added, and a key taken to another route are 409s; nothing is written", async () => {
    const { client } = await env.person();
    await client.put("/api/me/duress-pin", { pin: "2468" });
    const v = (await client.post("/api/visits", newVisit())).body;
    const ci = { "Idempotency-Key": "ci-1" };
    expect((await client.post(`/api/visits/${v.id}/check-in`, { lat: 53.8, lng: -1.55 }, ci)).status).toBe(200);
    let before = snapshot();
    expectKeyConflict(await client.post(`/api/visits/${v.id}/check-in`, { lat: 51.5, lng: -0.12 }, ci));
    expectKeyConflict(await client.post(`/api/visits/${v.id}/alarm`, undefined, ci)); // another route
    expect(snapshot()).toEqual(before);
    expect((await client.post(`/api/visits/${v.id}/check-in`, { lat: 53.8, lng: -1.55 }, ci)).status).toBe(200); // a true retry
    expect(snapshot()).toEqual(before);

    const co = { "Idempotency-Key": "co-1" };
    expect((await client.post(`/api/visits/${v.id}/check-out`, {}, co)).status).toBe(200);
    before = snapshot();
    // A retry that now carries the duress PIN must not be answered "completed" as if it were the same request.
    expectKeyConflict(await client.post(`/api/visits/${v.id}/check-out`, { pin: "2468" }, co));
    expect(snapshot()).toEqual(before);
    expect((await client.post(`/api/visits/${v.id}/check-out`, {}, co)).status).toBe(200);
  });

  it("the panic alarm replays under its key and refuses it on another route", async () => {
    const { client } = await env.person();
    const v = (await client.post("/api/visits", newVisit())).body;
    const h = { "Idempotency-Key": "alarm-1" };
    const a = await client.post(`/api/visits/${v.id}/alarm`, undefined, h);
    expect(a.status).toBe(201);
    const before = snapshot();
    const b = await client.post(`/api/visits/${v.id}/alarm`, undefined, h);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expectKeyConflict(await client.post(`/api/visits/${v.id}/check-in`, {}, h));
    expect(snapshot()).toEqual(before);
  });

  it("stores a digest of the body, never the body, and never a digest of a duress PIN", async () => {
    const { id, client } = await env.person();
    await client.put("/api/me/duress-pin", { pin: "97531" });
    const v = (await client.post("/api/visits", newVisit({ riskNotes: "dog in the house" }), { "Idempotency-Key": "s-1" })).body;
    await client.post(`/api/visits/${v.id}/check-out`, { pin: "97531" }, { "Idempotency-Key": "s-2" });
    const rows = env.deps.db.select().from(idempotencyKeys).all().filter((r) => r.staffId === id);
    expect(rows).toHaveLength(2);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain("dog in the house");
    expect(stored).not.toContain("97531");
    expect(stored).not.toContain(bodyDigest({ pin: "97531" }));
  });

  it("a key stored before bodies were digested still replays on its route", async () => {
    const { id, client } = await env.person();
    const v = (await client.post("/api/visits", newVisit())).body;
    env.deps.db.insert(idempotencyKeys).values({ staffId: id, key: "old-1", request: `POST /api/visits/${v.id}/check-in`, status: 200, body: { nextCheckInDue: "2026-11-24T12:20:00.000Z" }, createdAt: env.clock.now() }).run();
    const r = await client.post(`/api/visits/${v.id}/check-in`, { note: "anything" }, { "Idempotency-Key": "old-1" });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ nextCheckInDue: "2026-11-24T12:20:00.000Z" });
  });
});
