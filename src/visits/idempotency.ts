// Idempotency-Key: a phone retrying the same request gets the first answer and
// nothing is written twice. The key is stored in the same transaction as the
// effect, so either both land or neither does.
import type { Tx } from "../db/connection.js";
import { prepared } from "../db/prepared.js";
import { Conflict } from "../errors.js";

export interface Stored<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export function once<T>(tx: Tx, staffId: string, key: string | undefined, request: string, now: Date, fn: () => { status: number; body: T }): Stored<T> {
  if (key) {
    // On every phone write (check-ins above all): prepared once per connection.
    const prior = prepared(tx, "SELECT request, status, body FROM idempotency_keys WHERE staff_id = ? AND key = ?").get(staffId, key) as
      | { request: string; status: number; body: string }
      | undefined;
    if (prior) {
      if (prior.request !== request) throw new Conflict("This Idempotency-Key was already used for a different request.");
      return { status: prior.status, body: JSON.parse(prior.body) as T, replayed: true };
    }
  }
  const result = fn();
  if (key) {
    prepared(tx, "INSERT INTO idempotency_keys (staff_id, key, request, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
      staffId,
      key,
      request,
      result.status,
      JSON.stringify(result.body),
      now.getTime(),
    );
  }
  return { ...result, replayed: false };
}
