import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The handle inside db.transaction(); same query API as Db. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Open the database with the pragmas durability depends on: WAL so readers never
 * block the writer, synchronous=FULL so an acknowledged write survives power loss,
 * a busy timeout so a second process (the worker) waits rather than fails.
 */
export function openDatabase(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  return drizzle(sqlite, { schema }) as Db;
}

/** Run fn in one IMMEDIATE transaction: it takes the write lock up front, so two
 *  processes never deadlock upgrading a read lock. fn must be synchronous. */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: "immediate" });
}
