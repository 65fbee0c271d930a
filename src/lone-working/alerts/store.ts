// What people do to alerts (acknowledge, resolve, a shown notification) as use cases, one
// transaction each, and the reads the alerts module makes. This store owns no table: it
// writes `alerts` through escalation/store.ts (the one writer of alerts), a visit's watch
// through watch/store.ts, and notifications through delivery's tx-level helpers.
import { and, asc, desc, eq, getTableColumns, gt, inArray } from "drizzle-orm";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { auditLog } from "../../audit/schema.js";
import { Conflict } from "../../errors.js";
import { staff } from "../../staff/schema.js";
import { checkIns, visits } from "../visits/schema.js";
import { nextDue } from "../watch/due.js";
import { rewatch } from "../watch/store.js";
import { acknowledgeIfOpen, alertContext, alertRow, reconsiderNow, resolveIfUnresolved } from "../escalation/store.js";
import { cancelQueued, channelNamed, enqueue, markReceipt, markShown, notificationsOf, type NotificationRow } from "../delivery/index.js";
import { codeOwner, recordInbound, recordStatus, settleInbound } from "../delivery/channels/notify/store.js";
import type { InboundOutcome, NotifyMessageStatus } from "../delivery/channels/notify/schema.js";
import { ackCodeIn } from "../delivery/channels/notify/text.js";
import { ukMobile } from "../../staff/mobile.js";
import { ALERT_RESPONDERS, hasAny } from "../../staff/roles.js";
import { DomainError } from "../../errors.js";
import { alerts, type AlertStatus } from "../escalation/schema.js";
import { dealingWithIt, forManager, workerIsTold } from "./rules.js";

export type AlertRow = typeof alerts.$inferSelect;
export type NoteRow = NotificationRow;
type VisitRow = typeof visits.$inferSelect;
type CheckInRow = typeof checkIns.$inferSelect;

/** What an alarm card is built from (see card.ts), read for many alerts at once. */
export interface CardFacts {
  visits: Map<string, VisitRow>;
  /** Each visit's check-ins, newest first. */
  checkIns: Map<string, CheckInRow[]>;
  people: Map<string, { name: string; mobile: string | null }>;
  parentReasons: Map<string, AlertRow["reason"]>;
}

/** What a received text came to, for the caller to tell the board and wake the scheduler. */
export interface TextReplyResult {
  outcome: InboundOutcome;
  /** The alert it acknowledged. */
  alert?: AlertRow;
  /** A text back was queued (the scheduler sends it). */
  replied?: boolean;
}

/** What a delivery-status callback came to. */
export interface ReceiptResult {
  /** The alert whose ladder may move on at once (a permanent failure). */
  reconsider?: string;
  known: boolean;
}

export interface AlertsStore {
  acknowledge(id: string, by: { id: string; name: string }, now: Date): Promise<AlertRow>;
  /**
   * A text received on the service's number (Notify's inbound callback), recorded once by
   * Notify's id whatever it says. `ACK <code>` from the number the code was texted to
   * acknowledges that alert as that person, by the button's rules (first wins; never the
   * worker's own; only someone who may acknowledge alerts). Anything else: no action.
   */
  textReply(t: { notifyId: string; sourceNumber: string; message: string; receivedAt: Date }, now: Date): Promise<TextReplyResult>;
  /**
   * Notify's delivery-status callback: recorded on the message and on its notification
   * (delivered, or failed with Notify's word); a permanent failure marks the address bad and
   * has the alert's ladder look again at once.
   */
  deliveryReceipt(cb: { id: string; reference?: string | null; status: NotifyMessageStatus }, now: Date): Promise<ReceiptResult>;
  resolve(id: string, by: { id: string; name: string }, input: { outcome: string; note?: string }, now: Date): Promise<AlertRow>;
  /** The service worker showed a notification: only its recipient may say so. */
  shown(notificationId: string, staffId: string, now: Date): Promise<void>;
  /** Newest first, at most 500. */
  list(status?: AlertStatus): Promise<AlertRow[]>;
  ofVisit(visitId: string): Promise<AlertRow[]>;
  notificationsOf(alertIds: string[]): Promise<NoteRow[]>;
  people(ids: string[]): Promise<Map<string, { name: string; mobile: string | null }>>;
  cardFacts(rows: AlertRow[], notes: NoteRow[]): Promise<CardFacts>;
  /** Every active member of staff, with their roles (readiness). */
  activeStaff(): Promise<{ id: string; name: string; roles: (typeof staff.$inferSelect)["roles"] }[]>;
  /** The audit chain's newest seq (the tail starts from it). */
  lastSeq(): Promise<number>;
  /** Alerts the escalation job changed after `seq`: each alert's latest audit action, and the new last seq. */
  systemChangesSince(seq: number): Promise<{ last: number; changes: { id: string; visitId: string | null; staffId: string | null; reason: AlertRow["reason"]; action: string }[] }>;
}

