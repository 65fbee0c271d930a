// Issue 9 "the separate worker dies and nothing notices": a web tier with
// RUN_SCHEDULER=false watches the schedulers' heartbeats, takes over escalation when
// none beats within SCHEDULER_STALE_SECONDS (logged), and readiness says when no
// scheduler is alive. In process with a fake clock first, then the real processes.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { startStandby, type Standby } from "../../src/lone-working/escalation/scheduler.js";
import { RUN_ID } from "../../src/lone-working/delivery/index.js";
import { schedulerRuns } from "../../src/lone-working/escalation/schema.js";
import { loggedApp } from "./support.js";
import { api, cleanup, kill9, makeWorld, sleep, startServer, startWorker, subscribeAll, type World } from "../crash/harness.js";
import { decryptFor } from "../push/push-receiver.js";

let standby: Standby | undefined;
let world: World | undefined;
afterEach(async () => {
  standby?.stop();
  await standby?.idle();
  standby = undefined;
  if (world) await cleanup(world);
  world = undefined;
});

describe("standby in the web tier", () => {
  it("stays idle while a worker beats; takes over (and logs it) once no beat is seen for the window", async () => {
    const { deps, clock, lines, anon } = loggedApp();
    const staleMs = deps.config.SCHEDULER_STALE_SECONDS * 1000;
    const beat = () => deps.db.insert(schedulerRuns).values({ id: "worker", pid: 1, startedAt: clock.now(), heartbeatAt: clock.now() }).onConflictDoUpdate({ target: schedulerRuns.id, set: { heartbeatAt: clock.now() } }).run();
    beat();
    standby = startStandby(deps, { staleMs, checkMs: 3_600_000 });
    for (let i = 0; i < 5; i++) {
      clock.advance(staleMs - 1000);
      standby.check();
      expect(standby.running()).toBe(false);
      beat(); // the worker beats every 2 s; here, just within the window each time
    }
    expect((await anon.get("/readyz")).status).toBe(200);
    // kill -9 the worker: its row stays, its heartbeat stops.
    clock.advance(staleMs + 1000);
    const down = await anon.get("/readyz");
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: "unavailable", checks: { scheduler: `no live scheduler for ${deps.config.SCHEDULER_STALE_SECONDS + 1} s` } });
    standby.check();
    expect(standby.running()).toBe(true);
    expect(lines.some((l) => /takes over running escalation/.test(l) && /"level":40/.test(l))).toBe(true);
    // This process now beats itself, so it is ready again.
    expect(deps.db.select().from(schedulerRuns).where(eq(schedulerRuns.id, RUN_ID)).get()).toBeDefined();
    expect((await anon.get("/readyz")).status).toBe(200);
    // The worker coming back changes nothing here: both run (the database keeps sends once-only).
    beat();
    standby.check();
    expect(standby.running()).toBe(true);
  });

  it("gives a worker starting alongside one window; a worker that stopped cleanly is taken over at once", async () => {
    const { deps, clock } = loggedApp();
    const staleMs = deps.config.SCHEDULER_STALE_SECONDS * 1000;
    standby = startStandby(deps, { staleMs, checkMs: 3_600_000 });
    standby.check();
    expect(standby.running()).toBe(false); // no worker yet, but it may be starting
    clock.advance(staleMs + 1);
    standby.check();
    expect(standby.running()).toBe(true);
    standby.stop();

    const second = loggedApp();
    second.deps.db.insert(schedulerRuns).values({ id: "worker", pid: 1, startedAt: second.clock.now(), heartbeatAt: second.clock.now() }).run();
    second.clock.advance(staleMs * 10);
    // A web tier that has been up a while, and a worker that retired its heartbeat on SIGTERM.
    standby = startStandby(second.deps, { staleMs, checkMs: 3_600_000 });
    second.clock.advance(staleMs + 1);
    second.deps.db.update(schedulerRuns).set({ heartbeatAt: second.clock.now() }).where(eq(schedulerRuns.id, "worker")).run();
    standby.check();
    expect(standby.running()).toBe(false);
    second.deps.db.update(schedulerRuns).set({ heartbeatAt: new Date(0) }).where(eq(schedulerRuns.id, "worker")).run(); // what retireHeartbeat writes
    standby.check();
    expect(standby.running()).toBe(true);
  });
});

describe("the real processes", () => {
  it("web tier with RUN_SCHEDULER=false and a worker; kill -9 the worker; a panic raised afterwards reaches the manager on duty within 15 s", async () => {
    const w = (world = await makeWorld([
      { afterSeconds: 0, notify: "worker" },
      { afterSeconds: 60, notify: "duty_manager" },
      { afterSeconds: 120, notify: "senior", repeatEverySeconds: 60 },
    ]));
    // The shipped defaults (SCHEDULER_STALE_SECONDS=6): nothing shortened for the test.
    await startServer(w, { RUN_SCHEDULER: "false" });
    await subscribeAll(w);
    const worker = startWorker(w);
    const ready = async () => {
      const r = await fetch(`${w.url}/readyz`);
      return { status: r.status, body: (await r.json()) as { checks: Record<string, string> } };
    };
    const deadline = Date.now() + 20_000;
    while ((await ready()).status !== 200 && Date.now() < deadline) await sleep(200);
    expect((await ready()).status).toBe(200); // the worker beats

    const visit = await api(w, w.worker, "POST", "/api/visits", { purpose: "mha_assessment", location: { address: "9 Takeover Way" }, expectedEnd: new Date(Date.now() + 3600_000).toISOString() });
    expect(visit.status).toBe(201);
    await kill9(worker);
    const t0 = Date.now();
    const alarm = await api(w, w.worker, "POST", `/api/visits/${visit.body.id}/alarm`, {});
    expect(alarm.status).toBe(201);
    const alertId = alarm.body.alertId as string;
    const toManager = () =>
      w.receiver.requests.find((r) => {
        if (!r.path.endsWith("/manager")) return false;
        return decryptFor(r.path, r.body)?.alertId === alertId;
      });
    while (!toManager() && Date.now() - t0 < 15_000) await sleep(100);
    const hit = toManager();
    expect(hit, "the manager's phone got the panic").toBeDefined();
    expect(hit!.at - t0).toBeLessThan(15_000);
    expect((await ready()).status).toBe(200); // the web tier beats now
  }, 60_000);
});
