// Text messages and email through GOV.UK Notify as delivery channels ("sms", "email").
// startNotify puts the sender in deps.notify and registers the channels when NOTIFY_API_KEY
// is set (and each channel's template); without a key both are off and readiness says so.
//
// A claimed row becomes a notify_messages row (the address as it is now, the person's code
// for the alert, the next number in the texts to that address: channels/notify/store.ts),
// then one request to Notify, paced under its rate limit by the sender (client.ts). Notify
// echoes our message id as `reference` in its callbacks (alerts/text-callbacks.ts).
import type { Deps } from "../../../../deps.js";
import type { Channel, ChannelResult } from "../channel.js";
import { registerChannel } from "../index.js";
import { createNotifySender, type NotifySender, type NotifySendResult, type NotifySenderOptions } from "./client.js";
import type { NotifyKind } from "./schema.js";
import { notifyStore, reachesBy, type Prepared } from "./store.js";
import { composeEmail, composeText, testMessage } from "./text.js";

/** Rows a channel takes in one claim: what the sender can start within this (its time limit is longer). */
const CLAIM_WINDOW_MS = 5_000;
/** Delivery's wait for a batch's results: pacing plus the sender's retries fit inside it. */
const TIME_LIMIT_MS = 30_000;

export type { NotifySender } from "./client.js";

/** Whether each Notify channel is on, and if not, why (readiness and the pages say so). */
export function notifyState(deps: Pick<Deps, "config">): { sms: boolean; email: boolean; why: string | null } {
  const c = deps.config;
  if (!c.NOTIFY_API_KEY) return { sms: false, email: false, why: "Text messages and email are off: NOTIFY_API_KEY is not set." };
  const sms = !!c.NOTIFY_SMS_TEMPLATE_ID;
  const email = !!c.NOTIFY_EMAIL_TEMPLATE_ID;
  const why = !sms ? "Text messages are off: NOTIFY_SMS_TEMPLATE_ID is not set." : !email ? "Email is off: NOTIFY_EMAIL_TEMPLATE_ID is not set." : null;
  return { sms, email, why };
}

function notifyChannel(kind: NotifyKind, sender: NotifySender): Channel {
  return {
    name: kind,
    timeLimitMs: TIME_LIMIT_MS,
    reaches: (db, staffIds) => reachesBy(db, kind, staffIds),
    capacity: () => sender.capacity(CLAIM_WINDOW_MS),
    async send(deps, batch, done) {
      const store = notifyStore(deps.db);
      const prepared = await store.begin(
        batch.map((m) => ({
          notificationId: m.n.id,
          alertId: m.n.alertId,
          purpose: "alert" as const,
          kind,
          staffId: m.n.staffId,
          // Only a manager's ladder text can be acknowledged by reply (never the worker's own).
          withCode: kind === "sms" && m.n.purpose === "ladder" && !m.toWorker,
        })),
        deps.clock.now(),
      );
      // Each message is settled as its send ends (coalesced over a few ms), not when the whole
      // batch is over: one slow text must not leave the others' rows unsettled, nor a kill.
      const settle = coalesced((rs: Settled[]) => store.settle(rs, deps.clock.now()), deps);
      await Promise.all(
        batch.map(async (m, i) => {
          const p = prepared[i]!;
          if ("missing" in p) return done({ id: m.n.id, status: "no_subscription" });
          const r = await sendOne(sender, kind, p, { title: m.n.title, body: m.n.body, url: m.url }, m.stillWanted);
          settle.add({ messageId: p.messageId, notifyId: r.ok ? r.notifyId : undefined, status: r.ok ? "sent" : "failed" });
          await markBadIfRefused(deps, r, p, kind);
          if (!r.ok && r.reason !== "not_wanted") deps.log.warn({ notificationId: m.n.id, channel: kind, reason: r.reason, status: r.status }, "Notify did not take a message");
          done({ id: m.n.id, status: r.ok ? "sent" : "failed" } satisfies ChannelResult);
        }),
      );
      await settle.drained();
    },
  };
}

type Settled = { messageId: string; notifyId?: string; status: "sent" | "failed" };

