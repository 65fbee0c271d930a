// What people do to alerts: acknowledge, resolve, report a shown notification. Each is one
// use case of alerts/store.ts (one transaction: the conditional UPDATE decides who wins);
// here the event goes out and the scheduler is woken once it has committed.
import type { Deps, CurrentUser } from "../../deps.js";
import { alertViews, type ManagerAlertView } from "./queries.js";
import { meaningfulOutcome } from "./rules.js";
import { alertsStore } from "./store.js";

/** First acknowledgement wins; it stops the climb, including sends already queued. */
export async function acknowledge(deps: Deps, user: CurrentUser, id: string): Promise<ManagerAlertView> {
  const row = await alertsStore(deps.db).acknowledge(id, user, deps.clock.now());
  deps.events.publish({ type: "alert", data: { id, visitId: row.visitId, staffId: row.staffId, reason: row.reason, change: "acknowledged" } });
  deps.wakeScheduler();
  return (await alertViews(deps, [row], { card: true }))[0]!;
}

export async function resolve(deps: Deps, user: CurrentUser, id: string, input: { outcome: string; note?: string }): Promise<ManagerAlertView> {
  const now = deps.clock.now();
  // Checked here, not only at the edge: every way in must choose an outcome each time.
  input = { ...input, outcome: meaningfulOutcome(input.outcome) };
  const row = await alertsStore(deps.db).resolve(id, user, input, now);
  deps.events.publish({ type: "alert", data: { id, visitId: row.visitId, staffId: row.staffId, reason: row.reason, change: "resolved" } });
  // The visit may be watched again: re-arm the timer for its new due time.
  deps.wakeScheduler();
  return (await alertViews(deps, [row], { card: true }))[0]!;
}

/** The service worker showed a notification: only its recipient may say so. */
export async function recordReceipt(deps: Deps, user: CurrentUser, notificationId: string): Promise<void> {
  await alertsStore(deps.db).shown(notificationId, user.id, deps.clock.now());
}
