// Crash tests against the real process (real short deadlines, kill -9):
// every acknowledged check-in survives, every overdue step fires exactly once
// (counted at the push receiver), and two worker processes send no duplicate.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { checkIns } from "../../src/lone-working/visits/schema.js";
import { alerts, alertSteps } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { api, cleanup, deliveries, kill9, makeWorld, sleep, startServer, startWorker, subscribeAll, type World } from "./harness.js";

const LADDER = [
  { afterSeconds: 0, notify: "worker" as const },
  { afterSeconds: 2, notify: "duty_manager" as const },
  { afterSeconds: 4, notify: "senior" as const },
];

let world: World | undefined;
afterEach(async () => {
  if (world) await cleanup(world);
  world = undefined;
});

async function startVisits(w: World, n: number, expectedEnd: Date, every?: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await api(w, w.worker, "POST", "/api/visits", { purpose: "mha_assessment", location: { address: `${i} Crash Lane` }, expectedEnd: expectedEnd.toISOString(), checkInEveryMinutes: every });
    expect(r.status).toBe(201);
    ids.push(r.body.id);
  }
  return ids;
}

/**
 * Notifications a killed process had claimed and was sending: the push service may
 * have accepted one before the process could record it, so it goes again after the
 * restart. Web push has no idempotency key; the phone folds the repeat into the same
 * notification (same tag). Only these may arrive twice.
 */
function inFlight(w: World): string[] {
  return w.deps.db.select({ id: notifications.id }).from(notifications).where(eq(notifications.status, "sending")).all().map((n) => n.id);
}

/** Each alert's expected (step -> recipient) sends, and what the receiver got. */
function expectEachStepOnce(w: World, visitIds: string[], inDoubt: ReadonlySet<string> = new Set()) {
  const db = w.deps.db;
  const as = db.select().from(alerts).where(and(inArray(alerts.visitId, visitIds), eq(alerts.reason, "missed_check_in"))).all();
  expect(as).toHaveLength(visitIds.length);
  const steps = db.select().from(alertSteps).where(inArray(alertSteps.alertId, as.map((a) => a.id))).all();
  expect(steps.map((s) => `${s.alertId}:${s.step}:${s.repeat}`).sort()).toEqual(as.flatMap((a) => [0, 1, 2].map((s) => `${a.id}:${s}:0`)).sort());
  const notes = db.select().from(notifications).where(inArray(notifications.alertId, as.map((a) => a.id))).all();
  const recipient = [w.worker.id, w.manager.id, w.senior.id];
  expect(notes.map((n) => `${n.alertId}:${n.step}:${n.staffId}`).sort()).toEqual(as.flatMap((a) => [0, 1, 2].map((s) => `${a.id}:${s}:${recipient[s]}`)).sort());
  const got = deliveries(w);
  const missing = notes.filter((n) => !got.has(n.id)).map((n) => `${n.step}:${n.status}`);
  const twice = [...got.entries()].filter(([id, c]) => c > 1 && !(c === 2 && inDoubt.has(id)));
  expect(missing).toEqual([]);
  expect(twice).toEqual([]);
  expect(got.size).toBe(notes.length);
}

async function waitFor(cond: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return;
    await sleep(100);
  }
}

describe("crash: kill -9 and restart", () => {
  it("every check-in that was answered 200 is present after a kill -9 mid-flight", async () => {
    const w = (world = await makeWorld(LADDER));
    let server = await startServer(w);
    const visits = await startVisits(w, 10, new Date(Date.now() + 3600_000), 60);
    const acked: string[] = [];
    let stop = false;
    const loops = visits.map(async (v) => {
      while (!stop) {
        const id = crypto.randomUUID();
        try {
          const r = await api(w, w.worker, "POST", `/api/visits/${v}/check-in`, { id }, { "Idempotency-Key": id });
          if (r.status === 200) acked.push(id);
        } catch {
          return; // the server died under us
        }
      }
    });
    await sleep(1500);
    await kill9(server);
    stop = true;
    await Promise.all(loops);
    expect(acked.length).toBeGreaterThan(20);
    server = await startServer(w);
    const stored = new Set(w.deps.db.select({ id: checkIns.id }).from(checkIns).all().map((c) => c.id));
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    // And the service carries on.
    const r = await api(w, w.worker, "POST", `/api/visits/${visits[0]}/check-in`, {});
    expect(r.status).toBe(200);
  }, 30_000);

  it("every overdue step fires exactly once across kills while visits fall due", async () => {
    const w = (world = await makeWorld(LADDER));
    let server = await startServer(w);
    await subscribeAll(w);
    const due = new Date(Date.now() + 2500);
    const visits = await startVisits(w, 8, due);
    // Killed just as the visits fall due (first sends in flight) ...
    await sleep(due.getTime() - Date.now() + 60);
    await kill9(server);
    const inDoubt = new Set(inFlight(w));
    // ... and down while step 1 falls due; on start everything overdue goes at once.
    await sleep(Math.max(0, due.getTime() + 2300 - Date.now()));
    server = await startServer(w);
    await sleep(Math.max(0, due.getTime() + 4030 - Date.now()));
    await kill9(server);
    for (const id of inFlight(w)) inDoubt.add(id);
    server = await startServer(w);
    // A send claimed by a killed process goes again once its heartbeat is stale (10 s).
    await waitFor(() => deliveries(w).size >= visits.length * 3, 16_000);
    await sleep(500);
    expectEachStepOnce(w, visits, inDoubt);
  }, 45_000);

  it("two worker processes against one database send no duplicate", async () => {
    const w = (world = await makeWorld(LADDER));
    await startServer(w, { RUN_SCHEDULER: "false" });
    await subscribeAll(w);
    startWorker(w);
    startWorker(w);
    await sleep(1500); // workers up
    const due = new Date(Date.now() + 1500);
    const visits = await startVisits(w, 8, due);
    await waitFor(() => deliveries(w).size >= visits.length * 3, 12_000);
    await sleep(1000);
    expectEachStepOnce(w, visits);
    // The re-armed timer gives precision: the first push leaves within a second of the due time.
    const first = Math.min(...w.receiver.requests.map((r) => r.at));
    expect(first - due.getTime()).toBeLessThan(1000);
  }, 30_000);
});
