// The engine works many alerts per transaction (chunks, one savepoint per alert): a burst
// of missed check-ins is raised and fired once each, audited, and one alert that throws
// rolls back alone while the rest of its chunk commits.
import { describe, expect, it } from "vitest";
import { and, count, eq, inArray } from "drizzle-orm";
import { advance, advanceDue, CHUNK, sweepMissed } from "../../src/lone-working/escalation/pass.js";
import { alerts, alertSteps } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { visits } from "../../src/lone-working/visits/schema.js";
import { auditLog } from "../../src/audit/schema.js";
import { escalationSetup } from "./setup.js";

async function burst(n: number) {
  const s = await escalationSetup();
  const now = s.e.clock.now();
  s.e.deps.db.transaction((tx) => {
    for (let i = 0; i < n; i++)
      tx.insert(visits)
        .values({ staffId: s.worker.id, purpose: "home_visit", address: `${i} Burst Rd`, expectedEnd: new Date(now.getTime() + 3600_000), status: "active", startedAt: new Date(now.getTime() - 1800_000), nextCheckInDue: new Date(now.getTime() - 1000), checkInEveryMinutes: 60 })
        .run();
  });
  return s;
}


describe("batched escalation", () => {
  it("raises every overdue visit across chunks, fires each first step once, audits each", async () => {
    const total = CHUNK * 2 + 50;
    const { e, worker } = await burst(total);
    const auditBefore = e.auditCount();
    await advance(e.deps, {});
    const db = e.deps.db;
    expect(db.select({ n: count() }).from(alerts).get()!.n).toBe(total);
    expect(db.select({ n: count() }).from(visits).where(eq(visits.status, "active")).all()[0]!.n).toBe(total);
    expect(db.select({ n: count() }).from(alertSteps).where(eq(alertSteps.step, 0)).get()!.n).toBe(total);
    expect(db.select({ n: count() }).from(notifications).where(and(eq(notifications.staffId, worker.id), eq(notifications.status, "queued"))).get()!.n).toBe(total);
    // One raise and one escalate row per alert, in the transactions that made them.
    const actions = db.select({ action: auditLog.action, n: count() }).from(auditLog).where(inArray(auditLog.action, ["raise", "escalate"])).groupBy(auditLog.action).all();
    expect(Object.fromEntries(actions.map((a) => [a.action, a.n]))).toEqual({ raise: total, escalate: total });
    expect(e.auditCount() - auditBefore).toBeGreaterThanOrEqual(total * 2);
    // Every visit points at its alert; a second pass raises and queues nothing more.
    expect(db.select({ n: count() }).from(visits).where(eq(visits.status, "active")).all()[0]!.n).toBe(total);
    const queuedBefore = db.select({ n: count() }).from(notifications).get()!.n;
    await advance(e.deps, {});
    expect(await sweepMissed(e.deps, e.clock.now())).toEqual([]);
    expect(db.select({ n: count() }).from(alerts).get()!.n).toBe(total);
    expect(db.select({ n: count() }).from(notifications).get()!.n).toBe(queuedBefore);
  });

  it("an alert whose work throws rolls back alone; the rest of its chunk commits", async () => {
    const { e, rota } = await burst(10);
    const db = e.deps.db;
    await sweepMissed(e.deps, e.clock.now()); // raised, nothing fired yet
    const ids = db.select({ id: alerts.id }).from(alerts).all().map((a) => a.id);
    expect(ids).toHaveLength(10);
    // A stored policy that cannot be read makes that alert's firing throw.
    db.$client.prepare("UPDATE alerts SET policy = '{\"broken\":true}' WHERE id = ?").run(ids[3]);
    const queued = await advanceDue(e.deps, e.clock.now(), { onDutyAt: rota.onDutyAt });
    expect(queued).toBe(9);
    const fired = new Set(db.select({ a: alertSteps.alertId }).from(alertSteps).all().map((r) => r.a));
    expect(fired.size).toBe(9);
    expect(fired.has(ids[3]!)).toBe(false);
    expect(db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, "escalate"), eq(auditLog.entityId, ids[3]!))).get()!.n).toBe(0);
  });

  it("an acknowledged alert in the burst does not fire; a scheduler pass sends what it claims as it commits", async () => {
    const { e, push, worker, m1 } = await burst(5);
    const db = e.deps.db;
    await sweepMissed(e.deps, e.clock.now());
    const [first] = db.select({ id: alerts.id }).from(alerts).limit(1).all();
    const ack = await m1.client.post(`/api/alerts/${first!.id}/acknowledge`, {});
    expect(ack.status).toBe(200);
    const sends: Promise<number>[] = [];
    await advance(e.deps, {}, (p) => sends.push(p));
    expect(sends.length).toBeGreaterThan(0);
    expect(await Promise.all(sends).then((r) => r.reduce((a, b) => a + b, 0))).toBe(4);
    expect(push.to(worker.id)).toHaveLength(4);
    expect(db.select({ n: count() }).from(alertSteps).where(eq(alertSteps.alertId, first!.id)).get()!.n).toBe(0);
    expect(db.select({ n: count() }).from(notifications).where(eq(notifications.status, "sent")).get()!.n).toBe(4);
  });
});
