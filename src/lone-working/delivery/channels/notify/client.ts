// The sender the Notify channel uses: the official client (notifications-node-client) with
// a timeout, bounded retries and pacing under Notify's rate limit.
//
// - 201: Notify's notification id.
// - 4xx other than 429 (a bad number, key or template): refused, never retried.
// - 5xx, a timeout, a network error: retried with backoff and jitter, up to maxAttempts.
// - 429 RateLimitError: every send of this sender pauses (Retry-After when given, else the
//   backoff), then this one retries. 429 TooManyRequestsError is the daily limit: retrying
//   within seconds cannot help, so it is reported unavailable at once.
// - Pacing: no more than perMinute requests start in any 60 s (a sliding window, pacer.ts),
//   and no more than maxInFlight are unanswered at once. Sends wait their turn in order.
// - stillWanted() is asked right before the first request and before each retry.
// - Logs name the reference, status and Notify's error type, never the address or the text
//   (nor the client's error object, whose config carries both).
import axios, { isAxiosError, type AxiosInstance } from "axios";
import { NotifyClient } from "notifications-node-client";
import type { Logger } from "pino";
import { Pacer } from "./pacer.js";

export type NotifySendResult =
  | { ok: true; notifyId: string }
  | { ok: false; reason: "not_wanted" }
  | { ok: false; reason: "refused"; status: number; error: string }
  | { ok: false; reason: "unavailable"; status: number; error: string };

export interface NotifySender {
  sendSms(to: string, body: string, reference: string, stillWanted?: () => boolean): Promise<NotifySendResult>;
  sendEmail(to: string, subject: string, body: string, reference: string, stillWanted?: () => boolean): Promise<NotifySendResult>;
  /** How many more sends it can start within the next `withinMs` without passing the rate limit (sends already waiting count against it). */
  capacity(withinMs: number): number;
}

export interface NotifySenderOptions {
  apiKey: string;
  smsTemplateId?: string;
  emailTemplateId?: string;
  /** Unset: the client's default, Notify's production API. */
  baseUrl?: string;
  /** Per request (the client has no timeout of its own). Default 5000. */
  timeoutMs?: number;
  /** Requests per send, the first included. Default 4. */
  maxAttempts?: number;
  /** Requests started in any 60 s. Default 2700: under Notify's 3000 a minute per key. */
  perMinute?: number;
  /** Requests unanswered at once. Default 20. */
  maxInFlight?: number;
  /** Waits before the 2nd, 3rd, … attempt (ms), the last repeated; each ±20% jitter. Default [250, 1000, 3000]. */
  backoffMs?: number[];
  log: Pick<Logger, "warn" | "error">;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter's randomness (tests pin it). */
  random?: () => number;
  /** Called as each request is started, with the time the pacer let it start (tests watch the pacing with it). */
  onRequest?: (info: { reference: string; kind: "sms" | "email"; attempt: number; at: number }) => void;
}

type Failure = { kind: "refused" | "retry" | "rate_limited" | "daily_limit"; status: number; error: string; type: string; retryAfterMs?: number };

/**
 * A request timeout that lets an answer already waiting on the socket be read first. After
 * the event loop was busy for longer than the timeout (a burst being raised), Node runs due
 * timers before it reads sockets: axios's own timeout would then abort a request Notify had
 * answered, and the retry would text the person twice. Here the timer only schedules the
 * abort for after the loop's next poll for I/O (setImmediate), so an answer that arrived
 * in time wins.
 */
