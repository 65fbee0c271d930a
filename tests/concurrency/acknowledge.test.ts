// Issue 10: acknowledge and resolve are conditional updates: the first wins by the database,
// not by a read made before it. Two connections on one file database, each with its own app.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { auditLog } from "../../src/audit/schema.js";
import { verifyChain } from "../../src/audit/store.js";
import { writeTx } from "../../src/db/connection.js";
import { raiseAlert } from "../../src/lone-working/escalation/store.js";
import { acknowledgeIfOpen, resolveIfUnresolved } from "../../src/lone-working/escalation/store.js";
import { twoConnections } from "./file-db.js";

let env: ReturnType<typeof twoConnections> | undefined;
afterEach(() => {
  env?.close();
  env = undefined;
});

async function world() {
  env = twoConnections();
  const e = env;
  const worker = await e.person(["amhp"]);
  const m1 = await e.person(["manager"]);
  const m2 = await e.person(["senior_manager"]);
  let k = 0;
  const panic = () => {
    const now = e.clock.now();
    return writeTx(e.a.db, (tx) => raiseAlert(tx, { reason: "panic", triggerKey: `race:${++k}`, visitId: null, staffId: worker.id, baseAt: now }, now))!.id;
  };
  const alert = (id: string) => e.a.db.select().from(alerts).where(eq(alerts.id, id)).get()!;
  const audits = (id: string, action: string) => e.a.db.select().from(auditLog).where(and(eq(auditLog.entityId, id), eq(auditLog.action, action))).all();
  return { e, worker, m1, m2, panic, alert, audits };
}

describe("two acknowledgements racing", () => {
  it("through two connections at once: exactly one 200, the other 409, one audit row, the worker told once", async () => {
    const w = await world();
    for (let i = 0; i < 6; i++) {
      const id = w.panic();
      // Alternate who is first in line, so neither connection always wins.
      const [r1, r2] = await Promise.all(i % 2 ? [w.m1.a.post(`/api/alerts/${id}/acknowledge`), w.m2.b.post(`/api/alerts/${id}/acknowledge`)] : [w.m2.b.post(`/api/alerts/${id}/acknowledge`), w.m1.a.post(`/api/alerts/${id}/acknowledge`)]);
      expect([r1.status, r2.status].sort()).toEqual([200, 409]);
      const winner = r1.status === 200 ? r1 : r2;
      expect(w.alert(id)).toMatchObject({ status: "acknowledged", acknowledgedBy: winner.body.acknowledgedBy });
      expect(w.audits(id, "acknowledge")).toHaveLength(1);
      const told = w.e.a.db.select().from(notifications).where(and(eq(notifications.alertId, id), eq(notifications.purpose, "announce"), eq(notifications.staffId, w.worker.id))).all();
      expect(told).toHaveLength(1);
    }
    expect(verifyChain(w.e.a.db).ok).toBe(true);
  });

  it("a read made stale by the other connection does not win: the conditional UPDATE refuses and leaves the first acknowledgement", async () => {
    const w = await world();
    const id = w.panic();
    const now = w.e.clock.now();
    const seen = w.e.a.db.select().from(alerts).where(eq(alerts.id, id)).get()!; // connection a: open, nobody has it
    expect(seen.status).toBe("open");
    expect((await w.m2.b.post(`/api/alerts/${id}/acknowledge`)).status).toBe(200); // b acknowledges meanwhile
    // a goes on from its stale read: the statement itself says no (an UPDATE by id alone would overwrite m2).
    expect(writeTx(w.e.a.db, (tx) => acknowledgeIfOpen(tx, id, w.m1.id, now, new Date(now.getTime() + 60_000)))).toBeUndefined();
    expect(w.alert(id)).toMatchObject({ status: "acknowledged", acknowledgedBy: w.m2.id });
    const lost = await w.m1.a.post(`/api/alerts/${id}/acknowledge`);
    expect(lost.status).toBe(409);
    expect(lost.body.detail).toMatch(/Already acknowledged/);
    expect(w.audits(id, "acknowledge")).toHaveLength(1);
  });
});

describe("two resolutions racing", () => {
  it("through two connections at once: exactly one 200, the other 409, one audit row", async () => {
    const w = await world();
    const id = w.panic();
    const [r1, r2] = await Promise.all([w.m1.a.post(`/api/alerts/${id}/resolve`, { outcome: "safe" }), w.m2.b.post(`/api/alerts/${id}/resolve`, { outcome: "safe, phoned" })]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const winner = r1.status === 200 ? r1 : r2;
    // Resolved unacknowledged: its resolver counts as the acknowledger.
    expect(w.alert(id)).toMatchObject({ status: "resolved", resolvedBy: winner.body.resolvedBy, acknowledgedBy: winner.body.resolvedBy, outcome: winner.body.outcome });
    expect(w.alert(id).acknowledgedAt).toEqual(w.alert(id).resolvedAt);
    expect(w.audits(id, "resolve")).toHaveLength(1);
  });

  it("a resolver whose read is stale keeps who acknowledged first, decided in the same statement", async () => {
    const w = await world();
    const id = w.panic();
    w.e.clock.advance(1000);
    const seen = w.e.a.db.select().from(alerts).where(eq(alerts.id, id)).get()!; // connection a: nobody acknowledged
    expect(seen.acknowledgedBy).toBeNull();
    const ack = await w.m2.b.post(`/api/alerts/${id}/acknowledge`); // b acknowledges meanwhile
    expect(ack.status).toBe(200);
    w.e.clock.advance(1000);
    const row = writeTx(w.e.a.db, (tx) => resolveIfUnresolved(tx, id, w.m1.id, w.e.clock.now(), { outcome: "safe" }))!;
    expect(row).toMatchObject({ status: "resolved", resolvedBy: w.m1.id, acknowledgedBy: w.m2.id, acknowledgedAt: new Date(ack.body.acknowledgedAt) });
    expect(writeTx(w.e.a.db, (tx) => resolveIfUnresolved(tx, id, w.m2.id, w.e.clock.now(), { outcome: "again" }))).toBeUndefined();
    expect(w.alert(id)).toMatchObject({ resolvedBy: w.m1.id, outcome: "safe" });
  });
});
