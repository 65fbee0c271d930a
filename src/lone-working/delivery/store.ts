// Delivery's table: only this file reads or writes `notifications` (the outbox). Other
// stores write it through the tx-level helpers here (enqueue, cancelQueued, markShown),
// inside their own transaction; services use deliveryStore(db)'s async use cases.
//
// The claim is a use case (deliveryStore(db).claim, awaited by startSends). stillToSend stays
// a synchronous, connection-level read: a channel asks stillWanted() synchronously before
// each request. takeClaims/claimable stay as connection-level steps for the claim races'
// tests (two connections reading, then claiming, in an order the test chooses).
import { and, asc, count, eq, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { storeFor, perConnection } from "../../db/store-kit.js";
import { NotFound } from "../../errors.js";
import { alerts, schedulerRuns } from "../escalation/schema.js";
import { notifications, type NotificationPurpose } from "../delivery/schema.js";
import { CHANNELS, channelNamed } from "./channels/index.js";
import { HEARTBEAT_STALE_MS, MAX_ATTEMPTS, RETRY_FAILED_AFTER_MS, RUN_ID } from "./constants.js";
import type { Claimed, NewNotifications, NotificationRow, SendResult } from "./types.js";

/** Delivery's own audit rows are the escalation job's, as they always were. */
/** A connection, or a transaction on it: what a channel reads whom it reaches through (Channel.reaches). */
export type ReadHandle = Db | Tx;

export const DELIVERY_ACTOR: Actor = { type: "system", job: "escalation" };

/** Whether the alert still wants a notification of this purpose (SQL and JS say the same). */
const WANTED_ALERT = sql`(SELECT CASE ${notifications.purpose} WHEN 'ladder' THEN a.status = 'open' WHEN 'reminder' THEN a.status = 'acknowledged' ELSE a.status <> 'resolved' END FROM alerts a WHERE a.id = ${notifications.alertId})`;
/** A row that waits on a push (unless_shown) is not wanted once that push to the same person was shown. */
const PUSH_SEEN = sql`EXISTS (SELECT 1 FROM notifications s WHERE s.alert_id = ${notifications.alertId} AND s.purpose = ${notifications.purpose} AND s.step = ${notifications.step} AND s."repeat" = ${notifications.repeat} AND s.staff_id = ${notifications.staffId} AND s.channel = 'push' AND s.shown_at IS NOT NULL)`;
const WANTED = sql`(${WANTED_ALERT} AND NOT (${notifications.unlessShown} = 1 AND ${PUSH_SEEN}))`;
/** Queued and due: a waiting row (send_after) only once its time has come. */
const DUE = (p: ReturnType<typeof sql.placeholder>) => sql`(${notifications.sendAfter} IS NULL OR ${notifications.sendAfter} <= ${p})`;

/**
 * Delivery's hot statements, drizzle-prepared once per connection (a transaction runs them
 * on its own connection). The two outbox INSERTs in enqueue stay hand-prepared SQL: drizzle's
 * prepared insert measured about twice as slow (1,000 rows in one transaction: ~10 ms against
 * ~5 ms, 2026-12-01), and a burst queues a thousand at once; the reads and UPDATEs measured
 * the same either way.
 */
function build(h: Db | Tx) {
  const db = h as Db;
  const p = (name: string) => sql.placeholder(name);
  return {
    liveRuns: db.select({ id: schedulerRuns.id }).from(schedulerRuns).where(gte(schedulerRuns.heartbeatAt, p("since"))).prepare(),
    any: db
      .select({ id: notifications.id })
      .from(notifications)
      .where(or(and(eq(notifications.status, "queued"), DUE(p("now"))), and(eq(notifications.status, "sending"), or(isNull(notifications.claimedBy), ne(notifications.claimedBy, p("run"))))))
      .limit(1)
      .prepare(),
    // The claim: matches only the state that was read (status and claimant, null-safe) and an alert that still wants it.
    take: db
      .update(notifications)
      .set({ status: "sending", claimedBy: sql`${p("run")}`, claimedAt: sql`${p("at")}`, attempts: sql`${notifications.attempts} + 1` })
      .where(and(eq(notifications.id, p("id")), eq(notifications.status, p("status")), sql`${notifications.claimedBy} IS ${p("by")}`, WANTED))
      .prepare(),
    cancel: db
      .update(notifications)
      .set({ status: "cancelled" })
      .where(and(eq(notifications.id, p("id")), eq(notifications.status, p("status")), sql`${notifications.claimedBy} IS ${p("by")}`, sql`NOT ${WANTED}`))
      .prepare(),
    still: db
      // The same claim, not only this process's: a row cut off at the time limit, failed and
      // claimed again by this process is a new claim (attempts counts claims); the old send stops.
      .select({ ours: sql<number>`${notifications.status} = 'sending' AND ${notifications.claimedBy} = ${p("run")} AND ${notifications.attempts} = ${p("attempts")}`, st: alerts.status })
      .from(notifications)
      .innerJoin(alerts, eq(alerts.id, notifications.alertId))
      .where(eq(notifications.id, p("id")))
      .prepare(),
    // Only while still our claim (it may have been taken back and sent by another process).
    result: db
      .update(notifications)
      .set({ status: sql`${p("status")}`, sentAt: sql`${p("at")}` })
      .where(and(eq(notifications.id, p("id")), eq(notifications.status, "sending"), eq(notifications.claimedBy, p("run"))))
      .prepare(),
    // A channel's delivery receipt (Notify): on a row that was sent (or failed and not yet retried).
    receipt: db
      .update(notifications)
      .set({ status: sql`${p("status")}`, receipt: sql`${p("receipt")}`, receiptAt: sql`${p("at")}`, attempts: sql`CASE WHEN ${p("final")} = 1 THEN ${MAX_ATTEMPTS} ELSE ${notifications.attempts} END` })
      .where(and(eq(notifications.id, p("id")), inArray(notifications.status, ["sent", "failed", "delivered"])))
      .prepare(),
    firings: db
      .select({ step: notifications.step, repeat: notifications.repeat, status: notifications.status, shownAt: notifications.shownAt, receipt: notifications.receipt, receiptAt: notifications.receiptAt })
      .from(notifications)
      .where(and(eq(notifications.alertId, p("alertId")), eq(notifications.purpose, "ladder")))
      .prepare(),
    // A receipt may already have marked it shown: keep that, and say when it was sent.
    resultShown: db
      .update(notifications)
      .set({ sentAt: sql`${p("at")}` })
      .where(and(eq(notifications.id, p("id")), eq(notifications.status, "shown"), isNull(notifications.sentAt)))
      .prepare(),
  };
}
const stmts = perConnection(build);

// ---------------------------------------------------------------------------------------
// The outbox: tx-level helpers for other stores (inside their own write transaction).

/**
 * Queue one notification per person for one alert's step, inside the caller's transaction
 * (a row already queued for the same alert, purpose, step, repeat, person and channel is
 * kept: the unique key). With `claimInto`, the rows are queued already claimed by this
 * process and pushed onto it: the caller checked the alert in this transaction and starts
 * the sends when it commits (no second transaction before a send can leave). Returns how
 * many rows were queued.
 */
export function enqueue(tx: Tx, q: NewNotifications, now: Date, claimInto?: Claimed[]): number {
  const channel = q.channel ?? "push";
  let n = 0;
  for (const staffId of q.staffIds) {
    const id = crypto.randomUUID();
    const after = q.sendAfter?.get(staffId);
    if (after) {
      // Waits its time in the queue, whoever claims (never claimed into this transaction).
      n += prepared(
        tx,
        "INSERT INTO notifications (id, alert_id, purpose, step, \"repeat\", staff_id, channel, status, title, body, created_at, attempts, send_after, unless_shown) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, 0, ?, 1) ON CONFLICT DO NOTHING",
      ).run(id, q.alertId, q.purpose, q.step, q.repeat, staffId, channel, q.title, q.body, now.getTime(), after.getTime()).changes;
      continue;
    }
    if (claimInto) {
      const r = prepared(
        tx,
        "INSERT INTO notifications (id, alert_id, purpose, step, \"repeat\", staff_id, channel, status, title, body, created_at, claimed_at, claimed_by, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING",
      ).run(id, q.alertId, q.purpose, q.step, q.repeat, staffId, channel, q.title, q.body, now.getTime(), now.getTime(), RUN_ID);
      if (r.changes === 0) continue;
      n++;
      claimInto.push({
        n: { id, alertId: q.alertId, purpose: q.purpose, step: q.step, repeat: q.repeat, staffId, channel, status: "sending", title: q.title, body: q.body, createdAt: now, claimedAt: now, claimedBy: RUN_ID, attempts: 1, sentAt: null, shownAt: null, sendAfter: null, unlessShown: false, receipt: null, receiptAt: null },
        visitId: q.visitId ?? null,
        worker: q.workerId ?? null,
      });
      continue;
    }
    const r = prepared(
      tx,
      "INSERT INTO notifications (id, alert_id, purpose, step, \"repeat\", staff_id, channel, status, title, body, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, 0) ON CONFLICT DO NOTHING",
    ).run(id, q.alertId, q.purpose, q.step, q.repeat, staffId, channel, q.title, q.body, now.getTime());
    n += r.changes;
  }
  return n;
}

/** Which of an alert's firings ("step:repeat") reached someone: a device showed a push, or a text was delivered. */
export function shownSteps(tx: Tx | Db, alertId: string): Set<string> {
  return firingOutcomes(tx, alertId).shown;
}

/** Statuses from which a row will never reach its person (a failed one is not retried once its receipt said so). */
const DEAD = new Set(["failed", "no_subscription", "cancelled"]);

/**
 * What each of an alert's firings ("step:repeat") came to: reached someone (a push shown, a
 * text delivered), or dead: every row of it ended where nobody can be reached and at least one
 * channel said so for good (a permanent-failure receipt); then the ladder need not wait out the
 * receipt timeout (deadAt: when the last such word came).
 */
export function firingOutcomes(tx: Tx | Db, alertId: string): { shown: Set<string>; deadAt: Map<string, Date> } {
  const rows = stmts(tx).firings.all({ alertId });
  const by = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.step}:${r.repeat}`;
    const list = by.get(k);
    if (list) list.push(r);
    else by.set(k, [r]);
  }
  const shown = new Set<string>();
  const deadAt = new Map<string, Date>();
  for (const [k, list] of by) {
    if (list.some((r) => r.shownAt || r.status === "delivered")) {
      shown.add(k);
      continue;
    }
    const permanent = list.filter((r) => r.receipt === "permanent-failure" && r.receiptAt);
    if (permanent.length > 0 && list.every((r) => DEAD.has(r.status))) deadAt.set(k, new Date(Math.max(...permanent.map((r) => r.receiptAt!.getTime()))));
  }
  return { shown, deadAt };
}

/**
 * A channel's delivery receipt on a row (Notify's status callback): delivered, or failed with
 * the channel's word kept in `receipt`; `final` (a permanent failure) stops retries of the row.
 * Returns false when the row is not one a receipt can change (queued, cancelled, unknown).
 */
export function markReceipt(tx: Tx, notificationId: string, r: { status: "delivered" | "failed"; receipt: string; final: boolean }, now: Date): boolean {
  return stmts(tx).receipt.run({ id: notificationId, status: r.status, receipt: r.receipt, at: now.getTime(), final: r.final ? 1 : 0 }).changes === 1;
}

/** When the next queued notification may go (the scheduler's timer), or undefined. */
export function oldestQueuedAt(db: Db | Tx): Date | undefined {
  const at = db
    .select({ at: sql<number | null>`min(coalesce(${notifications.sendAfter}, ${notifications.createdAt}))` })
    .from(notifications)
    .where(eq(notifications.status, "queued"))
    .get()?.at;
  return at == null ? undefined : new Date(at);
}

/**
 * Stop an alert's queued sends (acknowledged, resolved, closed by a check-in): rows not yet
 * claimed become cancelled; one already claimed is stopped by the claim's own re-check and
 * the channel's stillWanted. `purpose` limits it (an acknowledgement stops the ladder's
 * sends, not the worker's announcement). Returns how many were cancelled.
 */
export function cancelQueued(tx: Tx, alertId: string, opts: { purpose?: NotificationPurpose } = {}): number {
  return tx
    .update(notifications)
    .set({ status: "cancelled" })
    .where(and(eq(notifications.alertId, alertId), eq(notifications.status, "queued"), opts.purpose ? eq(notifications.purpose, opts.purpose) : undefined))
    .run().changes;
}

/**
 * A device showed a notification (the service worker's receipt): only its recipient may
 * say so (anyone else: not found). Recorded once, with its audit row; a second receipt
 * changes nothing.
 */
export function markShown(tx: Tx, actor: Actor & { type: "staff" }, notificationId: string, now: Date): void {
  const n = tx.select().from(notifications).where(eq(notifications.id, notificationId)).get();
  if (!n || n.staffId !== actor.id) throw new NotFound("notification");
  if (n.shownAt) return;
  tx.update(notifications).set({ status: "shown", shownAt: now }).where(eq(notifications.id, n.id)).run();
  appendAudit(tx, actor, { action: "shown", entity: "notification", entityId: n.id, data: { alertId: n.alertId } }, now);
}

/** Every notification of these alerts (the alert views and cards). */
export function notificationsOf(tx: Tx | Db, alertIds: readonly string[]): NotificationRow[] {
  if (alertIds.length === 0) return [];
  return tx.select().from(notifications).where(inArray(notifications.alertId, [...alertIds])).all();
}

/** The people an alert's ladder was sent to (any channel), but `except` (the worker), each once. */
export function ladderRecipients(tx: Tx | Db, alertId: string, except?: string | null): string[] {
  const rows = tx
    .select({ staffId: notifications.staffId })
    .from(notifications)
    .where(and(eq(notifications.alertId, alertId), eq(notifications.purpose, "ladder"), except ? ne(notifications.staffId, except) : undefined))
    .all();
  return [...new Set(rows.map((r) => r.staffId))];
}

/** How many announcement rows an alert has (each new announcement takes the next repeat). */
export function announcementCount(tx: Tx | Db, alertId: string): number {
  return tx.select({ n: count() }).from(notifications).where(and(eq(notifications.alertId, alertId), eq(notifications.purpose, "announce"))).get()!.n;
}

/**
 * Reach: of these people, who can be reached now by at least one channel (a working push
 * subscription today; a text channel adds a good mobile number). What a person "has" is
 * each channel's business: the ladder, readiness and cards ask this.
 */
export function reachable(tx: Tx | Db, staffIds: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const ch of CHANNELS) {
    const left = staffIds.filter((id) => !out.has(id));
    if (left.length === 0) break;
    for (const id of ch.reaches(tx, left)) out.add(id);
  }
  return out;
}

/** Per channel, which of these people it reaches (readiness shows what each person lacks). */
export function reachByChannel(tx: Tx | Db, staffIds: readonly string[]): Map<string, Set<string>> {
  return new Map(CHANNELS.map((ch) => [ch.name, ch.reaches(tx, staffIds)]));
}

/** Delivery's use cases for services (one transaction or read each). */
export interface DeliveryStore {
  /** Who of these people at least one channel reaches now. */
  reachable(staffIds: readonly string[]): Promise<Set<string>>;
  /** Per channel, whom it reaches. */
  reachByChannel(staffIds: readonly string[]): Promise<Map<string, Set<string>>>;
  /** A shown-receipt from the notification's recipient (see markShown). */
  recordReceipt(actor: Actor & { type: "staff" }, notificationId: string, now: Date): Promise<void>;
  /** Every notification of these alerts. */
  notificationsOf(alertIds: readonly string[]): Promise<NotificationRow[]>;
  /**
   * Record what sends came to, in one transaction with one audit row: only on rows still
   * this process's claim (another may have taken one back and sent it); a receipt that
   * already marked a row shown is kept.
   */
  recordResults(results: SendResult[], at: Date): Promise<void>;
  /** Failed ladder sends of alerts still open go again after a while (the ladder climbs meanwhile). Returns how many. */
  requeueFailed(now: Date): Promise<number>;
  /**
   * Claim up to `limit` rows for this process (see takeClaims): queued rows, and rows left
   * "sending" by a process whose heartbeat stopped; never a live process's claim, nor a row
   * `skip` names (this process is sending it right now). A plain read first (most passes have
   * nothing to send), then one transaction of conditional UPDATEs. Returns the rows claimed.
   */
  claim(now: Date, limit: number, skip: (id: string) => boolean): Promise<Claimed[]>;
}

export const deliveryStore = storeFor<DeliveryStore>((db) => ({
  async reachable(staffIds) {
    return reachable(db, staffIds);
  },
  async reachByChannel(staffIds) {
    return reachByChannel(db, staffIds);
  },
  async recordReceipt(actor, notificationId, now) {
    writeTx(db, (tx) => markShown(tx, actor, notificationId, now));
  },
  async notificationsOf(alertIds) {
    return notificationsOf(db, alertIds);
  },
  async recordResults(results, at) {
    writeTx(db, (tx) => {
      const st = stmts(tx);
      for (const r of results) {
        st.result.run({ status: r.status, at: at.getTime(), id: r.id, run: RUN_ID });
        st.resultShown.run({ at: at.getTime(), id: r.id });
      }
      appendAudit(tx, DELIVERY_ACTOR, { action: "notify", entity: "notifications", entityId: results[0]!.id, data: results }, at);
    });
  },
  async claim(now, limit, skip) {
    if (!anyClaimable(db, now)) return [];
    return claimRows(db, claimable(db, now, limit, skip), now);
  },
  async requeueFailed(now) {
    const ids = failedToRetry(db, now)
      .all()
      .map((r) => r.id);
    if (ids.length === 0) return 0;
    writeTx(db, (tx) => {
      tx.update(notifications).set({ status: "queued" }).where(and(inArray(notifications.id, ids), eq(notifications.status, "failed"))).run();
      appendAudit(tx, DELIVERY_ACTOR, { action: "retry", entity: "notifications", entityId: ids[0]!, data: { ids } }, now);
    });
    return ids.length;
  },
}));

// ---------------------------------------------------------------------------------------
// Claims, results and retries (delivery's own work).

/** Processes whose heartbeat is fresh (this one always counts). */
export function liveRuns(db: Db, now: Date): Set<string> {
  const rows = stmts(db).liveRuns.all({ since: now.getTime() - HEARTBEAT_STALE_MS });
  const live = new Set(rows.map((r) => r.id));
  live.add(RUN_ID);
  return live;
}

/** A cheap read first: most passes have nothing to send. Our own claims are never claimable. */
export function anyClaimable(db: Db, now: Date): boolean {
  return !!stmts(db).any.get({ run: RUN_ID, now: now.getTime() });
}

/** Queued rows that are due and "sending" rows, oldest first, with what their message links to (a plain read). */
export function queuedOrSending(db: Db, limit: number, now: Date): Claimed[] {
  return db
    .select({ n: notifications, visitId: alerts.visitId, worker: alerts.staffId })
    .from(notifications)
    .innerJoin(alerts, eq(alerts.id, notifications.alertId))
    .where(or(and(eq(notifications.status, "queued"), sql`(${notifications.sendAfter} IS NULL OR ${notifications.sendAfter} <= ${now.getTime()})`), eq(notifications.status, "sending")))
    .orderBy(asc(notifications.createdAt))
    .limit(limit)
    .all();
}

/**
 * Claim rows read by readClaimable, each by ONE conditional UPDATE that matches only the
 * state that was read (queued, or the dead process's claim) and an alert that still wants
 * it: of two processes that read the same row, only one UPDATE changes it, and only rows
 * whose UPDATE changed are returned (to send). Rows the alert no longer wants (acknowledged,
 * resolved) are cancelled the same way. One transaction: one fsync for the lot.
 */
export function takeClaims(deps: Deps, rows: Claimed[], now: Date): Claimed[] {
  return claimRows(deps.db, rows, now);
}

/**
 * What this process may claim: queued rows, and rows left "sending" by a process whose
 * heartbeat stopped (killed mid-send). Never a live process's claim, our own included: a
 * row is sent at most once by a live process. A plain read (no write lock).
 */
export function claimable(db: Db, now: Date, limit: number, skip: (id: string) => boolean): Claimed[] {
  const live = liveRuns(db, now);
  // A channel that paces itself (Notify's rate limit) takes only what it can start in time;
  // the rest stay queued for a later pass rather than timing out in its queue.
  const room = new Map<string, number>();
  const fits = (channel: string) => {
    let left = room.get(channel);
    if (left === undefined) room.set(channel, (left = channelNamed(channel)?.capacity?.() ?? Infinity));
    if (left <= 0) return false;
    room.set(channel, left - 1);
    return true;
  };
  return queuedOrSending(db, limit * 2, now)
    .filter((r) => !skip(r.n.id) && (r.n.status === "queued" || !live.has(r.n.claimedBy ?? "")) && fits(r.n.channel))
    .slice(0, limit);
}

function claimRows(db: Db, rows: Claimed[], now: Date): Claimed[] {
  if (rows.length === 0) return [];
  return writeTx(db, (tx) => {
    const { take, cancel } = stmts(tx);
    const send: Claimed[] = [];
    for (const r of rows) {
      const state = { id: r.n.id, status: r.n.status, by: r.n.claimedBy };
      if (take.run({ ...state, run: RUN_ID, at: now.getTime() }).changes === 1) {
        send.push({ ...r, n: { ...r.n, status: "sending", claimedBy: RUN_ID, claimedAt: now, attempts: r.n.attempts + 1 } });
      } else {
        cancel.run(state);
      }
    }
    return send;
  });
}

/**
 * Whether a claimed row should still go: still our claim (another process takes it back
 * only when our heartbeat looked dead, e.g. a stalled event loop) and still wanted by its
 * alert. One prepared read: a channel asks before every request.
 */
export function stillToSend(db: Db, n: NotificationRow): { ours: boolean; wanted: boolean } {
  const r = stmts(db).still.get({ run: RUN_ID, id: n.id, attempts: n.attempts });
  if (!r?.ours) return { ours: false, wanted: false };
  return { ours: true, wanted: n.purpose === "ladder" ? r.st === "open" : n.purpose === "reminder" ? r.st === "acknowledged" : r.st !== "resolved" };
}

/**
 * Failed ladder sends of open alerts due another try. Driven from the few open alerts
 * (alerts_due_idx, then notifications_once by alert): the unary + keeps SQLite off the
 * status index, which would walk every failed send in history on each idle pass.
 */
export function failedToRetry(db: Db, now: Date) {
  return db
    .select({ id: notifications.id })
    .from(alerts)
    .innerJoin(notifications, eq(notifications.alertId, alerts.id))
    .where(
      and(
        eq(alerts.status, "open"),
        sql`+${notifications.status} = 'failed'`,
        eq(notifications.purpose, "ladder"),
        lt(notifications.attempts, MAX_ATTEMPTS),
        lte(notifications.sentAt, new Date(now.getTime() - RETRY_FAILED_AFTER_MS)),
      ),
    )
    .limit(500);
}
