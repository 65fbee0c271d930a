// Issue 9, "What a duty manager sees in an alarm": every alarm card (duress too) says
// where the worker is, how to phone them, their risk notes and when they were last
// heard from; who was actually reached, by which channel; an outcome chosen each time;
// the police step said as such; and the worker told who is dealing with a missed
// check-in or panic, never with a duress alarm.
import { describe, expect, it } from "vitest";
import { eq, getTableColumns } from "drizzle-orm";
import { expectInvalid } from "../helpers.js";
import { messageFor } from "../../src/lone-working/escalation/messages.js";
import { isPoliceStep, defaultPolicy } from "../../src/lone-working/escalation/policy.js";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { staff } from "../../src/staff/schema.js";
import { LADDER, escalationSetup } from "./setup.js";

type Setup = Awaited<ReturnType<typeof escalationSetup>>;

const hasMobile = "mobile" in getTableColumns(staff);

async function startVisit(s: Setup, over: Record<string, unknown> = {}) {
  const r = await s.worker.client.post("/api/visits", {
    purpose: "home_visit",
    location: { address: "9 Duress Row, Northtown", lat: 53.8, lng: -1.55 },
    expectedEnd: s.at(60),
    checkInEveryMinutes: 20,
    riskNotes: "Large dog; son known to be hostile to staff",
    ...over,
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function openAlert(s: Setup, visitId: string) {
  const open = (await s.m1.client.get("/api/alerts?status=open")).body.alerts as any[];
  return open.find((a) => a.visitId === visitId && a.reason !== "no_manager_on_duty");
}

describe("the alarm card", () => {
  for (const reason of ["duress", "panic", "missed_check_in"] as const) {
    it(`a ${reason} card carries the address, last position, mobile, risk notes and last sign of life`, async () => {
      const s = await escalationSetup();
      if (hasMobile) s.e.deps.db.update(staff).set({ mobile: "+447700900123" } as never).where(eq(staff.id, s.worker.id)).run();
      await s.worker.client.put("/api/me/duress-pin", { pin: "4321" });
      const visitId = await startVisit(s);
      s.e.clock.advanceMinutes(5);
      expect((await s.worker.client.post(`/api/visits/${visitId}/check-in`, { lat: 53.81, lng: -1.56 })).status).toBe(200);
      const lastCheckIn = s.e.clock.now().toISOString();
      s.e.clock.advanceMinutes(3);
      if (reason === "duress") expect((await s.worker.client.post(`/api/visits/${visitId}/check-out`, { pin: "4321" })).status).toBe(200);
      if (reason === "panic") expect((await s.worker.client.post(`/api/visits/${visitId}/alarm`)).status).toBe(201);
      if (reason === "missed_check_in") s.e.clock.advanceMinutes(20); // the next check-in (due 20 min after the last) is missed
      const alarmAt = s.e.clock.now().toISOString();
      await s.run();
      const a = await openAlert(s, visitId);
      expect(a.reason).toBe(reason);
      expect(a.location).toEqual({ address: "9 Duress Row, Northtown", lat: 53.8, lng: -1.55 });
      expect(a.lastKnownPosition).toEqual({ lat: 53.81, lng: -1.56, at: lastCheckIn });
      expect(a.riskNotes).toBe("Large dog; son known to be hostile to staff");
      expect(a.worker).toEqual({ id: s.worker.id, name: "Alex Worker", mobile: hasMobile ? "+447700900123" : null });
      // The duress check-out and the panic press are themselves the last time the phone spoke.
      expect(a.lastSignOfLife).toEqual(reason === "missed_check_in" ? { at: lastCheckIn, kind: "check_in" } : { at: alarmAt, kind: reason === "duress" ? "check_out" : "alarm" });
      // The same card where a manager looks at the visit itself.
      const seen = (await s.m1.client.get(`/api/visits/${visitId}`)).body;
      const there = seen.alerts.find((x: any) => x.id === a.id);
      expect(there.location.address).toBe("9 Duress Row, Northtown");
      expect(there.riskNotes).toBe(a.riskNotes);
    });
  }

  it("says who was reached, by which channel, and who could not be", async () => {
    const s = await escalationSetup();
    const m2 = await s.e.person({ roles: ["manager"], name: "Ali Khan" });
    s.rota.managers = [s.m1.id, m2.id];
    s.push.unreachable.add(m2.id); // no device to receive alerts
    const visitId = await startVisit(s);
    await s.worker.client.post(`/api/visits/${visitId}/alarm`);
    await s.run(); // panic: step 2 at once, every manager on duty and the senior list
    let a = await openAlert(s, visitId);
    const row = (id: string) => a.reach.find((r: any) => r.staffId === id);
    expect(row(m2.id)).toMatchObject({ name: "Ali Khan", channel: "push", status: "no_subscription", isWorker: false });
    expect(row(s.m1.id)).toMatchObject({ channel: "push", status: "sent", at: s.e.clock.now().toISOString() });
    expect(row(s.senior.id)).toMatchObject({ status: "sent" });
    // The phone shows it: the receipt makes it "shown", at the receipt's time.
    s.e.clock.advance(20_000);
    const note = s.push.to(s.m1.id).at(-1)!.payload.notificationId;
    expect((await s.m1.client.post("/api/push/receipts", { notificationId: note })).status).toBe(204);
    a = await openAlert(s, visitId);
    expect(row(s.m1.id)).toMatchObject({ status: "shown", at: s.e.clock.now().toISOString(), sends: 1 });
    // Not reached first: the person who needs a phone call.
    expect(a.reach[0].staffId).toBe(m2.id);
    expect(a.reach.some((r: any) => r.staffId === s.worker.id)).toBe(false);
  });
});

describe("resolving an alarm", () => {
  it("refuses an empty, blank or invisible outcome with 400 naming outcome, and writes nothing", async () => {
    const s = await escalationSetup();
    const visitId = await startVisit(s);
    await s.worker.client.post(`/api/visits/${visitId}/alarm`);
    await s.run();
    const a = await openAlert(s, visitId);
    expect((await s.m1.client.post(`/api/alerts/${a.id}/acknowledge`)).status).toBe(200);
    const before = s.e.auditCount();
    for (const outcome of ["", "   ", "\u200b", "\u00a0\u200d\ufeff", "\t\n"]) {
      expectInvalid(await s.m1.client.post(`/api/alerts/${a.id}/resolve`, { outcome }), "outcome");
    }
    expectInvalid(await s.m1.client.post(`/api/alerts/${a.id}/resolve`, {}), "outcome");
    expect(s.e.auditCount()).toBe(before);
    expect(s.e.deps.db.select().from(alerts).where(eq(alerts.id, a.id)).get()!.status).toBe("acknowledged");
    const ok = await s.m1.client.post(`/api/alerts/${a.id}/resolve`, { outcome: "  safe  " });
    expect(ok.status).toBe(200);
    expect(ok.body.outcome).toBe("safe");
  });
});

describe("the police (999) step", () => {
  async function toPoliceStep(s: Setup) {
    await startVisit(s, { expectedEnd: s.at(10), checkInEveryMinutes: undefined });
    s.e.clock.advanceMinutes(10);
    await s.run(); // the worker step
    const visitAlert = async () => (await s.m1.client.get("/api/alerts?status=open")).body.alerts.find((a: any) => a.reason === "missed_check_in");
    s.e.clock.advanceMinutes(5);
    await s.run(); // the duty manager
    const first = s.push.to(s.m1.id).at(-1)!.payload;
    expect((await visitAlert()).considerPolice).toBe(false);
    s.e.clock.advanceMinutes(25);
    await s.run(); // +30 min: the police step
    return { first, police: s.push.to(s.m1.id).at(-1)!.payload, alert: await visitAlert() };
  }

  it("says Consider police (999) in the push title and body and on the card at the marked step", async () => {
    const s = await escalationSetup();
    const { first, police, alert } = await toPoliceStep(s);
    expect(first.title).not.toMatch(/police/i);
    expect(first.body).not.toMatch(/police/i);
    expect(police.title).toMatch(/^Consider police \(999\)/);
    expect(police.title).toMatch(/Missed check-in: Alex Worker/);
    expect(police.body).toMatch(/^Consider police \(999\)/);
    expect(alert.step).toBe(3);
    expect(alert.considerPolice).toBe(true);
    // Its repeats say so too.
    s.e.clock.advanceMinutes(5);
    await s.run();
    expect(s.push.to(s.m1.id).at(-1)!.payload.title).toMatch(/^Consider police \(999\)/);
  });

  it("a policy that marks no step makes the last, repeating step the police one", async () => {
    const s = await escalationSetup({ steps: LADDER.map(({ considerPolice: _c, ...step }) => step) });
    const { first, police, alert } = await toPoliceStep(s);
    expect(first.title).not.toMatch(/police/i);
    expect(police.title).toMatch(/^Consider police \(999\)/);
    expect(police.body).toMatch(/Consider police \(999\)/);
    expect(alert.considerPolice).toBe(true);
  });

  it("isPoliceStep: a marker decides; without one the last repeating step; a one-off ladder has none", () => {
    const d = defaultPolicy(["x"]);
    expect(d.steps.map((_, i) => isPoliceStep(d, i))).toEqual([false, false, false, true]);
    const unmarked = { steps: d.steps.map(({ considerPolice: _c, ...st }) => st) };
    expect(unmarked.steps.map((_, i) => isPoliceStep(unmarked, i))).toEqual([false, false, false, true]);
    const markedElsewhere = { steps: d.steps.map((st, i) => ({ ...st, considerPolice: i === 2 })) };
    expect(markedElsewhere.steps.map((_, i) => isPoliceStep(markedElsewhere, i))).toEqual([false, false, true, false]);
    expect(isPoliceStep({ steps: [{ afterSeconds: 0, notify: "senior" }] }, 0)).toBe(false);
    expect(isPoliceStep(d, 9)).toBe(false);
  });

  it("messageFor marks a panic and a duress at the police step too", () => {
    const policy = defaultPolicy(["x"]);
    const base = { policy, baseAt: new Date("2026-11-24T02:14:00Z") } as never as Parameters<typeof messageFor>[0];
    for (const reason of ["panic", "duress"] as const) {
      const a = { ...base, reason };
      expect(messageFor(a, { workerName: "Sam", address: "1 Road" }, 3, false, "Europe/London").title).toMatch(/^Consider police \(999\)/);
      expect(messageFor(a, { workerName: "Sam", address: "1 Road" }, 2, false, "Europe/London").title).not.toMatch(/police/i);
    }
  });
});

describe("the worker is told who is dealing with their alert", () => {
  for (const reason of ["panic", "missed_check_in"] as const) {
    it(`after a ${reason} is acknowledged: a push and the visit says who`, async () => {
      const s = await escalationSetup();
      const visitId = await startVisit(s);
      if (reason === "panic") await s.worker.client.post(`/api/visits/${visitId}/alarm`);
      else s.e.clock.advanceMinutes(20);
      await s.run();
      if (reason === "missed_check_in") {
        s.e.clock.advanceMinutes(5);
        await s.run(); // the duty manager is told
      }
      const a = await openAlert(s, visitId);
      const toWorkerBefore = s.push.to(s.worker.id).length;
      const m1Name = s.e.deps.db.select({ name: staff.name }).from(staff).where(eq(staff.id, s.m1.id)).get()!.name;
      expect((await s.m1.client.post(`/api/alerts/${a.id}/acknowledge`)).status).toBe(200);
      await s.run();
      const told = s.push.to(s.worker.id).slice(toWorkerBefore);
      expect(told).toHaveLength(1);
      expect(told[0]!.payload.title).toBe(`${m1Name} is dealing with your alert`);
      expect(told[0]!.payload.url).toMatch(new RegExp(`/visits/${visitId}$`));
      const mine = (await s.worker.client.get(`/api/visits/${visitId}`)).body;
      expect(mine.alerts.find((x: any) => x.id === a.id)).toMatchObject({ status: "acknowledged", acknowledgedByName: m1Name });
      // The card stays a manager's: the worker's own view carries none of it.
      expect(mine.alerts[0].reach).toBeUndefined();
      expect(mine.alerts[0].riskNotes).toBeUndefined();
      // Told once: a later pass sends nothing more.
      await s.run();
      expect(s.push.to(s.worker.id).slice(toWorkerBefore)).toHaveLength(1);
    });
  }

  it("never for a duress alarm: the worker's view of the visit stays byte for byte an ordinary one", async () => {
    const s = await escalationSetup();
    await s.worker.client.put("/api/me/duress-pin", { pin: "4321" });
    // Two visits started and ended at the same instants: one ordinary, one under duress.
    const plain = await startVisit(s);
    const duress = await startVisit(s);
    s.e.clock.advanceMinutes(7);
    expect((await s.worker.client.post(`/api/visits/${plain}/check-out`, {})).status).toBe(200);
    expect((await s.worker.client.post(`/api/visits/${duress}/check-out`, { pin: "4321" })).status).toBe(200);
    const view = async (id: string) => {
      const r = await s.worker.client.get(`/api/visits/${id}`);
      const ids = [id, ...r.body.checkIns.map((c: any) => c.id)];
      return ids.reduce((t: string, x: string, i: number) => t.split(x).join(`<id${i}>`), r.text);
    };
    const same = async () => expect(await view(duress)).toBe(await view(plain));
    await same();
    await s.run(); // the duress alarm goes to the managers
    const a = await openAlert(s, duress);
    expect(a.reason).toBe("duress");
    await same();
    expect((await s.m1.client.post(`/api/alerts/${a.id}/acknowledge`)).status).toBe(200);
    await s.run();
    await same();
    expect((await s.m1.client.post(`/api/alerts/${a.id}/resolve`, { outcome: "police called" })).status).toBe(200);
    await s.run();
    await same();
    expect(s.push.to(s.worker.id)).toHaveLength(0);
  });
});
