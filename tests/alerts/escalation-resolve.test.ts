// Review D1: a missed check-in resolved while the visit goes on must not leave the
// visit unwatched: the next missed check-in raises a new alert.
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { visits } from "../../src/lone-working/visits/schema.js";
import { escalationSetup } from "./setup.js";

it("after a manager resolves a missed check-in on a still-active visit, the visit is watched again", async () => {
  const s = await escalationSetup();
  const v = (await s.worker.client.post("/api/visits", { purpose: "mha_assessment", location: { address: "1 High St" }, expectedEnd: s.at(180), checkInEveryMinutes: 30 })).body;
  s.e.clock.advanceMinutes(30);
  await s.run();
  s.e.clock.advanceMinutes(6);
  await s.run();
  const a = s.e.deps.db.select().from(alerts).where(eq(alerts.visitId, v.id)).get()!;
  expect((await s.m1.client.post(`/api/alerts/${a.id}/acknowledge`)).status).toBe(200);
  const resolvedAt = s.e.clock.now().getTime();
  expect((await s.m1.client.post(`/api/alerts/${a.id}/resolve`, { outcome: "phoned: safe" })).status).toBe(200);
  const vis = s.e.deps.db.select().from(visits).where(eq(visits.id, v.id)).get()!;
  expect(vis.overdueAlertId).toBeNull();
  expect(vis.nextCheckInDue.getTime()).toBe(resolvedAt + 30 * 60_000); // the visit's own interval, from now
  // The worker never checks in again: the next missed check-in is a new alert.
  for (let i = 0; i < 4; i++) {
    s.e.clock.advanceMinutes(10);
    await s.run();
  }
  const all = s.e.deps.db.select().from(alerts).where(eq(alerts.visitId, v.id)).all();
  expect(all.length).toBe(2);
  expect(all.filter((x) => x.status === "open").length).toBe(1);
});

it("resolving a stale missed check-in (the visit moved on to another alert) leaves the visit alone", async () => {
  const s = await escalationSetup();
  const v = (await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "x" }, expectedEnd: s.at(120), checkInEveryMinutes: 20 })).body;
  s.e.clock.advanceMinutes(26);
  await s.run();
  const first = s.e.deps.db.select().from(alerts).where(eq(alerts.visitId, v.id)).get()!;
  // The worker checks in (after managers were told: the alert stays open), then misses again.
  expect((await s.worker.client.post(`/api/visits/${v.id}/check-in`, {})).status).toBe(200);
  s.e.clock.advanceMinutes(21);
  await s.run();
  const before = s.e.deps.db.select().from(visits).where(eq(visits.id, v.id)).get()!;
  expect(before.overdueAlertId).not.toBe(first.id);
  expect(before.overdueAlertId).not.toBeNull();
  expect((await s.m1.client.post(`/api/alerts/${first.id}/resolve`, { outcome: "phoned: safe" })).status).toBe(200);
  const after = s.e.deps.db.select().from(visits).where(eq(visits.id, v.id)).get()!;
  expect(after.overdueAlertId).toBe(before.overdueAlertId);
  expect(after.nextCheckInDue.getTime()).toBe(before.nextCheckInDue.getTime());
});
