// What /readyz asks the database: does it answer at all.
import { sql } from "drizzle-orm";
import type { Db } from "../db/connection.js";

/** Throws when the database does not answer a trivial query. */
export function databaseAnswers(db: Db): void {
  db.get(sql`select 1`);
}
