// A real push round trip: the server's sender → a local HTTPS push service
// (self-signed certificate) that verifies the VAPID JWT and decrypts the payload.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { testEnv, type TestEnv } from "../helpers.js";
import { startPushReceiver, type PushReceiver } from "./push-receiver.js";
import { createPushSender, retryAfterMs, type HttpPushSender } from "../../src/lone-working/delivery/channels/push/sender.js";
import { startPush } from "../../src/lone-working/delivery/channels/push/start.js";
import { loadOrCreateVapidKeys } from "../../src/lone-working/delivery/channels/push/vapid.js";
import { pushSubscriptions } from "../../src/lone-working/delivery/channels/push/schema.js";
import { hasWorkingSubscription } from "../../src/lone-working/delivery/channels/push/store.js";
import type { PushPayload } from "../../src/lone-working/delivery/channels/push/types.js";

let rx: PushReceiver;
let env: TestEnv;
let sender: HttpPushSender;
let waits: number[] = [];
const payload: PushPayload = { title: "Check in now", body: "Your check-in at 14:00 is due", url: "/visits/v1", alertId: "a1", visitId: "v1", notificationId: "n1", tag: "alert-a1" };

async function personWithDevices(n = 1) {
  const p = await env.person({ roles: ["manager"] });
  const subs = [];
  for (let i = 0; i < n; i++) {
    const s = rx.makeSubscription();
    expect((await p.client.post("/api/push/subscriptions", s)).status).toBe(201);
    subs.push(s);
  }
  return { ...p, subs };
}
const rowOf = (endpoint: string) => env.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).get();
const requestsTo = (endpoint: string) => rx.requests.filter((r) => r.path === new URL(endpoint).pathname);

beforeAll(async () => {
  rx = await startPushReceiver();
  env = await testEnv({ PUSH_ALLOWED_HOSTS: `127.0.0.1:${rx.port}` });
  sender = createPushSender(env.deps, {
    keys: loadOrCreateVapidKeys(env.deps),
    ca: rx.ca,
    sleep: async (ms) => void waits.push(ms),
  });
});
beforeEach(() => {
  waits = [];
});
afterAll(async () => {
  sender.close();
  await rx.close();
});

