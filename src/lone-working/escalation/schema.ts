// Tables of the alerts capability. Exported through src/db/schema.ts.
// Everything the scheduler needs is a row: a restart recomputes what is due.
import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, instant } from "../../db/columns.js";
import { staff } from "../../staff/schema.js";
import type { Policy } from "./policy.js";

export const ALERT_REASONS = ["missed_check_in", "panic", "duress", "no_manager_on_duty"] as const;
export type AlertReason = (typeof ALERT_REASONS)[number];
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const alerts = sqliteTable(
  "alerts",
  {
    id: id(),
    /** Makes raising once-only: e.g. `missed:<visit>:<due ms>`. */
    triggerKey: text("trigger_key").notNull(),
    visitId: text("visit_id"),
    /** The worker the alert is about (cannot acknowledge it). */
    staffId: text("staff_id").references(() => staff.id),
    parentAlertId: text("parent_alert_id"),
    reason: text("reason").$type<AlertReason>().notNull(),
    /** A drill: a test alert through the real ladder to real phones, marked as a drill everywhere. */
    drill: integer("drill", { mode: "boolean" }).notNull().default(false),
    status: text("status").$type<AlertStatus>().notNull(),
    /** The policy in force when raised; later edits never change it. */
    policy: text("policy", { mode: "json" }).$type<Policy>().notNull(),
    startStep: integer("start_step").notNull(),
    /** The ladder's times count from here (the missed due time, or the alarm). */
    baseAt: instant("base_at").notNull(),
    raisedAt: instant("raised_at").notNull(),
    /** Highest step fired so far (-1 before any). */
    step: integer("step").notNull().default(-1),
    /** When the scheduler must look at this alert again; null when nothing is left to do. */
    nextActionAt: instant("next_action_at"),
    managersToldAt: instant("managers_told_at"),
    workerCheckedInAt: instant("worker_checked_in_at"),
    acknowledgedAt: instant("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    remindersSent: integer("reminders_sent").notNull().default(0),
    resolvedAt: instant("resolved_at"),
    resolvedBy: text("resolved_by"),
    outcome: text("outcome"),
    note: text("note"),
  },
  (t) => [
    uniqueIndex("alerts_trigger_unique").on(t.triggerKey),
    index("alerts_due_idx").on(t.status, t.nextActionAt),
    index("alerts_visit_idx").on(t.visitId),
  ],
);

/** A ladder step that fired. The unique key makes a second firing a no-op, in any process. */
export const alertSteps = sqliteTable(
  "alert_steps",
  {
    id: id(),
    alertId: text("alert_id").notNull().references(() => alerts.id),
    step: integer("step").notNull(),
    repeat: integer("repeat").notNull(),
    dueAt: instant("due_at").notNull(),
    firedAt: instant("fired_at").notNull(),
    /** Moved on early because the previous step showed nothing within the receipt timeout. */
    early: integer("early", { mode: "boolean" }).notNull().default(false),
    targets: text("targets", { mode: "json" }).$type<string[]>().notNull(),
  },
  (t) => [uniqueIndex("alert_steps_once").on(t.alertId, t.step, t.repeat)],
);

/**
 * Each process that sends notifications beats here. A notification left "sending"
 * by a process whose heartbeat stopped (it died mid-send) is sent again.
 */
export const schedulerRuns = sqliteTable("scheduler_runs", {
  id: text("id").primaryKey(),
  pid: integer("pid").notNull(),
  startedAt: instant("started_at").notNull(),
  heartbeatAt: instant("heartbeat_at").notNull(),
});
