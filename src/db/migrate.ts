import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { Db } from "./connection.js";

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/**
 * Apply pending migrations. drizzle's table rebuilds turn foreign keys off inside
 * a transaction, where SQLite ignores it, so ON DELETE CASCADE could silently
 * delete child rows: turn them off on the connection first, check after, restore.
 */
export function migrateDatabase(db: Db): void {
  const sqlite = db.$client;
  sqlite.pragma("foreign_keys = OFF");
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const broken = sqlite.pragma("foreign_key_check") as unknown[];
    if (broken.length > 0) {
      throw new Error(`Migration left ${broken.length} rows violating foreign keys: ${JSON.stringify(broken.slice(0, 5))}`);
    }
  } finally {
    sqlite.pragma("foreign_keys = ON");
  }
  ensureAppendOnly(db);
}

/** The audit log and check-in history refuse UPDATE and DELETE at the database. */
function ensureAppendOnly(db: Db): void {
  const sqlite = db.$client;
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('audit_log', 'check_ins', 'record_versions')")
    .all() as { name: string }[];
  for (const { name } of tables) {
    sqlite.exec(`
      CREATE TRIGGER IF NOT EXISTS ${name}_no_update BEFORE UPDATE ON ${name}
      BEGIN SELECT RAISE(ABORT, '${name} is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS ${name}_no_delete BEFORE DELETE ON ${name}
      BEGIN SELECT RAISE(ABORT, '${name} is append-only'); END;
    `);
  }
}
