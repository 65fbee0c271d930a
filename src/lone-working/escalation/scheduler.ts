// The escalation scheduler. Nothing is kept here that a restart would lose: due
// times live in rows, so this only decides WHEN to look. A re-armed timer wakes
// at the next due time (precision); a node-cron sweep every second is the safety
// net (it also picks up alarms raised by a web tier in another process); on start
// everything overdue is processed at once. A web tier that leaves escalation to a
// worker runs a standby that takes over when the worker's heartbeat stops.
import cron from "node-cron";
import type { Deps } from "../../deps.js";
import { HEARTBEAT_STALE_MS, startSends, writeUnrecorded } from "../delivery/index.js";
import { advance, heartbeat, HEARTBEAT_EVERY_MS, nextDueAt, type EngineOptions } from "./pass.js";
import { newestHeartbeat } from "./store.js";

export interface Scheduler {
  /** Re-read due times now (a write changed them). */
  wake(): void;
  stop(): void;
  /** Resolves when the pass under way, and the sends started so far, have finished (results recorded). */
  idle(): Promise<void>;
}

export interface SchedulerOptions extends EngineOptions {
  /** Six fields, seconds first. */
  sweepCron?: string;
}

const MAX_TIMER_MS = 60_000;
/**
 * After a pass that took t ms, the next waits at least min(t, this): back-to-back passes in
 * a burst would leave the event loop no turns to encrypt and send what the previous passes
 * queued (the sender works a few messages per turn).
 */
const MAX_BREATHER_MS = 50;
/**
 * The interval beats only while a pass has completed within this: a process whose passes
 * all fail (a schema it does not match, a disk that takes a small update but not a chunk)
 * must look dead, so a standby web tier takes over and /readyz says no scheduler is alive.
 */
export const PASS_STALE_MS = HEARTBEAT_STALE_MS / 2;

export function startScheduler(deps: Deps, opts: SchedulerOptions = {}): Scheduler {
  let stopped = false;
  /** The pass running now, if any: this scheduler never runs two of its passes at once. */
  let passing: Promise<void> | undefined;
  /** Something fell due (the timer, the sweep) while a pass ran: run one more after it. */
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPassMs = 0;
  /** When a pass last ran to its end (deps.clock); passes come at least every second. */
  let lastPassOkAt = deps.clock.now().getTime();
  let saidFailing = false;
  /** Sends started by passes and not yet recorded; passes never wait for them. */
  const sends = new Set<Promise<unknown>>();

  /** Re-arm the precise timer: at the next due time, or (dueNow) as soon as the breather allows. */
  const arm = (dueNow = false) => {
    clearTimeout(timer);
    if (stopped) return;
    let ms = MAX_TIMER_MS;
    const breather = Math.max(5, Math.min(2 * lastPassMs, MAX_BREATHER_MS));
    try {
      const next = dueNow ? deps.clock.now() : nextDueAt(deps.db);
      if (next) ms = Math.min(MAX_TIMER_MS, Math.max(breather, next.getTime() - deps.clock.now().getTime()));
    } catch (e) {
      deps.log.error({ err: e }, "escalation: could not read the next due time");
    }
    timer = setTimeout(run, ms);
  };

  const track = (done: Promise<number>) => {
    const p: Promise<unknown> = done
      .catch((e) => deps.log.error({ err: e }, "escalation: recording send results failed; the rows are taken back later"))
      .finally(() => sends.delete(p));
    sends.add(p);
  };

  /** Start sending what is queued; a full batch means more waits, so claim again. */
  async function dispatch(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const { claimed, done } = await startSends(deps);
      if (claimed === 0) return;
      track(done);
      if (claimed < 2000) return;
    }
  }

  /** One pass: row work only. It runs to the end, whatever the push services are doing with sends started earlier. */
  async function pass(): Promise<void> {
    const t0 = performance.now();
    try {
      // What each chunk queues is claimed in its own transaction and starts sending as it
      // commits; dispatch then picks up anything else queued (retries, other processes' rows).
      await advance(deps, opts, track);
      await dispatch();
      // After all of it, not before: a beat says passes complete, failed sends queued again
      // included (a standby and /readyz trust it).
      heartbeat(deps, { ifOlderThanMs: 1000 });
      lastPassOkAt = deps.clock.now().getTime();
      saidFailing = false;
    } catch (e) {
      deps.log.error({ err: e }, "escalation pass failed; the sweep will try again");
    } finally {
      lastPassMs = performance.now() - t0;
    }
  }

  // Passes run one at a time: a timer or sweep that comes due while one runs is not dropped,
  // it asks for one more pass, which starts after this one ends (after the breather).
  function run(): void {
    if (stopped) return;
    if (passing) {
      again = true;
      return;
    }
    again = false;
    passing = pass().finally(() => {
      passing = undefined;
      arm(again);
      again = false;
    });
  }

  // Beats between passes (sends in flight stay ours), but only while passes complete.
  const beat = setInterval(() => {
    try {
      if (Math.abs(deps.clock.now().getTime() - lastPassOkAt) > PASS_STALE_MS) {
        if (!saidFailing) deps.log.error({ sinceMs: deps.clock.now().getTime() - lastPassOkAt }, "escalation passes keep failing: this process stops beating, so a standby takes over");
        saidFailing = true;
        return;
      }
      heartbeat(deps);
    } catch (e) {
      deps.log.warn({ err: e }, "escalation heartbeat failed");
    }
  }, HEARTBEAT_EVERY_MS);
  const sweep = cron.schedule(opts.sweepCron ?? "* * * * * *", () => run(), { name: "escalation-sweep", noOverlap: true });
  // Registered before the first pass claims anything: a claim whose maker has no fresh
  // beat looks dead to other processes, which would take it back and send it again.
  try {
    heartbeat(deps);
  } catch (e) {
    deps.log.warn({ err: e }, "escalation heartbeat failed");
  }
  run();
  deps.log.info("escalation scheduler started");
  // A write changed due times: re-arm the timer after the response (a few cheap reads),
  // and it runs a pass when something is due. Never a whole pass inside a request.
  let wakePending = false;
  const wake = () => {
    if (wakePending || stopped) return;
    wakePending = true;
    setImmediate(() => {
      wakePending = false;
      arm();
    });
  };
  return {
    wake,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(beat);
      void sweep.stop();
      void sweep.destroy();
    },
    idle: async () => {
      await passing; // a pass under way ends first (it may start sends)
      while (sends.size > 0) await Promise.allSettled([...sends]);
      writeUnrecorded(deps); // a last try for results the database refused earlier
    },
  };
}

