// The contract between the escalation engine (src/alerts) and web push (src/push).

/** What the service worker receives, encrypted. */
export interface PushPayload {
  title: string;
  body: string;
  url: string;
  alertId?: string;
  visitId?: string;
  /** The notification row this push belongs to; the service worker sends it back as a receipt. */
  notificationId?: string;
  /** One tag per alert, so a newer step replaces the older notification on the phone. */
  tag?: string;
}

/** The result of pushing to every subscription one person has. */
export interface PushOutcome {
  /** Subscriptions whose push service accepted the message (201). Accepted is not shown. */
  accepted: number;
  /** Subscriptions that failed for now (5xx, network, 429 past its retries). */
  failed: number;
  /** Subscriptions removed because the push service said 404/410. */
  removed: number;
  /** The person has no subscription at all. */
  noSubscription: boolean;
  /** Per subscription, what happened (absent from noPush). */
  results?: SubscriptionResult[];
}

export interface SubscriptionResult {
  subscriptionId: string;
  /** The push service's host (the endpoint itself is a secret). */
  host: string;
  result: "accepted" | "failed" | "removed";
  /** Last HTTP status; 0 = network error, timeout, or not sent (host no longer allowed). */
  status: number;
  attempts: number;
}

export interface SendOptions {
  /** Asked before the first request and each retry: false stops (e.g. the alert was acknowledged meanwhile). */
  stillWanted?: () => boolean;
}

export interface PushSender {
  sendToStaff(staffId: string, payload: PushPayload, opts?: SendOptions): Promise<PushOutcome>;
}

/** Used until push is configured, and in tests that don't look at push. */
export const noPush: PushSender = {
  async sendToStaff() {
    return { accepted: 0, failed: 0, removed: 0, noSubscription: true };
  },
};
