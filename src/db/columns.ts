import { integer, text } from "drizzle-orm/sqlite-core";

/** Every row id is a random UUID string (the HTTP API gives ids as strings). */
export const id = () => text("id").primaryKey().$defaultFn(() => crypto.randomUUID());

/** An instant, stored as UTC milliseconds. */
export const instant = (name: string) => integer(name, { mode: "timestamp_ms" });

/** A calendar day `YYYY-MM-DD`, local to the service's time zone. */
export const day = (name: string) => text(name);

/**
 * The integrity columns every HR record carries:
 * who entered it and when (set by the server), the late-entry flag and reason,
 * the void (never a delete) and the version counter for corrections.
 */
export const recordColumns = () => ({
  recordedAt: instant("recorded_at").notNull(),
  recordedBy: text("recorded_by").notNull(),
  late: integer("late", { mode: "boolean" }).notNull().default(false),
  lateEntryReason: text("late_entry_reason"),
  version: integer("version").notNull().default(1),
  voidedAt: instant("voided_at"),
  voidedBy: text("voided_by"),
  voidReason: text("void_reason"),
});