describe("push round trip", () => {
  it("delivers an aes128gcm payload signed with the server's VAPID key, TTL and Urgency: high", async () => {
    const p = await personWithDevices();
    const out = await sender.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ accepted: 1, failed: 0, removed: 0, noSubscription: false });
    const [got] = requestsTo(p.subs[0]!.endpoint);
    expect(got).toBeDefined();
    expect(rx.decrypt(got!)).toEqual(payload);
    expect(got!.headers["content-encoding"]).toBe("aes128gcm");
    expect(got!.headers.urgency).toBe("high");
    expect(Number(got!.headers.ttl)).toBeGreaterThan(0);
    expect(got!.headers.topic).toBe("alert-a1");
    const key = (await p.client.get("/api/push/vapid-public-key")).body.key;
    const v = await rx.verifyVapid(got!, key, env.clock.now());
    expect(v.alg).toBe("ES256");
    expect(v.claims.aud).toBe(rx.origin);
    expect(v.claims.sub).toBe(env.config.VAPID_SUBJECT);
    const exp = v.claims.exp! * 1000 - env.clock.now().getTime();
    expect(exp).toBeGreaterThan(12 * 3600_000);
    expect(exp).toBeLessThanOrEqual(24 * 3600_000); // RFC 8292: at most 24 h
    // a different key must not verify
    const other = (await import("web-push")).default.generateVAPIDKeys().publicKey;
    await expect(rx.verifyVapid(got!, other, env.clock.now())).rejects.toThrow();
  });

  it("sends to every device a person has", async () => {
    const p = await personWithDevices(3);
    const out = await sender.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ accepted: 3, noSubscription: false });
    for (const s of p.subs) expect(rx.decrypt(requestsTo(s.endpoint)[0]!)).toEqual(payload);
  });

  it("says noSubscription for a person with no device", async () => {
    const p = await env.person();
    expect(await sender.sendToStaff(p.id, payload)).toMatchObject({ accepted: 0, noSubscription: true });
  });

  it("reuses one signed JWT per push-service origin until it nears expiry", async () => {
    const p = await personWithDevices(2);
    await sender.sendToStaff(p.id, payload);
    const signedBefore = sender.signer.signed;
    await sender.sendToStaff(p.id, payload);
    const auth = p.subs.flatMap((s) => requestsTo(s.endpoint)).map((r) => r.headers.authorization);
    expect(auth).toHaveLength(4);
    expect(new Set(auth).size).toBe(1);
    expect(sender.signer.signed).toBe(signedBefore);
    // 13 hours on, less than 11 h remain on a 23 h token: a fresh one is signed and still verifies
    env.clock.advance(13 * 3600_000);
    await sender.sendToStaff(p.id, payload);
    const fresh = requestsTo(p.subs[0]!.endpoint).at(-1)!;
    expect(fresh.headers.authorization).not.toBe(auth[0]);
    expect(sender.signer.signed).toBe(signedBefore + 1);
    const v = await rx.verifyVapid(fresh, undefined, env.clock.now());
    expect(v.claims.exp! * 1000).toBeGreaterThan(env.clock.now().getTime() + 22 * 3600_000);
  });

  for (const status of [404, 410]) {
    it(`${status} from the push service removes that subscription (only that one)`, async () => {
      const p = await personWithDevices(2);
      const [gone, kept] = p.subs;
      rx.setResponse(gone!.endpoint, status);
      const before = env.auditCount();
      const out = await sender.sendToStaff(p.id, payload);
      expect(out).toMatchObject({ accepted: 1, removed: 1, failed: 0 });
      expect(requestsTo(gone!.endpoint)).toHaveLength(1); // not retried
      expect(rowOf(gone!.endpoint)).toBeUndefined();
      expect(rowOf(kept!.endpoint)).toBeDefined();
      expect(env.auditCount()).toBe(before + 1); // the removal is on the record
      expect(hasWorkingSubscription(env.deps.db, p.id)).toBe(true);
    });
  }

  it("429 waits what Retry-After says, then sends again", async () => {
    const p = await personWithDevices();
    rx.setResponse(p.subs[0]!.endpoint, 429, { "Retry-After": "3" }, 2);
    const out = await sender.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ accepted: 1, failed: 0 });
    expect(waits).toEqual([3000, 3000]);
    expect(requestsTo(p.subs[0]!.endpoint).map((r) => r.status)).toEqual([429, 429, 201]);
  });

  it("429 asking for longer than the retry budget gives up for now (the engine re-sends later)", async () => {
    const p = await personWithDevices();
    rx.setResponse(p.subs[0]!.endpoint, 429, { "Retry-After": "120" });
    const out = await sender.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ accepted: 0, failed: 1 });
    expect(waits).toEqual([]);
    expect(rowOf(p.subs[0]!.endpoint)).toMatchObject({ lastFailureStatus: 429, failedPermanentlyAt: null });
    expect(hasWorkingSubscription(env.deps.db, p.id)).toBe(true);
    rx.setResponse(p.subs[0]!.endpoint, 201, {}, 1);
  });

  it("5xx is retried with growing backoff, then succeeds, and clears the failure", async () => {
    const p = await personWithDevices();
    rx.setResponse(p.subs[0]!.endpoint, 500, {}, 1);
    rx.setResponse(p.subs[0]!.endpoint, 503, {}, 2);
    const out = await sender.sendToStaff(p.id, payload);
    expect(out.accepted).toBe(1);
    expect(out.results?.[0]).toMatchObject({ attempts: 3, status: 201 });
    expect(waits).toHaveLength(2);
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(10_000);
    expect(rowOf(p.subs[0]!.endpoint)).toMatchObject({ lastFailureStatus: null, failedPermanentlyAt: null });
  });

  it("5xx for ever stops after a few attempts within the budget, and counts as failed for now", async () => {
    const p = await personWithDevices();
    rx.setResponse(p.subs[0]!.endpoint, 502);
    const out = await sender.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ accepted: 0, failed: 1, removed: 0 });
    expect(requestsTo(p.subs[0]!.endpoint).length).toBe(4);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    expect(hasWorkingSubscription(env.deps.db, p.id)).toBe(true); // transient: still counts as working
  });

  it("stops retrying once the message is no longer wanted (the alert was acknowledged)", async () => {
    const p = await personWithDevices();
    rx.setResponse(p.subs[0]!.endpoint, 503);
    // acknowledged while the second attempt was in flight
    const out = await sender.sendToStaff(p.id, payload, { stillWanted: () => requestsTo(p.subs[0]!.endpoint).length < 2 });
    expect(out.failed).toBe(1);
    expect(requestsTo(p.subs[0]!.endpoint)).toHaveLength(2);
  });

  it("a refusal retrying cannot fix (403: wrong VAPID key) flags the subscription as not working", async () => {
    const p = await personWithDevices();
    rx.setResponse(p.subs[0]!.endpoint, 403);
    const out = await sender.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ failed: 1 });
    expect(requestsTo(p.subs[0]!.endpoint)).toHaveLength(1);
    expect(hasWorkingSubscription(env.deps.db, p.id)).toBe(false);
    // a later success clears it
    rx.setResponse(p.subs[0]!.endpoint, 201);
    await sender.sendToStaff(p.id, payload);
    expect(hasWorkingSubscription(env.deps.db, p.id)).toBe(true);
  });

  it("network errors are retried like 5xx", async () => {
    const dead = await startPushReceiver();
    const e = await testEnv({ PUSH_ALLOWED_HOSTS: `127.0.0.1:${dead.port}` });
    const s = createPushSender(e.deps, { keys: loadOrCreateVapidKeys(e.deps), ca: dead.ca, sleep: async (ms) => void waits.push(ms) });
    const p = await e.person();
    expect((await p.client.post("/api/push/subscriptions", dead.makeSubscription())).status).toBe(201);
    await dead.close(); // nothing listens now: ECONNREFUSED
    const out = await s.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ failed: 1 });
    expect(out.results?.[0]).toMatchObject({ status: 0, attempts: 4 });
    expect(waits).toHaveLength(3);
    s.close();
  });

  it("does not trust an unknown certificate: TLS verification is never switched off", async () => {
    const e = await testEnv({ PUSH_ALLOWED_HOSTS: `127.0.0.1:${rx.port}` });
    const s = createPushSender(e.deps, { keys: loadOrCreateVapidKeys(e.deps), sleep: async () => {} }); // no ca
    const p = await e.person();
    const sub = rx.makeSubscription();
    await p.client.post("/api/push/subscriptions", sub);
    const out = await s.sendToStaff(p.id, payload);
    expect(out).toMatchObject({ accepted: 0, failed: 1 });
    expect(requestsTo(sub.endpoint)).toHaveLength(0);
    s.close();
  });

  it("refuses at send time a stored endpoint whose host is no longer allowed", async () => {
    const p = await personWithDevices();
    const saved = env.deps.config.pushAllowedHosts;
    env.deps.config.pushAllowedHosts = ["fcm.googleapis.com"];
    try {
      const out = await sender.sendToStaff(p.id, payload);
      expect(out).toMatchObject({ failed: 1, accepted: 0 });
      expect(requestsTo(p.subs[0]!.endpoint)).toHaveLength(0);
    } finally {
      env.deps.config.pushAllowedHosts = saved;
    }
  });
});

