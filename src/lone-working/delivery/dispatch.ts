// Sending: claim what is queued, send each claimed row, record the results. The
// scheduler starts sends and never waits on them, so a hanging send holds up nothing.
import type { Deps } from "../../deps.js";
import { channelNamed, type OutgoingMessage } from "./channels/index.js";
import { isInFlight, whileInFlight } from "./claims.js";
import { SEND_TIMEOUT_MS } from "./constants.js";
import { resultRecorder, writeUnrecorded } from "./results.js";
import { deliveryStore, stillToSend } from "./store.js";
import type { Claimed, SendResult } from "./types.js";

/**
 * Send queued notifications (and claims of processes that stopped beating), waiting for
 * their results: tests and scripts. The scheduler uses startSends and does not wait.
 */
export async function sendQueued(deps: Deps, limit = 2000): Promise<number> {
  return (await startSends(deps, limit)).done;
}

/**
 * Claim what is queued now and start sending it; resolves once the claim has committed,
 * and `done` settles when the results are recorded. The scheduler does not wait on `done`,
 * so a push service that hangs never holds up the ladder of any alert.
 */
export async function startSends(deps: Deps, limit = 2000): Promise<{ claimed: number; done: Promise<number> }> {
  const now = deps.clock.now();
  writeUnrecorded(deps);
  // Before the claim, so retries go out in this claim; a failure fails the pass (the
  // scheduler then stops beating after PASS_STALE_MS, and a standby or /readyz notices),
  // rather than leaving failed ladder sends never retried with only a log line to say so.
  await deliveryStore(deps.db).requeueFailed(now);
  // Our own claims are never claimable (in a burst they are most of "sending").
  const claimed = await deliveryStore(deps.db).claim(now, limit, isInFlight);
  if (claimed.length === 0) return { claimed: 0, done: Promise.resolve(0) };
  return { claimed: claimed.length, done: sendNow(deps, claimed) };
}

/** Send rows this process has claimed (committed as "sending" by RUN_ID). */
export function sendNow(deps: Deps, claimed: Claimed[]): Promise<number> {
  return whileInFlight(claimed, () => sendClaimed(deps, claimed));
}

/** Where a message takes its reader: the worker to their visit (to check in), everyone else to the alert. */
export function linkFor(deps: Deps, c: Claimed): string {
  const base = deps.config.PUBLIC_URL.replace(/\/$/, "");
  return c.n.staffId === c.worker && c.visitId ? `${base}/visits/${c.visitId}` : `${base}/alerts/${c.n.alertId}`;
}

/**
 * Hand each channel its rows (by the row's `channel` column), all channels at once, and
 * record each result as it is known. A channel that never answers a row is cut off at
 * SEND_TIMEOUT_MS (the row counts as failed): no channel holds up another, or the ladder.
 */
async function sendClaimed(deps: Deps, claimed: Claimed[]): Promise<number> {
  // Each result is recorded as soon as it is known (coalesced over RESULT_COALESCE_MS), not
  // when the whole batch is done: a process killed mid-batch then leaves as few sends
  // unrecorded (and so sent again by whoever takes the claim back) as it can.
  const recorder = resultRecorder(deps);
  const byChannel = new Map<string, Claimed[]>();
  for (const c of claimed) {
    const list = byChannel.get(c.n.channel);
    if (list) list.push(c);
    else byChannel.set(c.n.channel, [c]);
  }
  await Promise.all([...byChannel].map(([name, rows]) => sendBy(deps, name, rows, recorder)));
  await recorder.drained();
  return claimed.length;
}

async function sendBy(deps: Deps, name: string, rows: Claimed[], recorder: ReturnType<typeof resultRecorder>): Promise<void> {
  const channel = channelNamed(name);
  /** Rows still waiting for their result; true while the claim is still ours. */
  const open = new Map<string, { ours: boolean }>();
  const finish = (id: string, status: SendResult["status"]) => {
    const o = open.get(id);
    if (!o) return; // already settled (or cut off by the time limit)
    open.delete(id);
    if (o.ours) recorder.add({ id, status }); // else the claim is someone else's now: so is the result
    // Settled (a failure cut off at the time limit included): a send of it still waiting in the
    // channel must not go now; the row may be queued again and claimed anew.
    o.ours = false;
  };
  if (!channel) {
    deps.log.error({ channel: name, notifications: rows.map((r) => r.n.id) }, "no such delivery channel: the sends count as failed");
    for (const r of rows) recorder.add({ id: r.n.id, status: "failed" });
    return;
  }
  const batch: OutgoingMessage[] = rows.map((c) => {
    const state = { ours: true };
    open.set(c.n.id, state);
    return {
      n: c.n,
      visitId: c.visitId,
      url: linkFor(deps, c),
      toWorker: c.n.staffId === c.worker,
      // The channel asks before its first request and before each retry: an acknowledgement
      // meanwhile stops it, and so does our claim having been taken back (this process
      // stalled past its heartbeat and another sent it).
      stillWanted: () => {
        if (!state.ours) return false;
        const now = stillToSend(deps.db, c.n);
        state.ours = now.ours;
        return now.wanted;
      },
    };
  });
  // A channel that never answers must not hold up the ladder.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (open.size > 0) deps.log.error({ channel: name, notifications: [...open.keys()] }, `${name} send timed out`);
      resolve();
    }, channel.timeLimitMs ?? SEND_TIMEOUT_MS);
  });
  try {
    await Promise.race([channel.send(deps, batch, (r) => finish(r.id, r.status)), timeout]);
  } catch (e) {
    deps.log.error({ err: e, channel: name }, `${name} send failed`);
  } finally {
    clearTimeout(timer);
  }
  for (const id of [...open.keys()]) finish(id, "failed");
}
