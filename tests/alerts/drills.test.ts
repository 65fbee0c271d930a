// Drills (POST/GET /api/drills): a manager starts a drill alert for one of their people; it
// climbs the real ladder under the policy in force, marked drill: true and DRILL in every
// message; the list says who, by whom, when, how fast it was acknowledged and who was reached.
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { expectInvalid } from "../helpers.js";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { auditLog } from "../../src/audit/schema.js";
import { escalationSetup } from "./setup.js";
import { notifySetup } from "./notify-setup.js";

async function drillSetup() {
  const s = await escalationSetup();
  const { e } = s;
  const lead = await e.person({ roles: ["manager"], team: "North", name: "Nina North" });
  const amhp = await e.person({ roles: ["amhp"], team: "North", name: "Nat Amhp" });
  const southAmhp = await e.person({ roles: ["amhp"], team: "South", name: "Sol South" });
  s.rota.managers = [lead.id];
  let woken = 0;
  e.deps.wakeScheduler = () => void woken++;
  return { ...s, lead, amhp, southAmhp, woken: () => woken };
}

describe("drills", () => {
  it("starts a drill alert through the real ladder, marked drill and DRILL in every message, audited as the manager", async () => {
    const { e, push, lead, amhp, run, woken } = await drillSetup();
    const r = await lead.client.post("/api/drills", { staffId: amhp.id });
    expect(r.status).toBe(201);
    const id = r.body.alertId as string;
    expect(woken()).toBe(1);

    const row = e.deps.db.select().from(alerts).where(eq(alerts.id, id)).get()!;
    expect(row).toMatchObject({ drill: true, reason: "missed_check_in", visitId: null, staffId: amhp.id, startStep: 0, status: "open" });
    expect(row.triggerKey).toMatch(/^drill:[0-9a-f-]{36}$/);
    expect(row.baseAt.getTime()).toBe(e.clock.now().getTime());
    // Under the policy in force (the setup's ladder, which has 4 steps).
    expect(row.policy.steps.length).toBe(4);
    const raise = e.deps.db.select().from(auditLog).where(and(eq(auditLog.entity, "alert"), eq(auditLog.entityId, id), eq(auditLog.action, "raise"))).get()!;
    expect(raise).toMatchObject({ actorType: "staff", actorId: lead.id });
    expect(JSON.parse(raise.data)).toMatchObject({ drill: true });

    // Step 0 tells the person drilled at once; step 1 (5 min) the duty manager; both say DRILL.
    await run();
    expect(push.to(amhp.id).length).toBe(1);
    expect(push.to(amhp.id)[0]!.payload.title).toMatch(/^DRILL/);
    // They have no visit to check in to: they are told no action is needed, not to check in.
    expect(push.to(amhp.id)[0]!.payload.body).toMatch(/^No action needed/);
    expect(push.to(amhp.id)[0]!.payload.body).not.toMatch(/check in,/i);
    e.clock.advanceMinutes(5);
    await run();
    const told = push.to(lead.id);
    expect(told.length).toBe(1);
    expect(told[0]!.payload.title).toMatch(/^DRILL/);
    expect(told[0]!.payload.body).toMatch(/not a real alarm/);

    // The alert views carry drill: true.
    const list = await lead.client.get("/api/alerts?status=open");
    expect(list.body.alerts.find((a: { id: string }) => a.id === id)).toMatchObject({ drill: true, reason: "missed_check_in" });

    // Acknowledged 7 minutes after it started: the drills list says so, with who was reached.
    e.clock.advanceMinutes(2);
    expect((await lead.client.post(`/api/alerts/${id}/acknowledge`)).status).toBe(200);
    const drills = await lead.client.get("/api/drills");
    expect(drills.status).toBe(200);
    expect(drills.body.drills).toHaveLength(1);
    const d = drills.body.drills[0];
    expect(d).toMatchObject({ alertId: id, staffId: amhp.id, name: "Nat Amhp", startedBy: { id: lead.id, name: "Nina North" }, status: "acknowledged", secondsToAcknowledge: 420, acknowledgedBy: { id: lead.id } });
    const reach = d.reach.map((x: { staffId: string; channel: string; status: string }) => `${x.staffId}:${x.channel}:${x.status}`);
    expect(reach).toEqual(expect.arrayContaining([`${amhp.id}:push:sent`, `${lead.id}:push:sent`]));
  });

  it("a real alert is not a drill", async () => {
    const { worker, lead, at, e, run } = await drillSetup();
    await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "2 Low Rd" }, expectedEnd: at(10) });
    e.clock.advanceMinutes(10);
    await run();
    const list = await lead.client.get("/api/alerts");
    expect(list.body.alerts.length).toBeGreaterThan(0);
    expect(list.body.alerts.every((a: { drill: boolean }) => a.drill === false)).toBe(true);
    expect((await lead.client.get("/api/drills")).body.drills).toEqual([]);
  });

  it("a manager drills only their own team; a senior manager anyone; nobody themselves; others may not", async () => {
    const { e, lead, amhp, southAmhp, senior, worker, admin } = await drillSetup();
    expect((await lead.client.post("/api/drills", { staffId: southAmhp.id })).status).toBe(404);
    expect((await lead.client.post("/api/drills", { staffId: lead.id })).status).toBe(404);
    expect((await senior.client.post("/api/drills", { staffId: southAmhp.id })).status).toBe(201);
    expect((await amhp.client.post("/api/drills", { staffId: southAmhp.id })).status).toBe(403);
    expect((await admin.client.post("/api/drills", { staffId: southAmhp.id })).status).toBe(403);
    expect((await e.anon.post("/api/drills", { staffId: southAmhp.id })).status).toBe(401);
    expect((await amhp.client.get("/api/drills")).status).toBe(403);
    // The North manager does not see the South drill the senior manager started; the senior does.
    expect((await lead.client.get("/api/drills")).body.drills).toEqual([]);
    expect((await senior.client.get("/api/drills")).body.drills.map((d: { staffId: string }) => d.staffId)).toEqual([southAmhp.id]);
    void worker;
  });

  it("404 for an unknown or inactive person, 400 naming staffId, nothing written", async () => {
    const { e, lead, admin, amhp } = await drillSetup();
    const before = e.auditCount();
    expect((await lead.client.post("/api/drills", { staffId: "no-such-person" })).status).toBe(404);
    expectInvalid(await lead.client.post("/api/drills", {}), "staffId");
    expectInvalid(await lead.client.post("/api/drills", { staffId: 42 }), "staffId");
    expectInvalid(await lead.client.post("/api/drills", { staffId: "  " }), "staffId");
    expect(e.auditCount()).toBe(before);
    expect(e.deps.db.select().from(alerts).all()).toEqual([]);
    const off = await admin.client.patch(`/api/staff/${amhp.id}`, { active: false });
    expect(off.status).toBe(200);
    expect((await lead.client.post("/api/drills", { staffId: amhp.id })).status).toBe(404);
    expect(e.deps.db.select().from(alerts).all()).toEqual([]);
  });
});

describe("drills with text messages on", () => {
  it("the duty manager's text says DRILL first, with the code to acknowledge", async () => {
    const s = await notifySetup();
    const { e, m1, worker, run, textsTo } = s;
    // m1 (the setup's duty manager, in no team) may not drill; a senior manager may drill anyone.
    expect((await m1.client.post("/api/drills", { staffId: worker.id })).status).toBe(404);
    expect((await s.senior.client.post("/api/drills", { staffId: worker.id })).status).toBe(201);
    await run();
    expect(textsTo(m1)).toHaveLength(0);
    e.clock.advanceMinutes(5);
    await run(); // m1 has no push subscription: texted at once at the duty-manager step
    const [t] = textsTo(m1);
    expect(t, "texted at the duty-manager step").toBeDefined();
    expect(t!.body).toMatch(/^DRILL \(a test, not a real alarm\)\. Dutyline: Missed check-in by Alex Worker/);
    expect(t!.body).toMatch(/Reply ACK \d{4} to acknowledge/);
    const d = (await s.senior.client.get("/api/drills")).body.drills[0];
    expect(d.reach.find((r: { staffId: string; channel: string }) => r.staffId === m1.id && r.channel === "sms")).toMatchObject({ status: "sent" });
  });
});
