// The engine against a real (in-memory) database, a fake clock, a recording push
// sender and a settable rota: steps fire at their times, once, to whoever is on duty then.
import { beforeEach, describe, expect, it } from "vitest";
import { and, count, eq } from "drizzle-orm";
import { expectInvalid, testEnv, type TestEnv } from "../helpers.js";
import { tick } from "../../src/lone-working/escalation/pass.js";
import { alerts, alertSteps } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { RecordingPush, fakeRota } from "./fakes.js";

let env: TestEnv;
let push: RecordingPush;
let rota: ReturnType<typeof fakeRota>;
let worker: Awaited<ReturnType<TestEnv["person"]>>;
let admin: Awaited<ReturnType<TestEnv["person"]>>;
let m1: Awaited<ReturnType<TestEnv["person"]>>;
let m2: Awaited<ReturnType<TestEnv["person"]>>;
let senior: Awaited<ReturnType<TestEnv["person"]>>;

const run = () => tick(env.deps, { onDutyAt: rota.onDutyAt });
const at = (m: number) => new Date(env.clock.now().getTime() + m * 60_000).toISOString();
const sentTo = (id: string) => push.to(id).length;

beforeEach(async () => {
  env = await testEnv();
  push = new RecordingPush();
  env.deps.push = push;
  rota = fakeRota();
  worker = await env.person({ roles: ["amhp"], name: "Alex Worker" });
  admin = await env.person({ roles: ["admin"] });
  m1 = await env.person({ roles: ["manager"] });
  m2 = await env.person({ roles: ["manager"] });
  senior = await env.person({ roles: ["senior_manager"] });
  rota.managers = [m1.id];
  const p = await admin.client.put("/api/escalation-policy", {
    steps: [
      { afterSeconds: 0, notify: "worker" },
      { afterSeconds: 300, notify: "duty_manager" },
      { afterSeconds: 900, notify: "all_managers" },
      { afterSeconds: 1800, notify: "all_managers", repeatEverySeconds: 300, considerPolice: true },
    ],
    panicStartsAtStep: 2,
    seniorStaffIds: [senior.id],
    receiptTimeoutSeconds: 60,
  });
  expect(p.status).toBe(200);
});

async function missedVisit() {
  const v = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "2 Low Rd" }, expectedEnd: at(10) })).body;
  env.clock.advanceMinutes(10); // due now
  return v.id as string;
}

/** Every notification shows on the phone (the service worker's receipt). */
async function receiptsForAll() {
  for (const s of push.sent) {
    const who = [worker, m1, m2, senior].find((p) => p.id === s.staffId)!;
    await who.client.post("/api/push/receipts", { notificationId: s.payload.notificationId });
  }
}

