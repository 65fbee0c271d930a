// Review D9: looking for failed sends to retry must not walk every failed send in
// history on each idle pass: the query is driven from open alerts.
import { expect, it } from "vitest";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { failedToRetry, sendQueued } from "../../src/lone-working/delivery/index.js";
import { escalationSetup } from "./setup.js";

it("with many old failed sends of resolved alerts, the retry query reads open alerts first and finds none", async () => {
  const s = await escalationSetup();
  const old = s.e.deps.db
    .insert(alerts)
    .values({ triggerKey: "old", visitId: null, staffId: s.worker.id, reason: "panic", status: "resolved", policy: {} as never, startStep: 0, baseAt: new Date(0), raisedAt: new Date(0) })
    .returning()
    .get();
  const db = s.e.deps.db.$client;
  const ins = db.prepare(
    "insert into notifications (id, alert_id, purpose, step, repeat, staff_id, channel, status, title, body, created_at, attempts, sent_at) values (?, ?, 'ladder', 0, ?, ?, 'push', 'failed', 't', 'b', ?, 1, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < 5000; i++) ins.run(crypto.randomUUID(), old.id, i, s.m1.id, i, i);
  })();
  const q = failedToRetry(s.e.deps.db, s.e.clock.now()).toSQL();
  const plan = (db.prepare(`explain query plan ${q.sql}`).all(...(q.params as unknown[])) as { detail: string }[]).map((r) => r.detail);
  expect(plan[0]).toMatch(/alerts USING (COVERING )?INDEX alerts_due_idx/);
  expect(plan.join("\n")).not.toMatch(/notifications_status_idx|SCAN notifications/);
  expect(failedToRetry(s.e.deps.db, s.e.clock.now()).all()).toEqual([]);
  expect(await sendQueued(s.e.deps)).toBe(0);
});

it("a failed send of an open alert is still found and retried", async () => {
  const s = await escalationSetup();
  s.push.failing.add(s.m1.id);
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "x" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(16);
  await s.run();
  const tries = () => s.push.attempts.filter((x) => x.staffId === s.m1.id).length;
  const first = tries();
  expect(first).toBeGreaterThan(0);
  s.e.clock.advance(31_000);
  expect(failedToRetry(s.e.deps.db, s.e.clock.now()).all().length).toBeGreaterThan(0);
  await s.run();
  expect(tries()).toBeGreaterThan(first);
});