describe("startPush", () => {
  it("keeps the generated keys across restarts and sets deps.push to the real sender", async () => {
    const e = await testEnv({ PUSH_ALLOWED_HOSTS: `127.0.0.1:${rx.port}` });
    await startPush(e.deps, { ca: rx.ca, sleep: async () => {} });
    const first = loadOrCreateVapidKeys(e.deps).publicKey;
    await startPush(e.deps, { ca: rx.ca, sleep: async () => {} });
    expect(loadOrCreateVapidKeys(e.deps).publicKey).toBe(first);
    const p = await e.person();
    const sub = rx.makeSubscription();
    await p.client.post("/api/push/subscriptions", sub);
    expect((await p.client.post("/api/push/test")).body).toMatchObject({ accepted: 1 });
    const got = requestsTo(sub.endpoint)[0]!;
    expect(rx.decrypt(got)).toMatchObject({ title: "Dutyline test" });
    await rx.verifyVapid(got, first, e.clock.now());
    (e.deps.push as HttpPushSender).close();
  });

  it("refuses a malformed VAPID key pair from the environment at start-up", async () => {
    const e = await testEnv({ VAPID_PUBLIC_KEY: "abc", VAPID_PRIVATE_KEY: "def" });
    await expect(startPush(e.deps)).rejects.toThrow(/VAPID_PUBLIC_KEY/);
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates", () => {
    const now = new Date("2026-11-24T12:00:00Z");
    expect(retryAfterMs("5", now)).toBe(5000);
    expect(retryAfterMs("Tue, 24 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
  });
});
