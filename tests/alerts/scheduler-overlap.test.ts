// A pass awaits its store (issue 10: the store seam is async, so a PostgreSQL adapter can sit
// behind it), which gives timers and the 1 s sweep turns while a pass is under way. The
// scheduler must still run its own passes one at a time, and a pass that falls due during
// one is run once after it, not dropped. Timers are faked (the sweep, the precise timer);
// the store's raiseMissed is held on a gate so the first pass stays open for seconds.
import { afterEach, expect, it, vi } from "vitest";
import { startScheduler, type Scheduler } from "../../src/lone-working/escalation/scheduler.js";
import { firingStore } from "../../src/lone-working/escalation/fire-store.js";
import { escalationSetup } from "./setup.js";

let sched: Scheduler | undefined;
afterEach(() => {
  sched?.stop();
  sched = undefined;
  vi.useRealTimers();
});

it("never runs two passes at once; a pass due while one runs runs once, right after it", async () => {
  const s = await escalationSetup();
  const { deps } = s.e;
  // A missed check-in, so the pass after the held one has real work (its alert and first push).
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "1 Overlap Rd" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(16);

  const store = firingStore(deps.db); // the store built for this connection (storeFor keeps one)
  const raise = store.raiseMissed.bind(store);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let passes = 0;
  let running = 0;
  let most = 0;
  store.raiseMissed = async (...a) => {
    passes++;
    most = Math.max(most, ++running);
    try {
      await gate;
      return await raise(...a);
    } finally {
      running--;
    }
  };

  // performance too: the breather after a pass is twice its measured length, which must not depend on how busy the machine is.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "Date", "performance"] });
  sched = startScheduler(deps, { onDutyAt: s.rota.onDutyAt });
  expect(passes).toBe(1); // the first pass starts at once, and waits on the gate
  for (let i = 0; i < 5; i++) {
    s.e.clock.advance(1000);
    deps.wakeScheduler(); // a write re-arms the timer meanwhile, as a check-in would
    await vi.advanceTimersByTimeAsync(1000); // the sweep comes due every second
  }
  expect(passes).toBe(1); // five sweeps came due: none started a second pass alongside
  expect(s.push.to(s.worker.id)).toHaveLength(0);

  release();
  await vi.advanceTimersByTimeAsync(60); // the held pass ends; the one asked for runs after the breather
  expect(passes).toBe(2); // exactly one more, not one per sweep missed
  expect(most).toBe(1);
  await vi.advanceTimersByTimeAsync(200); // its sends go and their results are recorded
  expect(s.push.to(s.worker.id).length).toBeGreaterThan(0); // the missed check-in was raised and pushed

  // Then the sweep goes on once a second, still one pass at a time.
  const before = passes;
  for (let i = 0; i < 3; i++) {
    s.e.clock.advance(1000);
    await vi.advanceTimersByTimeAsync(1000);
  }
  expect(passes).toBeGreaterThan(before);
  expect(most).toBe(1);
});
