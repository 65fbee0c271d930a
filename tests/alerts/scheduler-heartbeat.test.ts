// Outside review of issue 9's takeover: a scheduler's heartbeat is what a standby web tier
// and /readyz trust, so it must mean "escalation passes are completing", not only "the
// process is up". Timers are faked (the scheduler's interval and sweep), time is the FakeClock.
import { afterEach, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { startScheduler, type Scheduler } from "../../src/lone-working/escalation/scheduler.js";
import { RUN_ID, deliveryStore } from "../../src/lone-working/delivery/index.js";
import { schedulerRuns } from "../../src/lone-working/escalation/schema.js";
import { readinessChecks } from "../../src/http/health.js";
import { escalationSetup } from "./setup.js";

let sched: Scheduler | undefined;
afterEach(() => {
  sched?.stop();
  sched = undefined;
  vi.useRealTimers();
});

it("a scheduler whose passes keep failing stops beating (readiness says so, a standby takes over); it beats again once they complete", async () => {
  const s = await escalationSetup();
  const { deps } = s.e;
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  // Each pass starts with a drizzle read of the visits (the sweep): count those reads.
  let reads = 0;
  const select = deps.db.select.bind(deps.db);
  deps.db.select = ((...a: Parameters<typeof select>) => (reads++, select(...a))) as typeof select;
  sched = startScheduler(deps, { onDutyAt: s.rota.onDutyAt });
  const atStart = reads;
  const beatAt = () => deps.db.select().from(schedulerRuns).where(eq(schedulerRuns.id, RUN_ID)).get()?.heartbeatAt.getTime();
  const seconds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      s.e.clock.advance(1000);
      await vi.advanceTimersByTimeAsync(1000);
    }
  };
  await seconds(3);
  expect(reads).toBeGreaterThan(atStart); // the sweep really runs under the faked timers
  expect(beatAt()).toBeGreaterThan(s.e.clock.now().getTime() - 3000);
  expect(readinessChecks(deps).checks.scheduler).toBe("ok");

  // Every pass now fails outside any one alert (as a schema the code does not match would).
  deps.db.$client.exec("ALTER TABLE visits RENAME TO visits_gone");
  await seconds(20);
  expect(beatAt()).toBeLessThan(s.e.clock.now().getTime() - deps.config.SCHEDULER_STALE_SECONDS * 1000);
  expect(readinessChecks(deps).checks.scheduler).toMatch(/^no live scheduler/);

  deps.db.$client.exec("ALTER TABLE visits_gone RENAME TO visits");
  await seconds(3);
  expect(beatAt()).toBeGreaterThan(s.e.clock.now().getTime() - 3000);
  expect(readinessChecks(deps).checks.scheduler).toBe("ok");
});

it("a pass whose failed sends cannot be queued again fails (no beat), instead of leaving them never retried", async () => {
  const s = await escalationSetup();
  const { deps } = s.e;
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  sched = startScheduler(deps, { onDutyAt: s.rota.onDutyAt });
  const beatAt = () => deps.db.select().from(schedulerRuns).where(eq(schedulerRuns.id, RUN_ID)).get()?.heartbeatAt.getTime();
  const seconds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      s.e.clock.advance(1000);
      await vi.advanceTimersByTimeAsync(1000);
    }
  };
  await seconds(3);
  expect(readinessChecks(deps).checks.scheduler).toBe("ok");
  const requeue = vi.spyOn(deliveryStore(deps.db), "requeueFailed").mockRejectedValue(new Error("disk I/O error"));
  await seconds(20);
  expect(requeue).toHaveBeenCalled();
  expect(beatAt()).toBeLessThan(s.e.clock.now().getTime() - deps.config.SCHEDULER_STALE_SECONDS * 1000);
  expect(readinessChecks(deps).checks.scheduler).toMatch(/^no live scheduler/);
  requeue.mockRestore();
  await seconds(3);
  expect(readinessChecks(deps).checks.scheduler).toBe("ok");
});
