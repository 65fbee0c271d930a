// What delivery and the escalation scheduler share about this process and its sends.
// A module of its own so that neither imports the other for a number.

/** This process's identity for claims (and its scheduler heartbeat row). */
export const RUN_ID = crypto.randomUUID();
/** A process whose heartbeat is older than this is taken for dead; its claimed sends go again. */
export const HEARTBEAT_STALE_MS = 10_000;
/** A send still unanswered after this is counted as failed (a channel has its own retries inside). */
export const SEND_TIMEOUT_MS = 10_000;
/** A failed ladder send is tried again after this, up to MAX_ATTEMPTS in all, while the alert is open. */
export const RETRY_FAILED_AFTER_MS = 30_000;
export const MAX_ATTEMPTS = 3;
