// Review D4: one push service that never answers must not hold up any other alert.
// The scheduler's real timers are the point here, so this waits in real time (briefly).
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { startScheduler } from "../../src/lone-working/escalation/scheduler.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import type { PushOutcome, PushPayload } from "../../src/lone-working/delivery/channels/push/types.js";
import { escalationSetup } from "./setup.js";

it("a panic reaches the senior manager within a second or two while another alert's send hangs", async () => {
  const s = await escalationSetup();
  const worker2 = await s.e.person({ roles: ["amhp"] });
  const sent: { staffId: string; alertId?: string; t: number }[] = [];
  const hanging: (() => void)[] = [];
  s.e.deps.push = {
    sendToStaff(staffId: string, payload: PushPayload): Promise<PushOutcome> {
      if (staffId === s.m1.id && payload.title.startsWith("Missed")) {
        // m1's push host accepts the connection and never answers (until the test lets go).
        return new Promise((resolve) => hanging.push(() => resolve({ accepted: 1, failed: 0, removed: 0, noSubscription: false })));
      }
      sent.push({ staffId, alertId: payload.alertId, t: Date.now() });
      return Promise.resolve({ accepted: 1, failed: 0, removed: 0, noSubscription: false });
    },
  };
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "x" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(16); // the worker step, the duty manager step (m1: hangs) and step 2 are due
  const sched = startScheduler(s.e.deps, { onDutyAt: s.rota.onDutyAt });
  s.e.deps.wakeScheduler = () => sched.wake();
  try {
    for (let i = 0; i < 50 && hanging.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(hanging.length).toBeGreaterThan(0);
    const v2 = (await worker2.client.post("/api/visits", { purpose: "home_visit", location: { address: "y" }, expectedEnd: s.at(60) })).body;
    const t0 = Date.now();
    const alarm = await worker2.client.post(`/api/visits/${v2.id}/alarm`);
    let reached: number | undefined;
    while (Date.now() - t0 < 5000) {
      const hit = sent.find((x) => x.alertId === alarm.body.alertId && x.staffId === s.senior.id);
      if (hit) {
        reached = hit.t - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(reached).toBeDefined();
    expect(reached!).toBeLessThan(2500);
    // The hung send is still this process's claim, not sent twice meanwhile.
    const m1Missed = s.e.deps.db.select().from(notifications).where(eq(notifications.staffId, s.m1.id)).all().filter((n) => n.title.startsWith("Missed"));
    expect(m1Missed.every((n) => n.attempts === 1)).toBe(true);
  } finally {
    sched.stop();
    for (const h of hanging) h();
    await sched.idle(); // waits for the sends in flight and their results
  }
  const rows = s.e.deps.db.select().from(notifications).where(eq(notifications.staffId, s.m1.id)).all();
  expect(rows.filter((n) => n.status === "sending")).toEqual([]);
}, 20_000);
