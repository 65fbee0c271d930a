// The escalation scheduler. Nothing is kept here that a restart would lose: due
// times live in rows, so this only decides WHEN to look. A re-armed timer wakes
// at the next due time (precision); a node-cron sweep every second is the safety
// net (it also picks up alarms raised by a web tier in another process); on start
// everything overdue is processed at once.
import cron from "node-cron";
import type { Deps } from "../deps.js";
import { advance, heartbeat, nextDueAt, startSends, type EngineOptions } from "./engine.js";

export interface Scheduler {
  /** Re-read due times now (a write changed them). */
  wake(): void;
  stop(): void;
  /** Resolves when the sends started so far have finished (their results recorded). */
  idle(): Promise<void>;
}

export interface SchedulerOptions extends EngineOptions {
  /** Six fields, seconds first. */
  sweepCron?: string;
}

const MAX_TIMER_MS = 60_000;
/**
 * After a pass that took t ms, the next waits at least min(t, this): a pass is synchronous,
 * and back-to-back passes in a burst would leave the event loop no turns to encrypt and
 * send what the previous passes queued (the sender works a few messages per turn).
 */
const MAX_BREATHER_MS = 50;

export function startScheduler(deps: Deps, opts: SchedulerOptions = {}): Scheduler {
  let stopped = false;
  let passing = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPassMs = 0;
  /** Sends started by passes and not yet recorded; passes never wait for them. */
  const sends = new Set<Promise<unknown>>();

  const arm = () => {
    clearTimeout(timer);
    if (stopped) return;
    let ms = MAX_TIMER_MS;
    try {
      const next = nextDueAt(deps.db);
      if (next) ms = Math.min(MAX_TIMER_MS, Math.max(5, Math.min(2 * lastPassMs, MAX_BREATHER_MS), next.getTime() - deps.clock.now().getTime()));
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
  function dispatch(): void {
    for (let i = 0; i < 10; i++) {
      const { claimed, done } = startSends(deps);
      if (claimed === 0) return;
      track(done);
      if (claimed < 2000) return;
    }
  }

  // A pass is synchronous (row work only): it runs to the end, every time it is due,
  // whatever the push services are doing with sends started earlier.
  function run(): void {
    if (stopped || passing) return;
    passing = true;
    const t0 = performance.now();
    try {
      // What each chunk queues is claimed in its own transaction and starts sending as it
      // commits; dispatch then picks up anything else queued (retries, other processes' rows).
      advance(deps, opts, track);
      dispatch();
    } catch (e) {
      deps.log.error({ err: e }, "escalation pass failed; the sweep will try again");
    } finally {
      passing = false;
      lastPassMs = performance.now() - t0;
      arm();
    }
  }

  // Beats even while a pass waits on slow push services, so no one takes its sends for dead.
  const beat = setInterval(() => {
    try {
      heartbeat(deps);
    } catch (e) {
      deps.log.warn({ err: e }, "escalation heartbeat failed");
    }
  }, 2000);
  const sweep = cron.schedule(opts.sweepCron ?? "* * * * * *", () => run(), { name: "escalation-sweep", noOverlap: true });
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
      while (sends.size > 0) await Promise.allSettled([...sends]);
    },
  };
}
