// Delivery's surface for the rest of lone working: what escalation and alerts call.
//
// Escalation decides who is told at which step; delivery queues, claims, sends (through
// the Channel chosen by each row's `channel` column), records and retries. Other stores
// write `notifications` only through the tx-level helpers below, inside their own
// transaction:
//   enqueue(tx, { alertId, purpose, step, repeat, staffIds, title, body, channel?, visitId?, workerId? }, now, claimInto?)
//       what engine.queue() and alerts' tellWorker / signOfLife inserts did (ON CONFLICT DO NOTHING);
//       pass claimInto (an array) to queue them already claimed by this process
//   cancelQueued(tx, alertId, { purpose? })    the `set({ status: "cancelled" })` updates
//   markShown(tx, actor, notificationId, now) a receipt (NotFound unless the recipient's; audited)
//   notificationsOf(tx, alertIds) / ladderRecipients(tx, alertId, except) / announcementCount(tx, alertId)
//   shownSteps(tx, alertId)                    "step:repeat" of firings that reached someone (the ladder's `shown`)
//   firingOutcomes(tx, alertId)                shown, and firings known dead (every send unreachable for good)
//   markReceipt(tx, notificationId, r, now)     a channel's delivery receipt (Notify: delivered / failed)
//   reachable(tx, staffIds): Set<string>       who at least one channel reaches now (instead of
//                                              hasWorkingSubscription); reachByChannel for per-channel detail
// Services use deliveryStore(db): reachable, reachByChannel, recordReceipt, notificationsOf (async).
export { HEARTBEAT_STALE_MS, MAX_ATTEMPTS, RETRY_FAILED_AFTER_MS, RUN_ID, SEND_TIMEOUT_MS } from "./constants.js";
export { readClaimable, takeClaims } from "./claims.js";
export { sendNow, sendQueued, startSends } from "./dispatch.js";
export { writeUnrecorded } from "./results.js";
export {
  announcementCount,
  cancelQueued,
  deliveryStore,
  enqueue,
  failedToRetry,
  firingOutcomes,
  ladderRecipients,
  markReceipt,
  markShown,
  notificationsOf,
  oldestQueuedAt,
  reachable,
  reachByChannel,
  shownSteps,
  type DeliveryStore,
} from "./store.js";
export { CHANNELS, channelNamed, registerChannel, type Channel, type ChannelResult, type OutgoingMessage } from "./channels/index.js";
export type { Claimed, NewNotifications, NotificationRow, OnClaimed, SendResult, SendStatus } from "./types.js";