export interface Standby extends Scheduler {
  /** Whether this process has taken over escalation. */
  running(): boolean;
  /** Look at the heartbeats now (the timer does this every second). */
  check(): void;
}

/**
 * For a web tier with RUN_SCHEDULER=false: watch the schedulers' heartbeats and, when none
 * has beaten for `staleMs` (the worker was killed, or never started), start escalation in
 * this process. Once taken over it keeps running even when a worker comes back: two
 * schedulers are safe (each step's unique key and the conditional claims let only one fire
 * or send anything), and stepping down would open a gap whenever the worker flaps.
 */
export function startStandby(deps: Deps, opts: SchedulerOptions & { staleMs: number; checkMs?: number }): Standby {
  const since = deps.clock.now().getTime(); // a worker starting alongside gets one window to beat
  let scheduler: Scheduler | undefined;
  let stopped = false;
  const check = () => {
    if (stopped || scheduler) return;
    try {
      const last = newestHeartbeat(deps.db, { exceptThisProcess: true })?.getTime() ?? 0;
      const silentMs = deps.clock.now().getTime() - Math.max(last, since);
      if (silentMs <= opts.staleMs) return;
      deps.log.warn(
        { silentSeconds: Math.round(silentMs / 1000), lastHeartbeat: last ? new Date(last).toISOString() : null },
        "escalation: no live scheduler (worker) heartbeat; this web process takes over running escalation",
      );
      scheduler = startScheduler(deps, opts);
      clearInterval(timer);
    } catch (e) {
      deps.log.error({ err: e }, "escalation standby: could not read the schedulers' heartbeats");
    }
  };
  const timer = setInterval(check, opts.checkMs ?? 1000);
  timer.unref();
  return {
    check,
    running: () => !!scheduler,
    wake: () => scheduler?.wake(),
    stop() {
      stopped = true;
      clearInterval(timer);
      scheduler?.stop();
    },
    idle: async () => {
      await scheduler?.idle();
    },
  };
}
