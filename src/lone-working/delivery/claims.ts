// What this process may claim, and the claim itself (one conditional UPDATE per row, in
// the store). Rows this process is sending right now are never claimed again.
import type { Deps } from "../../deps.js";
import { claimable, takeClaims } from "./store.js";
import type { Claimed } from "./types.js";

export { takeClaims };

/** Notifications this process is sending right now: never claimed again while in flight. */
const inFlight = new Set<string>();

/** Whether this process is sending the row right now. */
export const isInFlight = (id: string): boolean => inFlight.has(id);

/**
 * What this process may claim: queued rows, and rows left "sending" by a process whose
 * heartbeat stopped (killed mid-send). Never a live process's claim, our own included: a
 * row is sent at most once by a live process. A plain read (no write lock); the claim
 * itself is takeClaims' conditional UPDATE (deliveryStore(db).claim does both).
 */
export function readClaimable(deps: Deps, now: Date, limit: number): Claimed[] {
  return claimable(deps.db, now, limit, isInFlight);
}

/** Mark claimed rows in flight while `send` runs. */
export function whileInFlight<T>(claimed: Claimed[], send: () => Promise<T>): Promise<T> {
  for (const c of claimed) inFlight.add(c.n.id);
  return send().finally(() => {
    for (const c of claimed) inFlight.delete(c.n.id);
  });
}
