// What people do to alerts: acknowledge, resolve, report a shown notification,
// and what a worker's sign of life does to an alert already climbing.
import { and, desc, eq, inArray, ne, count, sql } from "drizzle-orm";
import type { Deps, CurrentUser } from "../../deps.js";
import { writeTx, type Tx } from "../../db/connection.js";
import { type Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { Conflict, Forbidden, InvalidInput, NotFound } from "../../errors.js";
import { alerts, notifications, type AlertStatus } from "./schema.js";
import { visits } from "../visits/schema.js";
import { nextDue } from "../watch/due.js";
import { alarmCards, peopleOf, type AlarmCard } from "./card.js";
import { ALERT_RESPONDERS, hasAny } from "../../staff/roles.js";

/** Sees every alert and visit (src/staff/roles.ts). */
export const isManager = (u: CurrentUser) => hasAny(u, ALERT_RESPONDERS);

/**
 * What the worker an alert is about may see of it: their own panic and missed check-ins.
 * Never a duress alarm, nor what follows from one (a no_manager_on_duty gap it raised),
 * since someone may be looking at their phone.
 */
export const workerMaySee = (reason: string | undefined) => reason === "missed_check_in" || reason === "panic";

type AlertRow = typeof alerts.$inferSelect;

export interface AlertView {
  id: string;
  visitId: string | null;
  staffId: string | null;
  parentAlertId: string | null;
  reason: AlertRow["reason"];
  status: AlertStatus;
  step: number;
  raisedAt: string;
  dueAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  outcome?: string;
  workerCheckedInAt?: string;
  /** Who acknowledged it, by name (the worker's visit page says who is dealing with it). */
  acknowledgedByName?: string;
  notifications: { id: string; staffId: string; channel: string; status: string; step: number; repeat: number; purpose: string; sentAt: string | null; shownAt: string | null }[];
}

/** What managers get: the alert and its card (see card.ts). */
export type ManagerAlertView = AlertView & AlarmCard;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

export function alertViews(deps: Deps, rows: AlertRow[]): AlertView[];
export function alertViews(deps: Deps, rows: AlertRow[], opts: { card: true }): ManagerAlertView[];
/** With `card`, each alert carries its card: for managers only, never for the worker's own view. */
export function alertViews(deps: Deps, rows: AlertRow[], opts: { card?: boolean } = {}): AlertView[] {
  if (rows.length === 0) return [];
  const notes = deps.db.select().from(notifications).where(inArray(notifications.alertId, rows.map((r) => r.id))).all();
  const ackers = peopleOf(deps.db, rows.flatMap((a) => (a.acknowledgedBy ? [a.acknowledgedBy] : [])));
  const cards = opts.card ? alarmCards(deps.db, rows, notes) : undefined;
  return rows.map((a) => ({
    id: a.id,
    visitId: a.visitId,
    staffId: a.staffId,
    parentAlertId: a.parentAlertId,
    reason: a.reason,
    status: a.status,
    step: a.step,
    raisedAt: a.raisedAt.toISOString(),
    dueAt: a.baseAt.toISOString(),
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy ?? undefined,
    resolvedAt: iso(a.resolvedAt),
    resolvedBy: a.resolvedBy ?? undefined,
    outcome: a.outcome ?? undefined,
    workerCheckedInAt: iso(a.workerCheckedInAt),
    acknowledgedByName: a.acknowledgedBy ? ackers.get(a.acknowledgedBy)?.name : undefined,
    ...cards?.get(a.id),
    notifications: notes
      .filter((n) => n.alertId === a.id)
      .map((n) => ({ id: n.id, staffId: n.staffId, channel: n.channel, status: n.status, step: n.step, repeat: n.repeat, purpose: n.purpose, sentAt: n.sentAt?.toISOString() ?? null, shownAt: n.shownAt?.toISOString() ?? null })),
  }));
}

/** Alerts a manager may see: all except a duress alarm about themselves. */
export function listAlerts(deps: Deps, user: CurrentUser, status?: AlertStatus): ManagerAlertView[] {
  const rows = deps.db
    .select()
    .from(alerts)
    .where(status ? eq(alerts.status, status) : undefined)
    .orderBy(desc(alerts.raisedAt))
    .limit(500)
    .all()
    .filter((a) => a.staffId !== user.id || workerMaySee(a.reason));
  return alertViews(deps, rows, { card: true });
}

function loadForManager(tx: Tx, id: string, user: CurrentUser): AlertRow {
  const a = tx.select().from(alerts).where(eq(alerts.id, id)).get();
  if (!a || (a.staffId === user.id && !workerMaySee(a.reason))) throw new NotFound("alert");
  if (a.staffId === user.id) throw new Forbidden("You cannot acknowledge or resolve an alert about yourself.");
  return a;
}

/**
 * The acknowledgement itself: one UPDATE that changes the row only while it is still open,
 * so of two managers (or two processes, or two database instances) the database picks one,
 * whatever either read before. Undefined: someone else acknowledged or resolved it first.
 */
export function acknowledgeIfOpen(tx: Tx, id: string, by: string, now: Date, reminderAt: Date): AlertRow | undefined {
  return tx
    .update(alerts)
    .set({ status: "acknowledged", acknowledgedAt: now, acknowledgedBy: by, nextActionAt: reminderAt })
    .where(and(eq(alerts.id, id), eq(alerts.status, "open")))
    .returning()
    .get();
}

/**
 * The resolution itself: one UPDATE that changes the row only while it is unresolved. An
 * alert resolved unacknowledged counts as acknowledged by its resolver, decided in the same
 * statement (coalesce), not from an earlier read. Undefined: someone else resolved it first.
 */
export function resolveIfUnresolved(tx: Tx, id: string, by: string, now: Date, input: { outcome: string; note?: string }): AlertRow | undefined {
  return tx
    .update(alerts)
    .set({
      status: "resolved",
      resolvedAt: now,
      resolvedBy: by,
      outcome: input.outcome,
      note: input.note ?? null,
      acknowledgedAt: sql`coalesce(${alerts.acknowledgedAt}, ${now.getTime()})`,
      acknowledgedBy: sql`coalesce(${alerts.acknowledgedBy}, ${by})`,
      nextActionAt: null,
    })
    .where(and(eq(alerts.id, id), ne(alerts.status, "resolved")))
    .returning()
    .get();
}

/** First acknowledgement wins; it stops the climb, including sends already queued. */
export function acknowledge(deps: Deps, user: CurrentUser, id: string): ManagerAlertView {
  const now = deps.clock.now();
  const actor: Actor = { type: "staff", id: user.id };
  const row = writeTx(deps.db, (tx) => {
    // The read decides only 404/403; who wins is the conditional UPDATE's to say.
    const a = loadForManager(tx, id, user);
    const reminderAt = new Date(now.getTime() + a.policy.reminderAfterSeconds * 1000);
    const won = acknowledgeIfOpen(tx, id, user.id, now, reminderAt);
    if (!won) {
      const lost = tx.select({ acknowledgedBy: alerts.acknowledgedBy }).from(alerts).where(eq(alerts.id, id)).get();
      throw new Conflict(lost?.acknowledgedBy ? "Already acknowledged by someone else." : "This alert is already resolved.");
    }
    tx.update(notifications).set({ status: "cancelled" }).where(and(eq(notifications.alertId, id), eq(notifications.status, "queued"), eq(notifications.purpose, "ladder"))).run();
    appendAudit(tx, actor, { action: "acknowledge", entity: "alert", entityId: id }, now);
    tellWorker(tx, a, user, now);
    return won;
  });
  deps.events.publish({ type: "alert", data: { id, visitId: row.visitId, staffId: row.staffId, reason: row.reason, change: "acknowledged" } });
  deps.wakeScheduler();
  return alertViews(deps, [row], { card: true })[0]!;
}

/**
 * The worker of a missed check-in or a panic is told who is dealing with it (once: the
 * first acknowledgement wins). Never for a duress alarm, nor what follows from one:
 * someone may be looking at their phone, and it must stay an ordinary one.
 */
function tellWorker(tx: Tx, a: AlertRow, by: CurrentUser, now: Date): void {
  if (!a.staffId || a.staffId === by.id || !workerMaySee(a.reason)) return;
  tx.insert(notifications)
    .values({
      alertId: a.id,
      // announce (not ladder): sent while the alert is unresolved, and never stopped by the acknowledgement itself.
      purpose: "announce",
      step: 0,
      repeat: 0, // the check-in announcements to managers count from 1
      staffId: a.staffId,
      status: "queued",
      title: `${by.name} is dealing with your alert`,
      body: `${by.name} has your ${a.reason === "panic" ? "panic alarm" : "missed check-in"} and is dealing with it. If you are in danger, call 999.`,
      createdAt: now,
    })
    .onConflictDoNothing()
    .run();
}

/** An outcome a person can read: not empty, not only spaces or invisible characters. */
export function meaningfulOutcome(outcome: string): string {
  const text = outcome.trim();
  if (text.replace(/[\s\p{Z}\p{Cc}\p{Cf}]/gu, "").length === 0) throw new InvalidInput([{ path: "outcome", message: "choose an outcome: what happened to the worker" }]);
  return text;
}

export function resolve(deps: Deps, user: CurrentUser, id: string, input: { outcome: string; note?: string }): ManagerAlertView {
  const now = deps.clock.now();
  // Checked here, not only at the edge: every way in must choose an outcome each time.
  input = { ...input, outcome: meaningfulOutcome(input.outcome) };
  const row = writeTx(deps.db, (tx) => {
    // As for acknowledge: the read decides 404/403, the conditional UPDATE who resolves.
    const a = loadForManager(tx, id, user);
    const won = resolveIfUnresolved(tx, id, user.id, now, input);
    if (!won) throw new Conflict("This alert is already resolved.");
    tx.update(notifications).set({ status: "cancelled" }).where(and(eq(notifications.alertId, id), eq(notifications.status, "queued"))).run();
    appendAudit(tx, { type: "staff", id: user.id }, { action: "resolve", entity: "alert", entityId: id, data: input }, now);
    rewatchVisit(tx, a, now, { type: "staff", id: user.id });
    return won;
  });
  deps.events.publish({ type: "alert", data: { id, visitId: row.visitId, staffId: row.staffId, reason: row.reason, change: "resolved" } });
  // The visit may be watched again: re-arm the timer for its new due time.
  deps.wakeScheduler();
  return alertViews(deps, [row], { card: true })[0]!;
}

/**
 * A missed check-in resolved while the visit goes on (the manager phoned: "battery died,
 * I'm fine"): the sweep skips a visit that points at an alert, so without this the rest
 * of the visit would be unwatched. Watch it again from now, as a check-in would.
 */
function rewatchVisit(tx: Tx, a: AlertRow, now: Date, actor: Actor): void {
  if (a.reason !== "missed_check_in" || !a.visitId) return;
  const v = tx.select().from(visits).where(eq(visits.id, a.visitId)).get();
  if (!v || v.status !== "active" || v.overdueAlertId !== a.id) return;
  const next = nextDue(now, v.expectedEnd, v.checkInEveryMinutes);
  tx.update(visits).set({ overdueAlertId: null, nextCheckInDue: next }).where(and(eq(visits.id, v.id), eq(visits.overdueAlertId, a.id))).run();
  appendAudit(tx, actor, { action: "rewatch", entity: "visit", entityId: v.id, data: { alertId: a.id, nextCheckInDue: next } }, now);
}

/** The service worker showed a notification: only its recipient may say so. */
export function recordReceipt(deps: Deps, user: CurrentUser, notificationId: string): void {
  const now = deps.clock.now();
  writeTx(deps.db, (tx) => {
    const n = tx.select().from(notifications).where(eq(notifications.id, notificationId)).get();
    if (!n || n.staffId !== user.id) throw new NotFound("notification");
    if (n.shownAt) return;
    tx.update(notifications).set({ status: "shown", shownAt: now }).where(eq(notifications.id, n.id)).run();
    appendAudit(tx, { type: "staff", id: user.id }, { action: "shown", entity: "notification", entityId: n.id, data: { alertId: n.alertId } }, now);
  });
}

/**
 * The worker checked in (or out, or extended) while a missed-check-in alert was open.
 * Before any manager was told, that closes it. After, it is recorded and announced
 * to those told, and a manager must resolve it: a check-in can be coerced.
 */
export function signOfLife(tx: Tx, alertId: string, now: Date, actor: Actor): "closed" | "announced" | "none" {
  const a = tx.select().from(alerts).where(eq(alerts.id, alertId)).get();
  if (!a || a.status === "resolved") return "none";
  if (a.status === "open" && !a.managersToldAt) {
    tx.update(alerts).set({ status: "resolved", resolvedAt: now, outcome: "checked_in", nextActionAt: null, workerCheckedInAt: now }).where(eq(alerts.id, a.id)).run();
    tx.update(notifications).set({ status: "cancelled" }).where(and(eq(notifications.alertId, a.id), eq(notifications.status, "queued"))).run();
    appendAudit(tx, actor, { action: "close", entity: "alert", entityId: a.id, data: { outcome: "checked_in" } }, now);
    return "closed";
  }
  tx.update(alerts).set({ workerCheckedInAt: now }).where(eq(alerts.id, a.id)).run();
  const told = [
    ...new Set(
      tx
        .select({ staffId: notifications.staffId })
        .from(notifications)
        .where(and(eq(notifications.alertId, a.id), eq(notifications.purpose, "ladder"), a.staffId ? ne(notifications.staffId, a.staffId) : undefined))
        .all()
        .map((r) => r.staffId),
    ),
  ];
  const seq = tx.select({ n: count() }).from(notifications).where(and(eq(notifications.alertId, a.id), eq(notifications.purpose, "announce"))).get()!.n;
  for (const staffId of told) {
    tx.insert(notifications)
      .values({
        alertId: a.id,
        purpose: "announce",
        step: a.step,
        repeat: seq + 1,
        staffId,
        status: "queued",
        title: "Worker checked in — still to resolve",
        body: "The worker checked in after managers were alerted. Confirm they are safe (a check-in can be coerced), then resolve the alert.",
        createdAt: now,
      })
      .onConflictDoNothing()
      .run();
  }
  appendAudit(tx, actor, { action: "checked_in_after_escalation", entity: "alert", entityId: a.id, data: { announcedTo: told } }, now);
  return "announced";
}

