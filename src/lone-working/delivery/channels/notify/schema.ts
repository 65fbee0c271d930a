// Tables of the GOV.UK Notify channel (text messages and email). Exported through
// src/db/schema.ts; channels/notify/store.ts is their only writer.
import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, instant } from "../../../../db/columns.js";
import { staff } from "../../../../staff/schema.js";

export const NOTIFY_KINDS = ["sms", "email"] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** Notify's delivery-status callback values, and ours before one arrives. */
export const NOTIFY_MESSAGE_STATUSES = ["sending", "sent", "failed", "delivered", "permanent-failure", "temporary-failure", "technical-failure"] as const;
export type NotifyMessageStatus = (typeof NOTIFY_MESSAGE_STATUSES)[number];

/**
 * One text or email handed to Notify: an alert's notification row (`notificationId`), or a
 * person's test message. `reference` (sent to Notify and echoed in its callbacks) is this row's
 * id. `ackCode` is what the person replies (`ACK 4821`) to acknowledge the alert; `seq` numbers
 * the texts to one address so that consecutive texts never carry identical content.
 */
export const notifyMessages = sqliteTable(
  "notify_messages",
  {
    id: id(),
    notificationId: text("notification_id"),
    alertId: text("alert_id"),
    purpose: text("purpose").$type<"alert" | "test">().notNull(),
    kind: text("kind").$type<NotifyKind>().notNull(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    /** E.164 number or email address, as it was when sent (a later change does not rewrite it). */
    address: text("address").notNull(),
    ackCode: text("ack_code"),
    seq: integer("seq").notNull(),
    /** Notify's notification id, once it accepted the request. */
    notifyId: text("notify_id"),
    status: text("status").$type<NotifyMessageStatus>().notNull(),
    createdAt: instant("created_at").notNull(),
    sentAt: instant("sent_at"),
    statusAt: instant("status_at"),
  },
  (t) => [
    index("notify_messages_code_idx").on(t.address, t.ackCode),
    index("notify_messages_notification_idx").on(t.notificationId),
    index("notify_messages_notify_id_idx").on(t.notifyId),
  ],
);

/** An address Notify said can never be reached (permanent-failure): not used again until it changes. */
export const notifyBadAddresses = sqliteTable("notify_bad_addresses", {
  address: text("address").primaryKey(),
  kind: text("kind").$type<NotifyKind>().notNull(),
  markedAt: instant("marked_at").notNull(),
  /** The message whose receipt said so. */
  messageId: text("message_id"),
});

/**
 * Every text received on the service's number (Notify's inbound callback), kept for the audit
 * trail whatever it said. `notifyId` makes a repeated callback a no-op; `outcome` stays null
 * until it has been acted on, so a callback retried after a crash is acted on once.
 */
export const notifyInbound = sqliteTable(
  "notify_inbound",
  {
    id: id(),
    notifyId: text("notify_id").notNull(),
    sourceNumber: text("source_number").notNull(),
    message: text("message").notNull(),
    receivedAt: instant("received_at").notNull(),
    recordedAt: instant("recorded_at").notNull(),
    outcome: text("outcome").$type<InboundOutcome>(),
    alertId: text("alert_id"),
    staffId: text("staff_id"),
  },
  (t) => [uniqueIndex("notify_inbound_notify_id_unique").on(t.notifyId)],
);

/** What a received text came to. */
export type InboundOutcome = "acknowledged" | "already_acknowledged" | "not_allowed" | "unknown_code" | "not_a_command";
