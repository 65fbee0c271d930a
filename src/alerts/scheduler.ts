// The escalation scheduler. Nothing is kept here that a restart would lose: due
// times live in rows, so this only decides WHEN to look. A re-armed timer wakes
// at the next due time (precision); a node-cron sweep every second is the safety
// net (it also picks up alarms raised by a web tier in another process); on start
// everything overdue is processed at once.
import cron from "node-cron";
import type { Deps } from "../deps.js";
import { heartbeat, nextDueAt, tick, type EngineOptions } from "./engine.js";

export interface Scheduler {
  /** Re-read due times now (a write changed them). */
  wake(): void;
  stop(): void;
  /** Resolves when the pass running now (if any) has finished. */
  idle(): Promise<void>;
}

export interface SchedulerOptions extends EngineOptions {
  /** Six fields, seconds first. */
  sweepCron?: string;
}

const MAX_TIMER_MS = 60_000;

export function startScheduler(deps: Deps, opts: SchedulerOptions = {}): Scheduler {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const arm = () => {
    clearTimeout(timer);
    if (stopped) return;
    let ms = MAX_TIMER_MS;
    try {
      const next = nextDueAt(deps.db);
      if (next) ms = Math.min(MAX_TIMER_MS, Math.max(5, next.getTime() - deps.clock.now().getTime()));
    } catch (e) {
      deps.log.error({ err: e }, "escalation: could not read the next due time");
    }
    timer = setTimeout(run, ms);
  };

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await tick(deps, opts);
        } while (again && !stopped);
      } catch (e) {
        deps.log.error({ err: e }, "escalation pass failed; the sweep will try again");
      } finally {
        running = undefined;
        arm();
      }
    })();
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
      if (!running) arm();
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
      while (running) await running;
    },
  };
}
