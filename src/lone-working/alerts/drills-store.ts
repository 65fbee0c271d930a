// Drills and test messages as use cases, one transaction each. This store owns no table: a
// drill is an alert (escalation's raiseAlert, marked drill: true) and a test message is an
// audit row, which is also what the test-message throttle counts.
import { and, desc, eq, gt, inArray } from "drizzle-orm";
import { writeTx } from "../../db/connection.js";
import { storeFor } from "../../db/store-kit.js";
import { appendAudit } from "../../audit/store.js";
import { auditLog } from "../../audit/schema.js";
import { NotFound, RateLimited } from "../../errors.js";
import { staff } from "../../staff/schema.js";
import { alerts } from "../escalation/schema.js";
import { raiseAlert, type AlertRow } from "../escalation/store.js";
import type { DrillTarget, TestChannel } from "./drills.js";

/** Test messages a person may send themselves per channel in TEST_WINDOW_MS. */
export const TESTS_PER_WINDOW = 3;
export const TEST_WINDOW_MS = 10 * 60_000;

export interface DrillsStore {
  /**
   * Start a drill for this person: a missed_check_in alert marked drill: true, no visit, at
   * step 0 of the policy in force, audited as the manager who started it. NotFound for a
   * person unknown, inactive, or whom `may` refuses (checked on the row read here).
   */
  start(staffId: string, by: { id: string }, may: (p: DrillTarget) => boolean, now: Date): Promise<AlertRow>;
  /** Drills, newest first, and who started each (the raise's audit actor). */
  recent(limit: number): Promise<{ alert: AlertRow; startedBy: string | null }[]>;
  /** Active staff a drill could be for (the page's select). */
  people(ids?: readonly string[]): Promise<DrillTarget[]>;
  /**
   * Count a test message against the person's allowance for the channel and audit it, in one
   * transaction: RateLimited once TESTS_PER_WINDOW were sent in the last TEST_WINDOW_MS.
   */
  reserveTest(staffId: string, channel: TestChannel, now: Date): Promise<void>;
  /** What the test message came to (audited beside the attempt). */
  testResult(staffId: string, channel: TestChannel, status: string, now: Date): Promise<void>;
}

export const drillsStore = storeFor<DrillsStore>((db) => ({
  async start(staffId, by, may, now) {
    return writeTx(db, (tx) => {
      const p = tx.select({ id: staff.id, name: staff.name, teamId: staff.teamId, active: staff.active }).from(staff).where(eq(staff.id, staffId)).get();
      if (!p || !p.active || !may(p)) throw new NotFound("member of staff");
      const alert = raiseAlert(
        tx,
        { reason: "missed_check_in", triggerKey: `drill:${crypto.randomUUID()}`, visitId: null, staffId: p.id, baseAt: now, startStep: 0, drill: true },
        now,
        { type: "staff", id: by.id },
      );
      // A fresh uuid cannot collide; null would mean the insert itself was refused.
      if (!alert) throw new Error("drill alert was not raised");
      return alert;
    });
  },
  async recent(limit) {
    const rows = db.select().from(alerts).where(eq(alerts.drill, true)).orderBy(desc(alerts.raisedAt)).limit(limit).all();
    if (rows.length === 0) return [];
    const raised = db
      .select({ id: auditLog.entityId, actorType: auditLog.actorType, actorId: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.entity, "alert"), eq(auditLog.action, "raise"), inArray(auditLog.entityId, rows.map((r) => r.id))))
      .all();
    const by = new Map(raised.map((r) => [r.id, r.actorType === "staff" ? r.actorId : null]));
    return rows.map((alert) => ({ alert, startedBy: by.get(alert.id) ?? null }));
  },
  async people(ids) {
    if (ids && ids.length === 0) return [];
    return db
      .select({ id: staff.id, name: staff.name, teamId: staff.teamId, active: staff.active })
      .from(staff)
      .where(ids ? inArray(staff.id, [...ids]) : eq(staff.active, true))
      .orderBy(staff.name)
      .all();
  },
  async reserveTest(staffId, channel, now) {
    writeTx(db, (tx) => {
      const since = new Date(now.getTime() - TEST_WINDOW_MS);
      const sent = tx
        .select({ at: auditLog.recordedAt, data: auditLog.data })
        .from(auditLog)
        .where(and(eq(auditLog.entity, "staff"), eq(auditLog.entityId, staffId), eq(auditLog.action, "test_message"), gt(auditLog.recordedAt, since)))
        .all()
        .filter((r) => (JSON.parse(r.data) as { channel?: string }).channel === channel)
        .sort((a, b) => a.at.getTime() - b.at.getTime());
      if (sent.length >= TESTS_PER_WINDOW) {
        const wait = Math.max(1, Math.ceil((sent[sent.length - TESTS_PER_WINDOW]!.at.getTime() + TEST_WINDOW_MS - now.getTime()) / 1000));
        throw new RateLimited(`You have sent yourself ${TESTS_PER_WINDOW} test messages by ${channel} in the last ${TEST_WINDOW_MS / 60_000} minutes. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? "s" : ""}.`, wait);
      }
      appendAudit(tx, { type: "staff", id: staffId }, { action: "test_message", entity: "staff", entityId: staffId, data: { channel } }, now);
    });
  },
  async testResult(staffId, channel, status, now) {
    writeTx(db, (tx) => appendAudit(tx, { type: "staff", id: staffId }, { action: "test_message_result", entity: "staff", entityId: staffId, data: { channel, status } }, now));
  },
}));
