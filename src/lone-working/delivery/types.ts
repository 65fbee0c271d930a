// The shapes delivery hands to and takes from the rest of lone working.
import type { notifications, NotificationPurpose } from "../delivery/schema.js";

export type NotificationRow = typeof notifications.$inferSelect;

/** A notification row this process has claimed to send, with what its message links to. */
export type Claimed = { n: NotificationRow; visitId: string | null; worker: string | null };
/** Called with the sends a chunk claimed as it commits (the caller starts them at once). */
export type OnClaimed = (claims: Claimed[]) => void;

/** What a send came to, recorded on its row. A channel may add its own words later (delivered…). */
export type SendStatus = "sent" | "no_subscription" | "failed";
export type SendResult = { id: string; status: SendStatus };

/** Notifications to queue: one row per person (and channel) for one alert's step. */
export interface NewNotifications {
  alertId: string;
  purpose: NotificationPurpose;
  step: number;
  repeat: number;
  staffIds: readonly string[];
  title: string;
  body: string;
  /** The channel to send it by (default "push"). */
  channel?: string;
  /**
   * People whose row waits: not claimed before the time given, and cancelled instead of sent
   * when the same firing's push to them was shown by then (a text after an unseen push).
   */
  sendAfter?: ReadonlyMap<string, Date>;
  /** The alert's visit and worker: what a claimed send links to (needed only when claiming). */
  visitId?: string | null;
  workerId?: string | null;
}
