// Web push as a delivery channel: each claimed row is pushed to every subscription its
// person has (deps.push: the VAPID sender, or a test's fake).
import type { Channel } from "../channel.js";
import { workingSubscribers } from "./store.js";
import type { PushPayload } from "./types.js";

export const pushChannel: Channel = {
  name: "push",
  reaches(db, staffIds) {
    return workingSubscribers(db, staffIds);
  },
  async send(deps, batch, done) {
    await Promise.all(
      batch.map(async ({ n, url, visitId, stillWanted }) => {
        const payload: PushPayload = {
          title: n.title,
          body: n.body,
          alertId: n.alertId,
          visitId: visitId ?? undefined,
          url,
          notificationId: n.id,
          tag: `alert-${n.alertId}`,
        };
        try {
          // The sender asks stillWanted before its first request (after waiting its turn)
          // and before each retry: an acknowledgement meanwhile stops it.
          const out = await deps.push.sendToStaff(n.staffId, payload, { stillWanted });
          done({ id: n.id, status: out.accepted > 0 ? "sent" : out.noSubscription ? "no_subscription" : "failed" });
        } catch (e) {
          deps.log.error({ err: e, notificationId: n.id }, "push send failed");
          done({ id: n.id, status: "failed" });
        }
      }),
    );
  },
};