/** Batch what arrives within SETTLE_COALESCE_MS into one write; a failed write is logged (a receipt still finds the row). */
function coalesced(write: (rs: Settled[]) => Promise<void>, deps: Pick<Deps, "log">) {
  let pending: Settled[] = [];
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  return {
    add(r: Settled) {
      pending.push(r);
      if (scheduled) return;
      scheduled = true;
      chain = chain
        .then(() => new Promise<void>((res) => setTimeout(res, SETTLE_COALESCE_MS)))
        .then(() => {
          scheduled = false;
          const batch = pending;
          pending = [];
          return write(batch);
        })
        .catch((e) => deps.log.warn({ err: e }, "recording Notify's ids failed; a delivery receipt still finds the message by its reference"));
    },
    drained: () => chain,
  };
}
const SETTLE_COALESCE_MS = 20;

function sendOne(sender: NotifySender, kind: NotifyKind, p: Prepared, m: { title: string; body: string; url: string }, stillWanted?: () => boolean) {
  if (kind === "sms") return sender.sendSms(p.address, composeText({ body: m.body, ackCode: p.ackCode, url: m.url, seq: p.seq }), p.messageId, stillWanted);
  const e = composeEmail({ title: m.title, body: m.body, url: m.url, seq: p.seq });
  return sender.sendEmail(p.address, e.subject, e.body, p.messageId, stillWanted);
}

/** Notify refused the number or address itself (not the key or the template): it is bad, and not used again until it changes. */
async function markBadIfRefused(deps: Deps, r: NotifySendResult, p: Prepared, kind: NotifyKind): Promise<void> {
  if (!r.ok && r.reason === "refused" && /phone_number|email_address|not a uk mobile|invalid phone|not a valid email/i.test(r.error)) {
    await notifyStore(deps.db).markBad(p.address, kind, p.messageId, deps.clock.now());
  }
}

/**
 * Start the Notify channels from the configuration (a no-op without NOTIFY_API_KEY). Returns
 * a function that takes them out again (tests).
 */
export function startNotify(deps: Deps, opts: Partial<NotifySenderOptions> = {}): () => void {
  const state = notifyState(deps);
  const c = deps.config;
  if (!c.NOTIFY_API_KEY) {
    deps.log.warn(state.why);
    return () => {};
  }
  const sender = createNotifySender({
    apiKey: c.NOTIFY_API_KEY,
    smsTemplateId: c.NOTIFY_SMS_TEMPLATE_ID,
    emailTemplateId: c.NOTIFY_EMAIL_TEMPLATE_ID,
    baseUrl: c.NOTIFY_BASE_URL,
    log: deps.log,
    ...opts,
  });
  deps.notify = sender;
  const off = [state.sms && registerChannel(notifyChannel("sms", sender)), state.email && registerChannel(notifyChannel("email", sender))].filter((f): f is () => void => !!f);
  deps.log.info({ sms: state.sms, email: state.email, baseUrl: c.NOTIFY_BASE_URL ?? "Notify's default" }, "GOV.UK Notify ready");
  if (!c.NOTIFY_CALLBACK_TOKEN) deps.log.warn("NOTIFY_CALLBACK_TOKEN is not set: delivery receipts and replies by text are refused");
  return () => {
    for (const f of off) f();
    if (deps.notify === sender) deps.notify = undefined;
  };
}

export type TestResult = { channel: NotifyKind; status: "sent" | "off" | "no_address" | "bad_address" | "failed"; messageId?: string };

/** A person sends themselves a test text or email (their page): straight to Notify, recorded, receipts as for alerts. */
export async function sendTest(deps: Deps, staffId: string, kind: NotifyKind): Promise<TestResult> {
  const sender = deps.notify;
  if (!sender || !notifyState(deps)[kind]) return { channel: kind, status: "off" };
  const store = notifyStore(deps.db);
  const [p] = await store.begin([{ notificationId: null, alertId: null, purpose: "test", kind, staffId, withCode: false }], deps.clock.now());
  if (!p || "missing" in p) return { channel: kind, status: p?.missing ?? "no_address" };
  const url = `${deps.config.PUBLIC_URL.replace(/\/$/, "")}/me`;
  const t = testMessage(p.seq, url);
  const r = kind === "sms" ? await sender.sendSms(p.address, t.body, p.messageId) : await sender.sendEmail(p.address, t.subject, t.body, p.messageId);
  await store.settle([{ messageId: p.messageId, notifyId: r.ok ? r.notifyId : undefined, status: r.ok ? "sent" : "failed" }], deps.clock.now());
  await markBadIfRefused(deps, r, p, kind);
  return { channel: kind, status: r.ok ? "sent" : "failed", messageId: p.messageId };
}
