// Sending: claim what is queued, send each claimed row, record the results. The
// scheduler starts sends and never waits on them, so a hanging send holds up nothing.
import type { Deps } from "../../deps.js";
import type { PushPayload } from "./channels/push/types.js";
import { readClaimable, takeClaims, whileInFlight } from "./claims.js";
import { SEND_TIMEOUT_MS } from "./constants.js";
import { resultRecorder, writeUnrecorded } from "./results.js";
import { anyClaimable, requeueFailed, stillToSend } from "./store.js";
import type { Claimed, SendResult } from "./types.js";

/**
 * Send queued notifications (and claims of processes that stopped beating), waiting for
 * their results: tests and scripts. The scheduler uses startSends and does not wait.
 */
export async function sendQueued(deps: Deps, limit = 2000): Promise<number> {
  return startSends(deps, limit).done;
}

/**
 * Claim what is queued now (synchronously) and start sending it; `done` settles when the
 * results are recorded. The scheduler does not wait on it, so a push service that hangs
 * never holds up the ladder of any alert.
 */
export function startSends(deps: Deps, limit = 2000): { claimed: number; done: Promise<number> } {
  const now = deps.clock.now();
  writeUnrecorded(deps);
  requeueFailed(deps, now);
  // A cheap read first: most passes have nothing to send. Our own claims are never
  // claimable (in a burst they are most of "sending").
  if (!anyClaimable(deps.db)) return { claimed: 0, done: Promise.resolve(0) };
  const claimed = takeClaims(deps, readClaimable(deps, now, limit), now);
  if (claimed.length === 0) return { claimed: 0, done: Promise.resolve(0) };
  return { claimed: claimed.length, done: sendNow(deps, claimed) };
}

/** Send rows this process has claimed (committed as "sending" by RUN_ID). */
export function sendNow(deps: Deps, claimed: Claimed[]): Promise<number> {
  return whileInFlight(claimed, () => sendClaimed(deps, claimed));
}

async function sendClaimed(deps: Deps, claimed: Claimed[]): Promise<number> {
  const base = deps.config.PUBLIC_URL.replace(/\/$/, "");
  // Each result is recorded as soon as it is known (coalesced over RESULT_COALESCE_MS), not
  // when the whole batch is done: a process killed mid-batch then leaves as few sends
  // unrecorded (and so sent again by whoever takes the claim back) as it can.
  const recorder = resultRecorder(deps);
  await Promise.all(
    claimed.map(async ({ n, visitId, worker }): Promise<SendResult | null> => {
      const payload: PushPayload = {
        title: n.title,
        body: n.body,
        alertId: n.alertId,
        visitId: visitId ?? undefined,
        // The worker is sent to their visit (to check in); everyone else to the alert.
        url: n.staffId === worker && visitId ? `${base}/visits/${visitId}` : `${base}/alerts/${n.alertId}`,
        notificationId: n.id,
        tag: `alert-${n.alertId}`,
      };
      try {
        // The sender asks before its first request (after waiting its turn) and before each
        // retry: an acknowledgement meanwhile stops it, and so does our claim having been
        // taken back (this process stalled past its heartbeat and another sent it).
        let ours = true;
        const stillWanted = () => {
          if (!ours) return false;
          const now = stillToSend(deps.db, n);
          ours = now.ours;
          return now.wanted;
        };
        // A push service that never answers must not hold up the ladder.
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("push send timed out")), SEND_TIMEOUT_MS);
        });
        const out = await Promise.race([deps.push.sendToStaff(n.staffId, payload, { stillWanted }), timeout]).finally(() => clearTimeout(timer));
        if (!ours) return null; // the claim is someone else's now: so is the result
        return { id: n.id, status: out.accepted > 0 ? ("sent" as const) : out.noSubscription ? ("no_subscription" as const) : ("failed" as const) };
      } catch (e) {
        deps.log.error({ err: e, notificationId: n.id }, "push send failed");
        return { id: n.id, status: "failed" as const };
      }
    }).map((p) => p.then((r) => r && recorder.add(r))),
  );
  await recorder.drained();
  return claimed.length;
}
