// Escalation with GOV.UK Notify on: the shared escalation setup (fake clock, recording push,
// settable rota) with the app's Notify configuration pointed at a local fake Notify, the real
// official client sending to it, and the app listening on a loopback port so that Notify's
// callbacks (delivery receipts, received texts) reach it over HTTP with the callback token, as
// in production. Managers get UK mobile numbers; `subscribe(p)` gives someone a push
// subscription (the recording push sender is what "sends" it).
import { createECDH, randomBytes } from "node:crypto";
import { serve, type ServerType } from "@hono/node-server";
import { afterEach } from "vitest";
import { eq } from "drizzle-orm";
import { startFakeNotify, type FakeNotify } from "../support/fake-notify.js";
import { startNotify } from "../../src/lone-working/delivery/channels/notify/index.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { notifyMessages } from "../../src/lone-working/delivery/channels/notify/schema.js";
import { escalationSetup, type Person } from "./setup.js";

export const CALLBACK_TOKEN = "test-callback-token-0123456789";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

let numbers = 0;
/** A fresh UK mobile number (Ofcom's drama range 07700 900000–900999). */
export const nextMobile = () => `+4477009${String(100 + (numbers++ % 900)).padStart(5, "0")}`;

export async function notifySetup(policyOver: Record<string, unknown> = {}, envOver: Record<string, string> = {}) {
  const notify: FakeNotify = await startFakeNotify();
  cleanups.push(() => notify.close());
  const env = {
    NOTIFY_API_KEY: notify.apiKey,
    NOTIFY_SMS_TEMPLATE_ID: notify.smsTemplateId,
    NOTIFY_EMAIL_TEMPLATE_ID: notify.emailTemplateId,
    NOTIFY_BASE_URL: notify.url,
    NOTIFY_CALLBACK_TOKEN: CALLBACK_TOKEN,
    ...envOver,
  };
  const s = await escalationSetup(policyOver, env);
  // Short request timeouts and backoff: a fault in a test costs milliseconds, not seconds.
  const stop = startNotify(s.e.deps, { timeoutMs: 500, backoffMs: [5, 10, 20] });
  cleanups.push(stop);
  const server: ServerType = await new Promise((resolve) => {
    const srv = serve({ fetch: s.e.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(srv));
  });
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  notify.setCallbacks({ statusUrl: `${base}/api/notify/callbacks/status`, inboundUrl: `${base}/api/notify/callbacks/inbound`, token: CALLBACK_TOKEN });

  const db = s.e.deps.db;
  const mobileOf = new Map<string, string>();
  /** Give someone a UK mobile number (through PATCH /api/me, as they would). */
  const giveMobile = async (p: Person) => {
    const n = nextMobile();
    const r = await p.client.patch("/api/me", { mobile: n });
    if (r.status !== 200) throw new Error(`PATCH /api/me: ${r.status} ${JSON.stringify(r.body)}`);
    mobileOf.set(p.id, n);
    return n;
  };
  let sub = 0;
  // The recording push sender agrees with the database: nobody has a device until subscribe().
  const original = s.push.sendToStaff.bind(s.push);
  const subscribed = new Set<string>();
  s.push.sendToStaff = (staffId, payload) => {
    if (!subscribed.has(staffId)) s.push.unreachable.add(staffId);
    return original(staffId, payload);
  };
  /** A push subscription for someone, as their browser would register it. */
  const subscribe = async (p: Person) => {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const keys = { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
    const r = await p.client.post("/api/push/subscriptions", { endpoint: `https://fcm.googleapis.com/fcm/send/test-${p.id}-${sub++}`, keys });
    if (r.status !== 201) throw new Error(`subscribe: ${r.status} ${JSON.stringify(r.body)}`);
    subscribed.add(p.id);
    s.push.unreachable.delete(p.id);
  };
  await giveMobile(s.m1);
  await giveMobile(s.senior);
  await giveMobile(s.worker);
  /** Texts Notify accepted for this person's number. */
  const textsTo = (p: Person) => notify.sent.filter((m) => m.type === "sms" && m.to === mobileOf.get(p.id));
  /** The acknowledgement code in a text ("Reply ACK 4821 to acknowledge"). */
  const codeIn = (body: string) => /Reply ACK (\d{4}) to acknowledge/.exec(body)?.[1];
  const rows = (alertId: string) => db.select().from(notifications).where(eq(notifications.alertId, alertId)).all();
  const messages = () => db.select().from(notifyMessages).all();
  return { ...s, notify, base, giveMobile, subscribe, mobileOf, textsTo, codeIn, rows, messages };
}