/** Names (and mobiles, where staff records carry them) of these people. */
function peopleOf(db: Db, ids: string[]): Map<string, { name: string; mobile: string | null }> {
  const out = new Map<string, { name: string; mobile: string | null }>();
  const uniq = [...new Set(ids)];
  if (uniq.length === 0) return out;
  // `mobile` is read when the staff table has it (issue 12 adds it); until then, none is recorded.
  const mobileCol = (getTableColumns(staff) as Record<string, unknown>).mobile as typeof staff.name | undefined;
  const rows = db
    .select({ id: staff.id, name: staff.name, ...(mobileCol ? { mobile: mobileCol } : {}) })
    .from(staff)
    .where(inArray(staff.id, uniq))
    .all() as { id: string; name: string; mobile?: string | null }[];
  for (const r of rows) out.set(r.id, { name: r.name, mobile: r.mobile || null });
  return out;
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
  rewatch(tx, v.id, a.id, next);
  appendAudit(tx, actor, { action: "rewatch", entity: "visit", entityId: v.id, data: { alertId: a.id, nextCheckInDue: next } }, now);
}

/**
 * The acknowledgement, inside the caller's transaction: the read decides only 404/403; who
 * wins is the conditional UPDATE's to say (a Conflict for the loser).
 */
function acknowledgeIn(tx: Tx, id: string, by: { id: string; name: string }, now: Date, via?: "text"): AlertRow {
  const a = forManager(alertRow(tx, id), by.id);
  const reminderAt = new Date(now.getTime() + a.policy.reminderAfterSeconds * 1000);
  const won = acknowledgeIfOpen(tx, id, by.id, now, reminderAt);
  if (!won) throw new Conflict(alertRow(tx, id)?.acknowledgedBy ? "Already acknowledged by someone else." : "This alert is already resolved.");
  // First acknowledgement wins; it stops the climb, including sends already queued (texts too).
  cancelQueued(tx, id, { purpose: "ladder" });
  appendAudit(tx, { type: "staff", id: by.id }, { action: "acknowledge", entity: "alert", entityId: id, ...(via ? { data: { via } } : {}) }, now);
  // The worker is told who is dealing with it (once: the first acknowledgement wins).
  // announce (not ladder): sent while the alert is unresolved, never stopped by the
  // acknowledgement itself; repeat 0 (the check-in announcements to managers count from 1).
  if (workerIsTold(a, by.id)) enqueue(tx, { alertId: a.id, purpose: "announce", step: 0, repeat: 0, staffIds: [a.staffId!], ...dealingWithIt(a, by.name) }, now);
  return won;
}

/**
 * A text back to someone who replied (their acknowledgement taken, or someone else's first),
 * through the outbox like every send: an announcement (sent while the alert is unresolved),
 * step -1 so it never counts as a ladder firing; `n` keeps the two kinds apart.
 */
