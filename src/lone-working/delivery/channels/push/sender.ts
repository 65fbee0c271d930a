// The web push sender: encrypts each payload for the device (aes128gcm), signs
// with VAPID (one JWT per push-service origin, reused), and POSTs it itself over
// a keep-alive agent, so it decides headers, retries and trust.
//
// Per subscription: 2xx accepted; 404/410 removes the subscription; 429 waits
// Retry-After; 5xx and network errors retry with backoff, bounded (a few attempts
// within ~10 s): the escalation engine keeps every notification as a row and sends
// again from there, so the sender never needs to hold a message for long.
import { Agent, request } from "node:https";
import { createHash } from "node:crypto";
import webPush from "web-push";
import type { Deps } from "../../../../deps.js";
import { endpointRefusal } from "./allowed-hosts.js";
import type { PushSubscriptionRow } from "./schema.js";
import { endpointHost, pushStore, type SendNote } from "./store.js";
import type { PushOutcome, PushPayload, PushSender, SendOptions, SubscriptionResult } from "./types.js";
import { vapidSigner, type VapidKeys, type VapidSigner } from "./vapid.js";

export interface SenderOptions {
  keys: VapidKeys;
  /**
   * Extra certificate authority to trust (tests' self-signed push service). When
   * unset the system roots apply (plus NODE_EXTRA_CA_CERTS); verification is never off.
   */
  ca?: string | Buffer;
  /** Seconds the push service keeps an undelivered message. An alert goes stale; later steps re-send. */
  ttlSeconds?: number;
  maxAttempts?: number;
  /** Waits between attempts (ms), the last one repeated; each gets up to 20% jitter. */
  backoffMs?: number[];
  /** Total waiting one subscription's send may spend on retries. */
  retryBudgetMs?: number;
  requestTimeoutMs?: number;
  maxSockets?: number;
  /** Injected by tests to record waits without spending them. */
  sleep?: (ms: number) => Promise<void>;
  /** Called as each request has been written to its socket (benchmarks measure dispatch lag with it). */
  onRequest?: (info: { staffId: string; subscriptionId: string; attempt: number; at: number }) => void;
}

export interface HttpPushSender extends PushSender {
  readonly signer: VapidSigner;
  readonly agent: Agent;
  /** Send to one stored subscription (bookkeeping is written by the next flush). */
  sendToSubscription(row: PushSubscriptionRow, payload: PushPayload, opts?: SendOptions): Promise<SubscriptionResult>;
  /** Write pending delivery bookkeeping now. */
  flush(): void;
  close(): void;
}

interface Reply {
  status: number; // 0 = network error or timeout
  retryAfter?: string;
  error?: string;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds or an HTTP date → milliseconds to wait; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now.getTime());
}

/** A Topic header (≤32 base64url chars) from the payload's tag: a newer message for the same alert replaces an undelivered older one. */
function topicOf(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  return /^[A-Za-z0-9_-]{1,32}$/.test(tag) ? tag : createHash("sha256").update(tag).digest("base64url").slice(0, 32);
}

