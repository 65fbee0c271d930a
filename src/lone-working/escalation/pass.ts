// One escalation pass: missed check-ins become alerts, and due steps fire, CHUNK alerts to
// a transaction (the store's raiseMissed and fire, fire-store.ts). Every decision is made
// inside one IMMEDIATE transaction against the rows, so a timer, the cron sweep, a restart
// and a second worker process can all call it at once: a step's unique key lets only one
// of them fire it.
//
// A pass is row work only (the scheduler relies on it running to its end each time it is
// due, whatever the channels are doing with sends started earlier); sending is delivery's,
// started as each chunk commits. The pass awaits the store and never holds a transaction.
import type { Deps } from "../../deps.js";
import type { Db } from "../../db/connection.js";
import { oldestQueuedAt, sendNow, sendQueued, type OnClaimed } from "../delivery/index.js";
import { nextWatchedDue } from "../watch/store.js";
import { firingStore, type EngineOptions, type Fired, type PassOptions } from "./fire-store.js";
import type { AlertRow } from "./raise.js";
import { beat, nextAlertAction } from "./store.js";

export { CHUNK, type EngineOptions } from "./fire-store.js";

/** How often a running scheduler beats (SCHEDULER_STALE_SECONDS must be longer). */
export const HEARTBEAT_EVERY_MS = 2000;

/** Say this process is alive (the scheduler calls it every HEARTBEAT_EVERY_MS, and each pass does). */
let lastBeat = 0;
export function heartbeat(deps: Deps, opts: { ifOlderThanMs?: number } = {}): void {
  const now = deps.clock.now();
  if (opts.ifOlderThanMs !== undefined && Math.abs(now.getTime() - lastBeat) < opts.ifOlderThanMs) return;
  lastBeat = now.getTime();
  beat(deps.db, now);
}

const passOptions = (deps: Deps): PassOptions => ({ tz: deps.config.TZ_LOCAL, log: deps.log });

/**
 * Active visits whose check-in is overdue become missed_check_in alerts. With `fire`,
 * each new alert's first step also fires in the same transaction (one commit, not two,
 * before its sends can start).
 */
export async function sweepMissed(deps: Deps, now: Date, opts: { fire?: EngineOptions; claimed?: OnClaimed } = {}): Promise<AlertRow[]> {
  const raised = await firingStore(deps.db).raiseMissed(now, { ...passOptions(deps), fire: opts.fire }, {
    claim: opts.claimed !== undefined,
    committed: (done, claims) => {
      opts.claimed?.(claims); // sends first: a claimed row is ours alone while we live
      published(deps, done.flatMap((d) => (d.fired ? [d.fired] : []))); // a gap alert it raised is due now: advanceDue fires it
    },
  });
  return raised.map((r) => r.alert);
}

/**
 * Fire what is due on these alerts, CHUNK to a transaction. Alerts the firing raised
 * (no manager on duty) are fired straight after, the same way. Returns how many
 * notifications were queued.
 */
export async function advanceMany(deps: Deps, alertIds: string[], now: Date, opts: EngineOptions = {}, claimed?: OnClaimed): Promise<number> {
  let total = 0;
  let ids = alertIds;
  while (ids.length > 0) {
    const gaps: string[] = [];
    await firingStore(deps.db).fire(ids, now, { ...passOptions(deps), ...opts }, {
      claim: claimed !== undefined,
      committed: (fired, claims) => {
        claimed?.(claims); // sends first: a claimed row is ours alone while we live
        for (const f of fired) total += f.queued;
        gaps.push(...published(deps, fired));
      },
    });
    ids = gaps; // a gap alert never raises another (its reason is no_manager_on_duty)
  }
  return total;
}

/** Every alert whose next action is due. */
export async function advanceDue(deps: Deps, now: Date, opts: EngineOptions = {}, claimed?: OnClaimed): Promise<number> {
  return advanceMany(deps, await firingStore(deps.db).dueAlertIds(now), now, opts, claimed);
}

/** Missed check-ins become alerts and due steps fire (no sending: see startSends). */
export async function advance(deps: Deps, opts: EngineOptions = {}, onSends?: (done: Promise<number>) => void): Promise<void> {
  const now = deps.clock.now();
  // With onSends, what a chunk queues is claimed in its transaction and sent as it commits.
  const claimed: OnClaimed | undefined = onSends && ((claims) => claims.length > 0 && onSends(sendNow(deps, claims)));
  await sweepMissed(deps, now, { fire: opts, claimed });
  await advanceDue(deps, now, opts, claimed);
}

/**
 * One pass that also waits for its sends (tests, scripts). The scheduler instead
 * calls advance and startSends without waiting, so sends never delay the ladder.
 */
export async function tick(deps: Deps, opts: EngineOptions = {}): Promise<{ sent: number }> {
  await advance(deps, opts);
  heartbeat(deps, { ifOlderThanMs: 1000 });
  let sent = 0;
  // Keep sending until the queue is empty (a big batch may leave some behind).
  for (let i = 0; i < 10; i++) {
    const n = await sendQueued(deps);
    sent += n;
    if (n === 0) break;
  }
  return { sent };
}

/**
 * Tell the event stream what committed firings did; returns the gap alerts they raised.
 * The events are only hints to the board: a listener that throws is logged, and never
 * stops the pass (claimed sends, gap alerts) that follows.
 */
export function published(deps: Deps, fired: Fired[]): string[] {
  const gaps: string[] = [];
  const publish = (data: Record<string, unknown>) => {
    try {
      deps.events.publish({ type: "alert", data });
    } catch (e) {
      deps.log.error({ err: e, alertId: data.id }, "escalation: a live-board listener failed; escalation goes on");
    }
  };
  for (const f of fired) {
    if (f.queued > 0) publish({ ...f.info, change: "escalated" });
    for (const g of f.gaps) {
      publish({ ...f.info, id: g, reason: "no_manager_on_duty", change: "raised" });
      gaps.push(g);
    }
  }
  return gaps;
}

/** The earliest time anything will next be due (for the precise timer). */
export function nextDueAt(db: Db): Date | null {
  const times = [nextAlertAction(db), nextWatchedDue(db), oldestQueuedAt(db)].filter((t): t is Date => t instanceof Date);
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}