describe("missed check-in ladder", () => {
  it("fires each step at its time to whoever is on duty at that moment", async () => {
    await missedVisit();
    await run();
    expect(sentTo(worker.id)).toBe(1);
    expect(push.sent[0]!.payload).toMatchObject({ title: "Check in now", url: expect.stringContaining("/visits/"), tag: expect.stringMatching(/^alert-/) });
    await receiptsForAll();
    env.clock.advanceMinutes(4);
    await run();
    expect(sentTo(m1.id)).toBe(0);
    env.clock.advanceMinutes(1);
    await run();
    expect(sentTo(m1.id)).toBe(1);
    await receiptsForAll();
    rota.managers = [m2.id]; // the shift changed
    env.clock.advanceMinutes(10);
    await run();
    expect(sentTo(m2.id)).toBe(1);
    expect(sentTo(senior.id)).toBe(1);
    expect(sentTo(m1.id)).toBe(1);
    await receiptsForAll();
    env.clock.advanceMinutes(15);
    await run();
    expect(push.to(m2.id).at(-1)!.payload.body).toMatch(/999/);
    env.clock.advanceMinutes(5);
    await run();
    expect(sentTo(m2.id)).toBe(3); // step 3 repeats until acknowledged
    // Running again at the same moment fires nothing more.
    const n = push.sent.length;
    await run();
    await run();
    expect(push.sent.length).toBe(n);
  });

  it("a step that finds no manager on duty goes to the senior list at once and raises no_manager_on_duty", async () => {
    rota.managers = [];
    await missedVisit();
    await run();
    await receiptsForAll();
    env.clock.advanceMinutes(5);
    await run();
    expect(sentTo(senior.id)).toBe(2); // the step itself, and the gap alert
    const reasons = env.deps.db.select().from(alerts).all().map((a) => a.reason).sort();
    expect(reasons).toEqual(["missed_check_in", "no_manager_on_duty"]);
  });

  it("moves on early when nothing was shown within the receipt timeout", async () => {
    await missedVisit();
    await run(); // worker told, no receipt
    env.clock.advance(61_000);
    await run();
    expect(sentTo(m1.id)).toBe(1);
    const step = env.deps.db.select().from(alertSteps).where(eq(alertSteps.step, 1)).get()!;
    expect(step.early).toBe(true);
  });

  it("acknowledging stops everything, including sends already queued; first wins; the worker cannot", async () => {
    const visitId = await missedVisit();
    await run();
    env.clock.advanceMinutes(15);
    // Fire the steps but do not send yet: queue only.
    const { advanceDue } = await import("../../src/lone-working/escalation/pass.js");
    await advanceDue(env.deps, env.clock.now(), { onDutyAt: rota.onDutyAt });
    const alert = env.deps.db.select().from(alerts).get()!;
    expect(env.deps.db.select({ n: count() }).from(notifications).where(eq(notifications.status, "queued")).get()!.n).toBeGreaterThan(0);
    const selfAck = await env.person({ roles: ["amhp", "manager"] });
    void selfAck;
    const ack = await m1.client.post(`/api/alerts/${alert.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: "acknowledged", acknowledgedBy: m1.id });
    expect((await m2.client.post(`/api/alerts/${alert.id}/acknowledge`)).status).toBe(409);
    push.clear();
    await run();
    env.clock.advanceMinutes(20);
    await run();
    // Nothing more climbs; only the worker hears who is dealing with it (issue 9).
    expect(push.sent.map((s) => [s.staffId, s.payload.title])).toEqual([[worker.id, expect.stringMatching(/is dealing with your alert$/)]]);
    push.clear();
    expect(env.deps.db.select({ n: count() }).from(notifications).where(eq(notifications.status, "cancelled")).get()!.n).toBeGreaterThan(0);
    // Acknowledged but unresolved for 30 minutes: the acknowledger is reminded.
    env.clock.advanceMinutes(10);
    await run();
    expect(push.sent.map((s) => s.staffId)).toEqual([m1.id]);
    const res = await m2.client.post(`/api/alerts/${alert.id}/resolve`, { outcome: "phoned, safe" });
    expect(res.status).toBe(200);
    expect((await m2.client.post(`/api/alerts/${alert.id}/resolve`, { outcome: "again" })).status).toBe(409);
    expect(visitId).toBeTruthy();
  });

  it("the visit's own worker gets 403 even when they are a manager", async () => {
    const mgrWorker = await env.person({ roles: ["manager", "amhp"] });
    const v = (await mgrWorker.client.post("/api/visits", { purpose: "other", location: { address: "x" }, expectedEnd: at(1) })).body;
    const a = (await mgrWorker.client.post(`/api/visits/${v.id}/alarm`)).body;
    expect((await mgrWorker.client.post(`/api/alerts/${a.alertId}/acknowledge`)).status).toBe(403);
    expect((await mgrWorker.client.post(`/api/alerts/${a.alertId}/resolve`, { outcome: "x" })).status).toBe(403);
    expect((await m1.client.post(`/api/alerts/no-such/acknowledge`)).status).toBe(404);
  });

  it("a check-in before any manager was told closes the alert", async () => {
    const id = await missedVisit();
    await run();
    env.clock.advanceMinutes(2);
    await worker.client.post(`/api/visits/${id}/check-in`, {});
    const a = env.deps.db.select().from(alerts).get()!;
    expect(a).toMatchObject({ status: "resolved", outcome: "checked_in" });
    env.clock.advanceMinutes(10);
    await run();
    expect(sentTo(m1.id)).toBe(0);
  });

  it("a check-in after managers were told is recorded, announced, and left for a manager to resolve", async () => {
    const id = await missedVisit();
    await run();
    env.clock.advanceMinutes(5);
    await run();
    expect(sentTo(m1.id)).toBe(1);
    await worker.client.post(`/api/visits/${id}/check-in`, {});
    await run();
    const a = env.deps.db.select().from(alerts).get()!;
    expect(a.status).toBe("open");
    expect(a.workerCheckedInAt).toBeTruthy();
    expect(push.to(m1.id).at(-1)!.payload.title).toMatch(/checked in/);
    expect(sentTo(worker.id)).toBe(1);
  });
});

describe("panic and duress", () => {
  it("start at panicStartsAtStep at once; duress never notifies the worker", async () => {
    const v = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "3 Hill" }, expectedEnd: at(60) })).body;
    await worker.client.post(`/api/visits/${v.id}/alarm`);
    await run();
    expect(sentTo(m1.id)).toBe(1);
    expect(sentTo(senior.id)).toBe(1);
    expect(push.to(m1.id)[0]!.payload.title).toMatch(/PANIC/);
    push.clear();
    await worker.client.put("/api/me/duress-pin", { pin: "2468" });
    const v2 = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "4 Hill" }, expectedEnd: at(60) })).body;
    await worker.client.post(`/api/visits/${v2.id}/check-out`, { pin: "2468" });
    await run();
    expect(push.to(m1.id)[0]!.payload.title).toMatch(/DURESS/);
    expect(sentTo(worker.id)).toBe(0);
  });
});

describe("failed sends", () => {
  it("a failed ladder send goes again after 30 s, at most 3 times, while the alert is open", async () => {
    push.failing.add(worker.id);
    await missedVisit();
    await run();
    expect(env.deps.db.select().from(notifications).get()).toMatchObject({ status: "failed", attempts: 1 });
    for (let i = 0; i < 5; i++) {
      env.clock.advance(31_000);
      rota.managers = []; // keep the ladder's own steps out of the count
      await run();
    }
    expect(push.attempts.filter((a) => a.staffId === worker.id)).toHaveLength(3);
  });
});

describe("receipts", () => {
  it("only the recipient may report a notification shown", async () => {
    await missedVisit();
    await run();
    const n = push.sent[0]!.payload.notificationId!;
    expect((await m1.client.post("/api/push/receipts", { notificationId: n })).status).toBe(404);
    expectInvalid(await worker.client.post("/api/push/receipts", {}), "notificationId");
    expect((await worker.client.post("/api/push/receipts", { notificationId: n })).status).toBe(204);
    expect(env.deps.db.select().from(notifications).where(eq(notifications.id, n)).get()).toMatchObject({ status: "shown" });
  });
});

describe("once only", () => {
  it("concurrent passes (timer, sweep, second process) fire each step once", async () => {
    await missedVisit();
    env.clock.advanceMinutes(40);
    await Promise.all([run(), run(), run()]);
    const steps = env.deps.db.select().from(alertSteps).all().map((s) => `${s.step}:${s.repeat}`).sort();
    expect(steps).toEqual(["0:0", "1:0", "2:0", "3:0"]);
    const perKey = env.deps.db.$client.prepare("SELECT alert_id, step, repeat, staff_id, COUNT(*) n FROM notifications GROUP BY 1,2,3,4 HAVING n > 1").all();
    expect(perKey).toEqual([]);
    expect(push.sent.length).toBe(env.deps.db.select({ n: count() }).from(notifications).where(and(eq(notifications.status, "sent"))).get()!.n);
  });
});

describe("policy", () => {
  it("400 when the senior list is empty, naming the field, nothing written; alerts keep their own policy", async () => {
    const before = env.auditCount();
    expectInvalid(await admin.client.put("/api/escalation-policy", { steps: [{ afterSeconds: 0, notify: "worker" }], panicStartsAtStep: 0, seniorStaffIds: [] }), "seniorStaffIds");
    expectInvalid(await admin.client.put("/api/escalation-policy", { steps: [{ afterSeconds: 0, notify: "boss" }], panicStartsAtStep: 0, seniorStaffIds: [senior.id] }), "steps.0.notify");
    expectInvalid(await admin.client.put("/api/escalation-policy", { steps: [{ afterSeconds: 0, notify: "worker" }], panicStartsAtStep: 3, seniorStaffIds: [senior.id] }), "panicStartsAtStep");
    expectInvalid(await admin.client.put("/api/escalation-policy", { steps: [{ afterSeconds: 0, notify: "worker" }], panicStartsAtStep: 0, seniorStaffIds: ["nobody"] }), "seniorStaffIds.0");
    expect(env.auditCount()).toBe(before);
    await missedVisit();
    await run();
    expect((await admin.client.put("/api/escalation-policy", { steps: [{ afterSeconds: 0, notify: "senior", repeatEverySeconds: 300 }], panicStartsAtStep: 0, seniorStaffIds: [senior.id] })).status).toBe(200);
    const a = env.deps.db.select().from(alerts).get()!;
    expect(a.policy.steps).toHaveLength(4);
    expect((await m1.client.get("/api/escalation-policy")).body.steps).toHaveLength(1);
    expect((await admin.client.get("/api/escalation-policy")).body.receiptTimeoutSeconds).toBe(60);
  });
});

describe("reading alerts, the report and readiness", () => {
  it("lists alerts by status with notifications, and reports time to acknowledge", async () => {
    await missedVisit();
    await run();
    env.clock.advanceMinutes(5);
    await run();
    const list = await m1.client.get("/api/alerts?status=open");
    expect(list.body.alerts).toHaveLength(1);
    expect(list.body.alerts[0].notifications.length).toBeGreaterThan(0);
    expectInvalid(await m1.client.get("/api/alerts?status=lost"), "status");
    env.clock.advance(8_000);
    await m1.client.post(`/api/alerts/${list.body.alerts[0].id}/acknowledge`);
    const from = new Date(env.clock.now().getTime() - 86_400_000).toISOString();
    const to = new Date(env.clock.now().getTime() + 1000).toISOString();
    const hr = await env.person({ roles: ["hr"] });
    const r = await hr.client.get(`/api/reports/lone-working?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ visits: 1, missedCheckIns: 1, timeToAcknowledge: { acknowledged: 1, medianSeconds: 8, shareWithin10s: 1, shareWithin40s: 1 }, timeToAcknowledgeFromRaised: { medianSeconds: 308 } });
    const csv = await hr.client.get(`/api/reports/lone-working?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.text).toContain("secondsToAcknowledge");
    expectInvalid(await hr.client.get(`/api/reports/lone-working?from=x&to=${encodeURIComponent(to)}`), "from");
    // Local days work as on every other windowed route (a `to` day is inclusive).
    expect((await hr.client.get(`/api/reports/lone-working?from=2026-11-23&to=2026-11-24`)).body).toMatchObject({ visits: 1, missedCheckIns: 1 });
    expect((await hr.client.get(`/api/reports/lone-working?from=2026-11-20&to=2026-11-22`)).body).toMatchObject({ visits: 0 });
  });

  it("scopes the report to a manager's team and never shows anyone their own duress alarm", async () => {
    const north = await env.person({ roles: ["manager", "amhp"], team: "North" });
    const northAmhp = await env.person({ roles: ["amhp"], team: "North" });
    const south = await env.person({ roles: ["manager"], team: "South" });
    const hr = await env.person({ roles: ["hr"] });
    await north.client.put("/api/me/duress-pin", { pin: "9876" });
    const mine = (await north.client.post("/api/visits", { purpose: "home_visit", location: { address: "3 Mill Lane" }, expectedEnd: at(60) })).body;
    expect((await north.client.post(`/api/visits/${mine.id}/check-out`, { pin: "9876" })).status).toBe(200);
    const theirs = (await northAmhp.client.post("/api/visits", { purpose: "home_visit", location: { address: "4 Mill Lane" }, expectedEnd: at(60) })).body;
    await northAmhp.client.post(`/api/visits/${theirs.id}/alarm`);
    const q = `from=${encodeURIComponent(at(-60))}&to=${encodeURIComponent(at(1))}`;
    const reasons = (r: { body: { rows: { reason: string }[] } }) => r.body.rows.map((x) => x.reason).sort();
    expect(reasons(await hr.client.get(`/api/reports/lone-working?${q}`))).toEqual(["duress", "panic"]);
    const own = await north.client.get(`/api/reports/lone-working?${q}`);
    expect(reasons(own)).toEqual(["panic"]);
    expect(own.body.alerts.byReason.duress).toBeUndefined();
    const other = await south.client.get(`/api/reports/lone-working?${q}`);
    expect(other.body.rows).toEqual([]);
    expect(other.body.visits).toBe(0);
  });

  it("readiness lists managers without push and uncovered hours", async () => {
    const r = await m1.client.get(`/api/readiness?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z`);
    expect(r.status).toBe(200);
    expect(r.body.uncoveredManagerHours).toEqual([{ start: "2026-11-24T00:00:00.000Z", end: "2026-11-25T00:00:00.000Z" }]);
    expect(r.body.managersWithoutPush.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([m1.id, m2.id, senior.id]));
    expectInvalid(await m1.client.get(`/api/readiness?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z`), "to");
    const byDay = await m1.client.get(`/api/readiness?from=2026-11-24&to=2026-11-24`);
    expect(byDay.body.uncoveredManagerHours).toEqual([{ start: "2026-11-24T00:00:00.000Z", end: "2026-11-25T00:00:00.000Z" }]);
  });
});