export function createPushSender(deps: Deps, opts: SenderOptions): HttpPushSender {
  const ttl = opts.ttlSeconds ?? 900;
  const maxAttempts = opts.maxAttempts ?? 4;
  const backoff = opts.backoffMs ?? [250, 1000, 3000];
  const budget = opts.retryBudgetMs ?? 10_000;
  const timeout = opts.requestTimeoutMs ?? 5_000;
  const sleep = opts.sleep ?? realSleep;
  const signer = vapidSigner(opts.keys, () => deps.clock.now());
  // Bookkeeping is written when no send is in flight (one transaction per burst),
  // or at least every second under continuous load.
  let notes = new Map<PushSubscriptionRow, SendNote>();
  let inFlight = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (notes.size === 0) return;
    const batch = notes;
    notes = new Map();
    // The store writes at once (its transaction runs before the promise settles).
    pushStore(deps.db)
      .recordSendNotes(batch)
      .catch((e) => deps.log.error({ err: e }, "push: could not record delivery bookkeeping"));
  };
  const note = (row: PushSubscriptionRow, n: SendNote) => {
    notes.set(row, n);
    flushTimer ??= setTimeout(flush, 1000).unref();
  };
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 128, ...(opts.ca ? { ca: opts.ca } : {}) });

  // Encryption costs ~0.2 ms of CPU a message. In a burst, a few are encrypted per
  // turn of the event loop, so earlier messages go out on the wire while later
  // ones are still being encrypted (rather than all leaving after the last).
  const lane: Array<() => void> = [];
  let laneScheduled = false;
  const drainLane = () => {
    laneScheduled = false;
    for (const go of lane.splice(0, 4)) go();
    if (lane.length && !laneScheduled) {
      laneScheduled = true;
      setImmediate(drainLane);
    }
  };
  const myTurn = () =>
    new Promise<void>((resolve) => {
      lane.push(resolve);
      if (!laneScheduled) {
        laneScheduled = true;
        setImmediate(drainLane);
      }
    });

  function post(url: URL, body: Buffer, headers: Record<string, string | number>, onSent?: () => void): Promise<Reply> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: Reply) => {
        if (!done) {
          done = true;
          resolve(r);
        }
      };
      let sent = false;
      const markSent = () => {
        if (!sent) {
          sent = true;
          onSent?.();
        }
      };
      const req = request(url, { method: "POST", agent, headers, timeout }, (res) => {
        markSent(); // an answer means it left, even if 'finish' has not been seen yet
        res.resume(); // drain, so the socket goes back to the pool
        res.on("end", () => finish({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] }));
        res.on("error", (e) => finish({ status: 0, error: e.message }));
      });
      if (onSent) req.on("finish", markSent); // the whole request was handed to the socket
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeout} ms`)));
      req.on("error", (e) => finish({ status: 0, error: e.message }));
      req.end(body);
    });
  }

  async function sendToSubscription(row: PushSubscriptionRow, payload: PushPayload, sendOpts: SendOptions = {}): Promise<SubscriptionResult> {
    const host = endpointHost(row.endpoint);
    const base = { subscriptionId: row.id, host };
    // Checked again at send time: the allowed list may have shrunk since subscribing.
    const refusal = endpointRefusal(row.endpoint, deps.config.pushAllowedHosts);
    if (refusal) {
      await pushStore(deps.db).markPermanentFailure(row, 0, deps.clock.now());
      deps.log.warn({ host, refusal }, "push endpoint no longer allowed");
      return { ...base, result: "failed", status: 0, attempts: 0 };
    }
    const url = new URL(row.endpoint);
    await myTurn();
    // Asked before the first request too: a turn can come long after the send was started.
    if (sendOpts.stillWanted && !sendOpts.stillWanted()) return { ...base, result: "failed", status: 0, attempts: 0 };
    const body = webPush.encrypt(row.p256dh, row.auth, JSON.stringify(payload), "aes128gcm").cipherText;
    const topic = topicOf(payload.tag);
    const headers: Record<string, string | number> = {
      TTL: ttl,
      Urgency: "high",
      "Content-Encoding": "aes128gcm",
      "Content-Type": "application/octet-stream",
      "Content-Length": body.length,
      ...(topic ? { Topic: topic } : {}),
    };
    let waited = 0;
    let attempts = 0;
    let last: Reply = { status: 0 };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      attempts = attempt;
      headers.Authorization = signer.authorization(url.origin);
      const onSent = opts.onRequest ? () => opts.onRequest!({ staffId: row.staffId, subscriptionId: row.id, attempt, at: performance.timeOrigin + performance.now() }) : undefined;
      last = await post(url, body, headers, onSent);
      const s = last.status;
      if (s >= 200 && s < 300) {
        note(row, { kind: "success", at: deps.clock.now() });
        return { ...base, result: "accepted", status: s, attempts: attempt };
      }
      if (s === 404 || s === 410) {
        await pushStore(deps.db).removeGone(row, s, deps.clock.now());
        deps.log.info({ host, status: s }, "push subscription gone: removed");
        return { ...base, result: "removed", status: s, attempts: attempt };
      }
      const retryable = s === 0 || s === 429 || s >= 500;
      if (!retryable) {
        await pushStore(deps.db).markPermanentFailure(row, s, deps.clock.now());
        deps.log.warn({ host, status: s }, "push refused: subscription flagged");
        return { ...base, result: "failed", status: s, attempts: attempt };
      }
      if (attempt === maxAttempts) break;
      let wait = s === 429 ? retryAfterMs(last.retryAfter, deps.clock.now()) : undefined;
      if (wait === undefined) {
        const b = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 1000;
        wait = Math.round(b * (1 + Math.random() * 0.2));
      }
      if (waited + wait > budget) break; // the engine re-sends from its rows later
      if (sendOpts.stillWanted && !sendOpts.stillWanted()) break;
      await sleep(wait);
      waited += wait;
      if (sendOpts.stillWanted && !sendOpts.stillWanted()) break;
    }
    note(row, { kind: "transient", at: deps.clock.now(), status: last.status });
    deps.log.warn({ host, status: last.status, error: last.error }, "push failed for now");
    return { ...base, result: "failed", status: last.status, attempts };
  }

  return {
    signer,
    agent,
    sendToSubscription,
    async sendToStaff(staffId, payload, sendOpts) {
      const rows = await pushStore(deps.db).subscriptionsOf(staffId);
      if (rows.length === 0) return { accepted: 0, failed: 0, removed: 0, noSubscription: true, results: [] };
      inFlight++;
      let results: SubscriptionResult[];
      try {
        results = await Promise.all(rows.map((r) => sendToSubscription(r, payload, sendOpts)));
      } finally {
        if (--inFlight === 0) flush();
      }
      const n = (k: SubscriptionResult["result"]) => results.filter((r) => r.result === k).length;
      return { accepted: n("accepted"), failed: n("failed"), removed: n("removed"), noSubscription: false, results };
    },
    flush,
    close() {
      flush();
      agent.destroy();
    },
  };
}