function replyByText(tx: Tx, a: AlertRow, staffId: string, n: number, body: string, now: Date): void {
  if (!channelNamed("sms")) return;
  enqueue(tx, { alertId: a.id, purpose: "announce", step: -1, repeat: n, staffIds: [staffId], channel: "sms", title: "Dutyline", body }, now);
}

/** Notify's word → the notification's status, and whether it is final (no retry to that address). */
function receiptStatus(status: NotifyMessageStatus): { status: "delivered" | "failed"; final: boolean } | undefined {
  if (status === "delivered") return { status: "delivered", final: false };
  if (status === "permanent-failure") return { status: "failed", final: true };
  if (status === "temporary-failure" || status === "technical-failure") return { status: "failed", final: false };
  return undefined;
}

export const alertsStore = storeFor<AlertsStore>((db) => ({
  async acknowledge(id, by, now) {
    return writeTx(db, (tx) => acknowledgeIn(tx, id, by, now));
  },

  async textReply(t, now) {
    return writeTx(db, (tx) => {
      const row = recordInbound(tx, t, now);
      if (row.outcome) return { outcome: row.outcome }; // a callback Notify sent again: acted on once
      const settle = (outcome: InboundOutcome, who: { alertId?: string; staffId?: string } = {}, alert?: AlertRow): TextReplyResult => {
        settleInbound(tx, row.id, outcome, who);
        // The chain says a text came and what it did, never what it said (it may say anything).
        appendAudit(tx, { type: "system", job: "text-replies" }, { action: "text_received", entity: "notify_inbound", entityId: row.id, data: { outcome, ...who } }, now);
        return { outcome, alert };
      };
      const code = ackCodeIn(t.message);
      const from = ukMobile(t.sourceNumber); // Notify gives 447…; stored numbers are E.164
      if (!code || !from) return settle("not_a_command");
      const owner = codeOwner(tx, from, code);
      if (!owner) return settle("unknown_code");
      const person = tx.select({ id: staff.id, name: staff.name, roles: staff.roles, active: staff.active, mobile: staff.mobile }).from(staff).where(eq(staff.id, owner.staffId)).get();
      // The number must still be theirs, and they must still be someone who may acknowledge.
      if (!person || !person.active || person.mobile !== from || !hasAny(person, ALERT_RESPONDERS)) return settle("not_allowed", owner);
      try {
        const alert = acknowledgeIn(tx, owner.alertId, person, now, "text");
        replyByText(tx, alert, person.id, 0, `Dutyline: you have acknowledged the alert about ${alertContext(tx, alert).workerName}. Resolve it in Dutyline when they are safe.`, now);
        return settle("acknowledged", owner, alert);
      } catch (e) {
        if (e instanceof Conflict) {
          // Woken at 3 am and too late: say who has it, so they need not wonder.
          const a = alertRow(tx, owner.alertId);
          const by = a?.acknowledgedBy ? tx.select({ name: staff.name }).from(staff).where(eq(staff.id, a.acknowledgedBy)).get()?.name : undefined;
          if (a && a.status !== "resolved") replyByText(tx, a, person.id, 1, `Dutyline: the alert about ${alertContext(tx, a).workerName} is already acknowledged${by ? ` by ${by}` : ""}. No action needed.`, now);
          return { ...settle("already_acknowledged", owner), replied: true };
        }
        if (e instanceof DomainError) return settle("not_allowed", owner); // their own alarm, or one hidden from them
        throw e;
      }
    });
  },

  async deliveryReceipt(cb, now) {
    return writeTx(db, (tx) => {
      const r = recordStatus(tx, cb, now);
      if (!r) return { known: false };
      const st = receiptStatus(cb.status);
      const changed = !!(r.notificationId && st && markReceipt(tx, r.notificationId, { ...st, receipt: cb.status }, now));
      if (changed) appendAudit(tx, { type: "system", job: "escalation" }, { action: "receipt", entity: "notification", entityId: r.notificationId!, data: { status: cb.status, channel: r.kind } }, now);
      if (r.permanent && r.alertId) {
        reconsiderNow(tx, r.alertId, now);
        return { known: true, reconsider: r.alertId };
      }
      return { known: true };
    });
  },

  async resolve(id, by, input, now) {
    return writeTx(db, (tx) => {
      // As for acknowledge: the read decides 404/403, the conditional UPDATE who resolves.
      const a = forManager(alertRow(tx, id), by.id);
      const won = resolveIfUnresolved(tx, id, by.id, now, input);
      if (!won) throw new Conflict("This alert is already resolved.");
      cancelQueued(tx, id);
      appendAudit(tx, { type: "staff", id: by.id }, { action: "resolve", entity: "alert", entityId: id, data: input }, now);
      rewatchVisit(tx, a, now, { type: "staff", id: by.id });
      return won;
    });
  },

  async shown(notificationId, staffId, now) {
    writeTx(db, (tx) => markShown(tx, { type: "staff", id: staffId }, notificationId, now));
  },

  async list(status) {
    return db
      .select()
      .from(alerts)
      .where(status ? eq(alerts.status, status) : undefined)
      .orderBy(desc(alerts.raisedAt))
      .limit(500)
      .all();
  },

  async ofVisit(visitId) {
    return db.select().from(alerts).where(eq(alerts.visitId, visitId)).orderBy(asc(alerts.raisedAt)).all();
  },

  async notificationsOf(alertIds) {
    return notificationsOf(db, alertIds);
  },

  async people(ids) {
    return peopleOf(db, ids);
  },

  async cardFacts(rows, notes) {
    const visitIds = [...new Set(rows.flatMap((a) => (a.visitId ? [a.visitId] : [])))];
    const vs = visitIds.length ? db.select().from(visits).where(inArray(visits.id, visitIds)).all() : [];
    const ins = visitIds.length ? db.select().from(checkIns).where(inArray(checkIns.visitId, visitIds)).orderBy(desc(checkIns.at)).all() : [];
    const byVisit = new Map<string, CheckInRow[]>();
    for (const c of ins) {
      let l = byVisit.get(c.visitId);
      if (!l) byVisit.set(c.visitId, (l = []));
      l.push(c);
    }
    const people = peopleOf(db, [...rows.flatMap((a) => (a.staffId ? [a.staffId] : [])), ...notes.map((n) => n.staffId)]);
    const parentIds = [...new Set(rows.flatMap((a) => (a.parentAlertId ? [a.parentAlertId] : [])))];
    const parents = parentIds.length ? db.select({ id: alerts.id, reason: alerts.reason }).from(alerts).where(inArray(alerts.id, parentIds)).all() : [];
    return { visits: new Map(vs.map((v) => [v.id, v])), checkIns: byVisit, people, parentReasons: new Map(parents.map((p) => [p.id, p.reason])) };
  },

  async activeStaff() {
    return db.select({ id: staff.id, name: staff.name, roles: staff.roles }).from(staff).where(eq(staff.active, true)).all();
  },

  async lastSeq() {
    return db.select({ seq: auditLog.seq }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).get()?.seq ?? 0;
  },

  async systemChangesSince(seq) {
    const rows = db
      .select({ seq: auditLog.seq, id: auditLog.entityId, action: auditLog.action })
      .from(auditLog)
      .where(and(gt(auditLog.seq, seq), eq(auditLog.entity, "alert"), eq(auditLog.actorType, "system")))
      .orderBy(asc(auditLog.seq))
      .limit(1000)
      .all();
    if (rows.length === 0) return { last: seq, changes: [] };
    const latest = new Map(rows.map((r) => [r.id, r.action]));
    const found = db
      .select({ id: alerts.id, visitId: alerts.visitId, staffId: alerts.staffId, reason: alerts.reason })
      .from(alerts)
      .where(inArray(alerts.id, [...latest.keys()]))
      .all();
    return { last: rows[rows.length - 1]!.seq, changes: found.map((a) => ({ ...a, action: latest.get(a.id)! })) };
  },
}));
