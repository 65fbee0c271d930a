// One escalation pass: missed check-ins become alerts, and due steps fire, CHUNK alerts to
// a transaction (escalation/store.ts inChunks). Every decision is made inside one IMMEDIATE
// transaction against the rows, so a timer, the cron sweep, a restart and a second worker
// process can all call it at once: a step's unique key lets only one of them fire it.
//
// A pass is synchronous row work (the scheduler relies on it running to its end each time
// it is due, whatever the channels are doing with sends started earlier); sending is
// delivery's, started as each chunk commits.
import type { Deps } from "../../deps.js";
import type { Db, Tx } from "../../db/connection.js";
import { oldestQueuedAt, sendNow, sendQueued, type OnClaimed } from "../delivery/index.js";
import { nextWatchedDue, markOverdue, overdueVisits, watchState } from "../watch/store.js";
import { ChunkCtx, fireDue, published, type EngineOptions, type Fired } from "./fire.js";
import type { AlertRow } from "./raise.js";
import { alertIdByTrigger, beat, dueAlertIds, inChunks, nextAlertAction, raiseAlert } from "./store.js";

export type { EngineOptions } from "./fire.js";

/** Alerts raised, or alerts advanced, per transaction: one fsync for the lot. */
export const CHUNK = 200;

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

/**
 * Run `work` for each item, CHUNK items to one transaction, each in its own savepoint: one
 * that throws rolls back alone (its claimed sends forgotten with it) and is logged, and the
 * others in its chunk still commit. `committed` gets each chunk's results and the sends
 * claimed in it when `claiming` (the scheduler starts them at once, before the next chunk).
 */
function chunked<I, R>(deps: Deps, items: I[], what: string, work: (tx: Tx, item: I, chunk: ChunkCtx) => R, committed?: (results: R[], claims: ChunkCtx["claims"]) => void, claiming = false): R[] {
  return inChunks(
    deps.db,
    items,
    CHUNK,
    (tx) => new ChunkCtx(deps, tx, claiming),
    (tx, item, ctx) => {
      ctx.mark = ctx.claims.length;
      return work(tx, item, ctx);
    },
    {
      failed: (e, item, ctx) => {
        ctx.claims.length = ctx.mark; // its rows are gone with the savepoint
        deps.log.error({ err: e, item }, `escalation: ${what} failed for one alert; the others go on`);
      },
      committed: committed && ((results, ctx) => committed(results, ctx.claims)),
    },
  );
}

/**
 * Active visits whose check-in is overdue become missed_check_in alerts. With `fire`,
 * each new alert's first step also fires in the same transaction (one commit, not two,
 * before its sends can start).
 */
export function sweepMissed(deps: Deps, now: Date, opts: { fire?: EngineOptions; claimed?: OnClaimed } = {}): AlertRow[] {
  const due = overdueVisits(deps.db, now, 1000);
  const raised = chunked(deps, due, "raising a missed check-in", (tx, id, chunk): { alert: AlertRow | null; fired?: Fired } => {
    // Checked again inside the transaction: a check-in may have landed since the read.
    const v = watchState(tx, id);
    if (!v || v.status !== "active" || v.overdueAlertId || v.due > now.getTime()) return { alert: null };
    const triggerKey = `missed:${v.id}:${v.due}`;
    const alert = raiseAlert(tx, { reason: "missed_check_in", triggerKey, visitId: v.id, staffId: v.staffId, baseAt: new Date(v.due), policy: chunk.policy() }, now);
    markOverdue(tx, v.id, alert?.id ?? alertIdByTrigger(tx, triggerKey) ?? null);
    return { alert, fired: alert && opts.fire ? fireDue(deps, tx, alert.id, now, chunk, opts.fire) : undefined };
  }, (done, claims) => {
    opts.claimed?.(claims); // sends first: a claimed row is ours alone while we live
    published(deps, done.flatMap((d) => (d.fired ? [d.fired] : []))); // a gap alert it raised is due now: advanceDue fires it
  }, opts.fire !== undefined && opts.claimed !== undefined);
  return raised.flatMap((r) => (r.alert ? [r.alert] : []));
}

/**
 * Fire what is due on these alerts, CHUNK to a transaction. Alerts the firing raised
 * (no manager on duty) are fired straight after, the same way. Returns how many
 * notifications were queued.
 */
export function advanceMany(deps: Deps, alertIds: string[], now: Date, opts: EngineOptions = {}, claimed?: OnClaimed): number {
  let total = 0;
  let ids = alertIds;
  while (ids.length > 0) {
    const gaps: string[] = [];
    chunked(deps, ids, "firing a due step", (tx, id, chunk) => fireDue(deps, tx, id, now, chunk, opts), (fired, claims) => {
      claimed?.(claims); // sends first: a claimed row is ours alone while we live
      for (const f of fired) total += f.queued;
      gaps.push(...published(deps, fired));
    }, claimed !== undefined);
    ids = gaps; // a gap alert never raises another (its reason is no_manager_on_duty)
  }
  return total;
}

/** Every alert whose next action is due. */
export function advanceDue(deps: Deps, now: Date, opts: EngineOptions = {}, claimed?: OnClaimed): number {
  return advanceMany(deps, dueAlertIds(deps.db, now, 1000), now, opts, claimed);
}

/** Missed check-ins become alerts and due steps fire (no sending: see startSends). */
export function advance(deps: Deps, opts: EngineOptions = {}, onSends?: (done: Promise<number>) => void): void {
  const now = deps.clock.now();
  // With onSends, what a chunk queues is claimed in its transaction and sent as it commits.
  const claimed: OnClaimed | undefined = onSends && ((claims) => claims.length > 0 && onSends(sendNow(deps, claims)));
  sweepMissed(deps, now, { fire: opts, claimed });
  advanceDue(deps, now, opts, claimed);
  // After the work, not before: a beat says passes complete (a standby and /readyz trust it).
  heartbeat(deps, { ifOlderThanMs: 1000 });
}

/**
 * One pass that also waits for its sends (tests, scripts). The scheduler instead
 * calls advance and startSends without waiting, so sends never delay the ladder.
 */
export async function tick(deps: Deps, opts: EngineOptions = {}): Promise<{ sent: number }> {
  advance(deps, opts);
  let sent = 0;
  // Keep sending until the queue is empty (a big batch may leave some behind).
  for (let i = 0; i < 10; i++) {
    const n = await sendQueued(deps);
    sent += n;
    if (n === 0) break;
  }
  return { sent };
}

/** The earliest time anything will next be due (for the precise timer). */
export function nextDueAt(db: Db): Date | null {
  const times = [nextAlertAction(db), nextWatchedDue(db), oldestQueuedAt(db)].filter((t): t is Date => t instanceof Date);
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}
