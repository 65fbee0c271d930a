// Prepared statements held per connection, for the few hot paths (session lookup,
// check-in, audit append) where drizzle building and SQLite compiling the same
// statement on every request cost more than the work itself. Elsewhere use drizzle.
import type Database from "better-sqlite3";
import type { Db, Tx } from "./connection.js";

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The better-sqlite3 connection behind a drizzle database or transaction (same connection, so
 *  a statement run on it takes part in the transaction). */
export function clientOf(h: Db | Tx): Database.Database {
  if ("$client" in h) return (h as Db).$client;
  // drizzle's transaction keeps its session (internal in the typings) on the same client.
  return (h as unknown as { session: { client: Database.Database } }).session.client;
}

/** `sql` compiled once per connection. Use only fixed SQL text with `?` parameters. */
export function prepared(h: Db | Tx, sql: string): Database.Statement {
  const client = clientOf(h);
  let cache = caches.get(client);
  if (!cache) {
    cache = new Map();
    caches.set(client, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = client.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}
