// The old path of the escalation engine's exports, now split by job: raise.ts (pure raise
// rules), fire.ts (one alert's due steps), messages.ts (what a notification says), pass.ts
// (sweep, advance, tick, heartbeat), store.ts (alerts, alert_steps, scheduler_runs) and
// delivery (outbox, claims, dispatch, results, retry). Kept for callers of the old path.
export { HEARTBEAT_STALE_MS, MAX_ATTEMPTS, RETRY_FAILED_AFTER_MS, RUN_ID, SEND_TIMEOUT_MS, failedToRetry, readClaimable, sendQueued, startSends, takeClaims, writeUnrecorded, type Claimed } from "../delivery/index.js";
export { SYSTEM, panicStart, type RaiseInput } from "./raise.js";
export { messageFor } from "./messages.js";
export { CHUNK, HEARTBEAT_EVERY_MS, advance, advanceDue, advanceMany, heartbeat, nextDueAt, sweepMissed, tick, type EngineOptions } from "./pass.js";
export { newestHeartbeat, raiseAlert, retireHeartbeat } from "./store.js";
