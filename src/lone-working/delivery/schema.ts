// Delivery's table: one row per person per channel per firing, claimed, sent once and
// recorded (delivery/store.ts is its only writer).
import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, instant } from "../../db/columns.js";
import { staff } from "../../staff/schema.js";
import { alerts } from "../escalation/schema.js";

export const NOTIFICATION_STATUSES = ["queued", "sending", "sent", "failed", "no_subscription", "shown", "delivered", "cancelled"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
/** ladder: a step's send; reminder: acknowledged but unresolved; announce: the worker checked in. */
export type NotificationPurpose = "ladder" | "reminder" | "announce";

export const notifications = sqliteTable(
  "notifications",
  {
    id: id(),
    alertId: text("alert_id").notNull().references(() => alerts.id),
    purpose: text("purpose").$type<NotificationPurpose>().notNull(),
    step: integer("step").notNull(),
    repeat: integer("repeat").notNull(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    channel: text("channel").notNull().default("push"),
    status: text("status").$type<NotificationStatus>().notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    createdAt: instant("created_at").notNull(),
    /** Not to be claimed before this (a text that follows a push nobody saw); null: at once. */
    sendAfter: instant("send_after"),
    /** Cancelled instead of sent when the same firing's push to the same person was shown by then. */
    unlessShown: integer("unless_shown", { mode: "boolean" }).notNull().default(false),
    /** The channel's word on delivery (Notify: delivered, permanent-failure, ...) and when it came. */
    receipt: text("receipt"),
    receiptAt: instant("receipt_at"),
    /** A process took it to send; if that process's heartbeat stops, it is taken again. */
    claimedAt: instant("claimed_at"),
    claimedBy: text("claimed_by"),
    /** Sends tried; a failed ladder send is tried again a few times while the alert is open. */
    attempts: integer("attempts").notNull().default(0),
    sentAt: instant("sent_at"),
    shownAt: instant("shown_at"),
  },
  (t) => [
    uniqueIndex("notifications_once").on(t.alertId, t.purpose, t.step, t.repeat, t.staffId, t.channel),
    index("notifications_status_idx").on(t.status, t.createdAt),
  ],
);
