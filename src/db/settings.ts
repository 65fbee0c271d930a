import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { eq } from "drizzle-orm";
import { instant } from "./columns.js";
import type { Db, Tx } from "./connection.js";

/** Small service-wide values that must survive restarts (VAPID keys, escalation policy). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: instant("updated_at").notNull(),
});

export function getSetting<T>(db: Db | Tx, key: string): T | undefined {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  return row?.value as T | undefined;
}

export function putSetting(db: Db | Tx, key: string, value: unknown, at: Date): void {
  db.insert(settings)
    .values({ key, value, updatedAt: at })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } })
    .run();
}
