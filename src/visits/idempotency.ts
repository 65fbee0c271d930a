// Idempotency-Key: a phone retrying the same request gets the first answer and
// nothing is written twice. The key is stored in the same transaction as the
// effect, so either both land or neither does.
import { and, eq } from "drizzle-orm";
import type { Tx } from "../db/connection.js";
import { Conflict } from "../errors.js";
import { idempotencyKeys } from "./schema.js";

export interface Stored<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export function once<T>(tx: Tx, staffId: string, key: string | undefined, request: string, now: Date, fn: () => { status: number; body: T }): Stored<T> {
  if (key) {
    const prior = tx.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.staffId, staffId), eq(idempotencyKeys.key, key))).get();
    if (prior) {
      if (prior.request !== request) throw new Conflict("This Idempotency-Key was already used for a different request.");
      return { status: prior.status, body: prior.body as T, replayed: true };
    }
  }
  const result = fn();
  if (key) tx.insert(idempotencyKeys).values({ staffId, key, request, status: result.status, body: result.body as object, createdAt: now }).run();
  return { ...result, replayed: false };
}
