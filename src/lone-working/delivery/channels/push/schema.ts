// Tables of the push capability. Exported through src/db/schema.ts.
import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, instant } from "../../../../db/columns.js";
import { staff } from "../../../../staff/schema.js";

/** One browser/device's push subscription. The endpoint is the identity (upsert by it). */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: id(),
    staffId: text("staff_id").notNull().references(() => staff.id),
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    userAgent: text("user_agent"),
    createdAt: instant("created_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
    lastSuccessAt: instant("last_success_at"),
    lastFailureAt: instant("last_failure_at"),
    /** HTTP status (0 = network) of the last failed send, for the readiness report. */
    lastFailureStatus: integer("last_failure_status"),
    /**
     * Set when the push service refused in a way retrying cannot fix (400/403/413:
     * wrong keys, payload refused); cleared by a later success or a re-subscribe.
     * 404/410 delete the row instead.
     */
    failedPermanentlyAt: instant("failed_permanently_at"),
  },
  (t) => [uniqueIndex("push_subscriptions_endpoint_unique").on(t.endpoint), index("push_subscriptions_staff_idx").on(t.staffId)],
);

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
