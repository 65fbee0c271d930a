// Recording what sends came to: coalesced into few transactions, retried when the
// database is busy, and kept in memory (rows stay our live claim) when it still refuses.
import type { Deps } from "../../deps.js";
import { deliveryStore } from "./store.js";
import type { SendResult } from "./types.js";

/**
 * Results this process could not write yet (the database refused for longer than the
 * retries): kept here and written by a later pass. Their rows stay "sending" under our
 * live claim meanwhile, so nobody sends them again while this process lives.
 */
const unrecorded: SendResult[] = [];

const RESULT_WRITE_ATTEMPTS = 4;
/** Results arriving within this are recorded in one transaction (a burst is not 2000 commits). */
const RESULT_COALESCE_MS = 20;

export function resultRecorder(deps: Deps) {
  let pending: SendResult[] = [];
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length > 0) await recordWithRetry(deps, batch);
  };
  return {
    add(r: SendResult) {
      pending.push(r);
      if (scheduled) return;
      scheduled = true;
      chain = chain.then(() => new Promise<void>((res) => setTimeout(res, RESULT_COALESCE_MS))).then(flush);
    },
    drained: () => chain,
  };
}

/**
 * The other process may hold the write lock past busy_timeout: try again shortly. If the
 * database still refuses, the results wait in memory for a later pass (writeUnrecorded):
 * the rows stay our live claim, never sent again by anyone while this process lives.
 */
export async function recordWithRetry(deps: Deps, results: SendResult[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deliveryStore(deps.db).recordResults(results, deps.clock.now());
      return;
    } catch (e) {
      if (attempt >= RESULT_WRITE_ATTEMPTS) {
        unrecorded.push(...results);
        deps.log.error({ err: e, results: results.length }, "recording push results failed; kept to write on a later pass (not sent again)");
        return;
      }
      deps.log.warn({ err: e, attempt }, "recording push results failed; trying again");
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** Write results an earlier try could not (each pass; and at shutdown). */
export function writeUnrecorded(deps: Deps): void {
  if (unrecorded.length === 0) return;
  const batch = unrecorded.splice(0);
  // Not awaited: the caller's pass goes on (on SQLite the write itself is done by now).
  deliveryStore(deps.db)
    .recordResults(batch, deps.clock.now())
    .catch((e) => {
      unrecorded.unshift(...batch);
      deps.log.warn({ err: e, results: batch.length }, "push results still cannot be recorded");
    });
}
