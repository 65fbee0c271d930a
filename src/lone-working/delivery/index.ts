// Delivery's surface for the rest of lone working: what escalation and alerts call.
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
  ladderRecipients,
  markShown,
  notificationsOf,
  oldestQueuedAt,
  reachable,
  reachByChannel,
  shownSteps,
  type DeliveryStore,
} from "./store.js";
export { CHANNELS, channelNamed, type Channel, type ChannelResult, type OutgoingMessage } from "./channels/index.js";
export type { Claimed, NewNotifications, NotificationRow, OnClaimed, SendResult, SendStatus } from "./types.js";