function withYieldingTimeout(instance: AxiosInstance, timeoutMs: number): AxiosInstance {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  const clear = (config: object | undefined) => {
    const t = config && timers.get(config);
    if (t) clearTimeout(t);
  };
  instance.interceptors.request.use((config) => {
    const abort = new AbortController();
    config.signal = abort.signal;
    timers.set(config, setTimeout(() => setImmediate(() => abort.abort()), timeoutMs));
    return config;
  });
  instance.interceptors.response.use(
    (r) => {
      clear(r.config);
      return r;
    },
    (e: unknown) => {
      if (isAxiosError(e)) clear(e.config);
      return Promise.reject(e);
    },
  );
  return instance;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After as seconds or an HTTP date → ms; undefined when absent or unreadable. */
function retryAfterMs(value: unknown, now: number): number | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export function createNotifySender(opts: NotifySenderOptions): NotifySender {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 4);
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 20);
  const backoff = opts.backoffMs?.length ? opts.backoffMs : [250, 1_000, 3_000];
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const log = opts.log;
  const pacer = new Pacer(opts.perMinute ?? 2_700, 60_000);

  const client = opts.baseUrl ? new NotifyClient(opts.baseUrl, opts.apiKey) : new NotifyClient(opts.apiKey);
  // The same axios, typed twice: the client's CommonJS typings see axios's index.d.cts, this
  // ES module sees index.d.ts, and TypeScript treats the two AxiosInstance types as different.
  client.setClient(withYieldingTimeout(axios.create(), timeoutMs) as unknown as Parameters<NotifyClient["setClient"]>[0]);
  /** How long a request takes, smoothed (what capacity() expects of the next ones). */
  let typicalMs = 300;

  // Sends waiting for a start, in order; one pump hands out starts as the pacer and the
  // in-flight cap allow, asking each send's stillWanted() right before its start.
  const waiting: Array<{ stillWanted?: () => boolean; go: (startedAt: number | false) => void }> = [];
  let pumping = false;
  let inFlight = 0;
  let backingOff = 0;
  let freed: (() => void) | undefined;

  const wanted = (stillWanted?: () => boolean): boolean => {
    if (!stillWanted) return true;
    try {
      return stillWanted();
    } catch (e) {
      log.error({ error: e instanceof Error ? e.name : "unknown" }, "notify: stillWanted() threw; not sending");
      return false;
    }
  };

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (waiting.length > 0) {
        if (inFlight >= maxInFlight) {
          await new Promise<void>((r) => (freed = r));
          continue;
        }
        const next = waiting[0]!;
        if (!wanted(next.stillWanted)) {
          waiting.shift();
          next.go(false);
          continue;
        }
        const t = now();
        if (!pacer.take(t)) {
          await sleep(Math.max(1, pacer.earliestStart(t) - t));
          continue;
        }
        waiting.shift();
        inFlight++;
        next.go(t);
      }
    } finally {
      pumping = false;
    }
  }

  /** Wait for a start: the time it was granted, or false when stillWanted() said no first. */
  const start = (stillWanted?: () => boolean) =>
    new Promise<number | false>((go) => {
      waiting.push({ stillWanted, go });
      void pump();
    });

  const finished = () => {
    inFlight--;
    const f = freed;
    freed = undefined;
    f?.();
  };

  function classify(e: unknown): Failure {
    if (!isAxiosError(e)) return { kind: "refused", status: 0, error: e instanceof Error ? e.message : String(e), type: "client" };
    if (e.response) {
      const status = e.response.status;
      const errors = (e.response.data as { errors?: Array<{ error?: string; message?: string }> } | undefined)?.errors;
      const type = errors?.[0]?.error ?? `HTTP ${status}`;
      const error = errors?.length ? errors.map((x) => `${x.error}: ${x.message}`).join("; ") : `HTTP ${status}`;
      if (status === 429) {
        if (type === "TooManyRequestsError") return { kind: "daily_limit", status, error, type };
        return { kind: "rate_limited", status, error, type, retryAfterMs: retryAfterMs(e.response.headers?.["retry-after"], now()) };
      }
      if (status >= 500) return { kind: "retry", status, error, type };
      return { kind: "refused", status, error, type };
    }
    // No answer: our own timeout (ERR_CANCELED, see withYieldingTimeout), or axios's.
    if (e.code === "ERR_CANCELED" || e.code === "ECONNABORTED" || e.code === "ETIMEDOUT") return { kind: "retry", status: 0, error: `timeout: no answer within ${timeoutMs} ms`, type: "timeout" };
    return { kind: "retry", status: 0, error: `network: ${e.code ?? e.message}`, type: e.code ?? "network" };
  }

  function wait(attempt: number): number {
    const base = backoff[Math.min(attempt - 1, backoff.length - 1)]!;
    return Math.round(base * (0.8 + 0.4 * random()));
  }

  async function send(
    kind: "sms" | "email",
    reference: string,
    stillWanted: (() => boolean) | undefined,
    request: () => Promise<{ data: { id: string } }>,
  ): Promise<NotifySendResult> {
    for (let attempt = 1; ; attempt++) {
      const at = await start(stillWanted);
      if (at === false) return { ok: false, reason: "not_wanted" };
      opts.onRequest?.({ reference, kind, attempt, at });
      let f: Failure;
      const t0 = now();
      try {
        const r = await request();
        typicalMs = 0.8 * typicalMs + 0.2 * Math.max(1, now() - t0);
        return { ok: true, notifyId: r.data.id };
      } catch (e) {
        f = classify(e);
      } finally {
        finished();
      }
      const note = { reference, kind, status: f.status, error: f.type, attempt };
      if (f.kind === "refused") {
        log.warn(note, "notify refused a send");
        return { ok: false, reason: "refused", status: f.status, error: f.error };
      }
      if (f.kind === "daily_limit" || attempt >= maxAttempts) {
        log.error(note, "notify send failed: giving up");
        return { ok: false, reason: "unavailable", status: f.status, error: f.error };
      }
      log.warn(note, "notify send failed: will retry");
      if (f.kind === "rate_limited") {
        // Every send of this sender waits, this one included (the pump holds starts until then).
        pacer.pause(now() + (f.retryAfterMs ?? wait(attempt)));
        continue;
      }
      backingOff++;
      try {
        await sleep(wait(attempt));
      } finally {
        backingOff--;
      }
    }
  }

  const noTemplate = (what: string): NotifySendResult => ({ ok: false, reason: "refused", status: 0, error: `no ${what} template configured` });

  return {
    sendSms(to, body, reference, stillWanted) {
      const templateId = opts.smsTemplateId;
      if (!templateId) return Promise.resolve(noTemplate("text message"));
      return send("sms", reference, stillWanted, () => client.sendSms(templateId, to, { personalisation: { body }, reference }));
    },
    sendEmail(to, subject, body, reference, stillWanted) {
      const templateId = opts.emailTemplateId;
      if (!templateId) return Promise.resolve(noTemplate("email"));
      return send("email", reference, stillWanted, () => client.sendEmail(templateId, to, { personalisation: { subject, body }, reference }));
    },
    capacity(withinMs) {
      // The rate limit allows a burst of thousands, but only maxInFlight go at once: take no
      // more than can start within the window at the round trip seen lately, so nothing
      // claimed waits here past delivery's time limit.
      const byThroughput = Math.floor((maxInFlight * withinMs) / typicalMs) - inFlight;
      return Math.max(0, Math.min(pacer.capacity(now(), withinMs), byThroughput) - waiting.length - backingOff);
    },
  };
}
