// Push routes: the VAPID key, subscribing a device, taking one over, unsubscribing; roles and bad input.
import { beforeAll, describe, expect, it } from "vitest";
import webPush from "web-push";
import { count, eq } from "drizzle-orm";
import { expectInvalid, testEnv, type TestEnv } from "../helpers.js";
import { pushSubscriptions } from "../../src/lone-working/delivery/channels/push/schema.js";
import { hasWorkingSubscription } from "../../src/lone-working/delivery/channels/push/store.js";
import { getSetting } from "../../src/db/settings.js";
import { subscriptionKeys } from "./push-receiver.js";
import { ROLES } from "../../src/staff/schema.js";

const ALLOWED = "127.0.0.1:9443,push.example.org";
const sub = (name: string, host = "https://push.example.org") => {
  const k = subscriptionKeys(name);
  return { endpoint: `${host}/push/${name}`, keys: { p256dh: k.p256dh, auth: k.auth } };
};

let env: TestEnv;
const rowsFor = (endpoint: string) => env.deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).all();
const total = () => env.deps.db.select({ n: count() }).from(pushSubscriptions).get()!.n;

beforeAll(async () => {
  env = await testEnv({ PUSH_ALLOWED_HOSTS: ALLOWED });
});

describe("GET /api/push/vapid-public-key", () => {
  it("generates a key pair once, keeps it in the database, and gives out only the public key", async () => {
    const { client } = await env.person({ roles: ["amhp"] });
    const a = await client.get("/api/push/vapid-public-key");
    expect(a.status).toBe(200);
    const raw = Buffer.from(a.body.key, "base64url");
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(4);
    const b = await client.get("/api/push/vapid-public-key");
    expect(b.body.key).toBe(a.body.key);
    expect(getSetting<{ publicKey: string }>(env.deps.db, "push.vapid")?.publicKey).toBe(a.body.key);
    expect(a.text).not.toContain(getSetting<{ privateKey: string }>(env.deps.db, "push.vapid")!.privateKey);
  });

  it("uses VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set, and stores nothing", async () => {
    const keys = webPush.generateVAPIDKeys();
    const e = await testEnv({ VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey });
    const { client } = await e.person();
    expect((await client.get("/api/push/vapid-public-key")).body).toEqual({ key: keys.publicKey });
    expect(getSetting(e.deps.db, "push.vapid")).toBeUndefined();
  });

  it("is for signed-in people only", async () => {
    expect((await env.anon.get("/api/push/vapid-public-key")).status).toBe(401);
  });
});

describe("POST /api/push/subscriptions", () => {
  it("lets every role subscribe a device (managers must receive alerts; workers get 'check in now')", async () => {
    for (const role of ROLES) {
      const p = await env.person({ roles: [role] });
      const s = sub(`role-${role}`);
      const res = await p.client.post("/api/push/subscriptions", s);
      expect(res.status, role).toBe(201);
      expect(rowsFor(s.endpoint)).toMatchObject([{ staffId: p.id, p256dh: s.keys.p256dh, auth: s.keys.auth }]);
      expect(hasWorkingSubscription(env.deps.db, p.id)).toBe(true);
    }
    expect((await env.anon.post("/api/push/subscriptions", sub("anon"))).status).toBe(401);
  });

  it("upserts by endpoint: subscribing again renews it, and a shared phone moves to whoever subscribes", async () => {
    const a = await env.person();
    const b = await env.person();
    const s = sub("shared-phone");
    expect((await a.client.post("/api/push/subscriptions", s)).body.created).toBe(true);
    const again = await a.client.post("/api/push/subscriptions", s);
    expect(again.status).toBe(201);
    expect(again.body.created).toBe(false);
    expect(rowsFor(s.endpoint)).toHaveLength(1);
    await b.client.post("/api/push/subscriptions", s);
    expect(rowsFor(s.endpoint)).toMatchObject([{ staffId: b.id }]);
    expect(hasWorkingSubscription(env.deps.db, a.id)).toBe(false);
  });

  it("refuses an endpoint that is not an allowed push service, naming endpoint, writing nothing", async () => {
    const { client } = await env.person();
    const before = { audit: env.auditCount(), rows: total() };
    for (const endpoint of [
      "https://evil.example/push/x",
      "http://push.example.org/push/x",
      "https://127.0.0.1/push/x", // listed only with port 9443
      "https://localhost:9443/push/x",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]:9443/push/x",
      "https://push.example.org:444/push/x",
      "not-a-url",
    ]) {
      const res = await client.post("/api/push/subscriptions", { ...sub("x"), endpoint });
      expectInvalid(res, "endpoint");
    }
    expect(env.auditCount()).toBe(before.audit);
    expect(total()).toBe(before.rows);
  });

  it("refuses malformed keys and missing fields, naming them", async () => {
    const { client } = await env.person();
    const before = { audit: env.auditCount(), rows: total() };
    const s = sub("bad-keys");
    expectInvalid(await client.post("/api/push/subscriptions", { ...s, keys: { ...s.keys, p256dh: "AAAA" } }), "keys.p256dh");
    expectInvalid(await client.post("/api/push/subscriptions", { ...s, keys: { ...s.keys, auth: "AAAA" } }), "keys.auth");
    expectInvalid(await client.post("/api/push/subscriptions", { ...s, keys: { ...s.keys, auth: "not base64!" } }), "keys.auth");
    expectInvalid(await client.post("/api/push/subscriptions", { endpoint: s.endpoint }), "keys");
    expectInvalid(await client.post("/api/push/subscriptions", { keys: s.keys }), "endpoint");
    expect(env.auditCount()).toBe(before.audit);
    expect(total()).toBe(before.rows);
  });

  it("accepts an exactly listed host:port (how a private or test push service is allowed)", async () => {
    const { client } = await env.person();
    expect((await client.post("/api/push/subscriptions", sub("local", "https://127.0.0.1:9443"))).status).toBe(201);
  });

  it("audits the subscription without the endpoint URL (a bearer secret)", async () => {
    const { client } = await env.person();
    const s = sub("audited");
    const before = env.auditCount();
    await client.post("/api/push/subscriptions", s);
    expect(env.auditCount()).toBe(before + 1);
    const rows = env.deps.db.$client.prepare("select data from audit_log order by seq desc limit 1").all() as { data: string }[];
    expect(rows[0]!.data).not.toContain("/push/audited");
  });
});

describe("DELETE /api/push/subscriptions and GET (mine)", () => {
  it("removes my own subscription (204); someone else's is 404 and stays", async () => {
    const a = await env.person();
    const b = await env.person();
    const s = sub("to-delete");
    await a.client.post("/api/push/subscriptions", s);
    const before = env.auditCount();
    expect((await b.client.delete("/api/push/subscriptions", { endpoint: s.endpoint })).status).toBe(404);
    expect(rowsFor(s.endpoint)).toHaveLength(1);
    expect(env.auditCount()).toBe(before);
    expect((await a.client.delete("/api/push/subscriptions", { endpoint: s.endpoint })).status).toBe(204);
    expect(rowsFor(s.endpoint)).toHaveLength(0);
    expect(env.auditCount()).toBe(before + 1);
    expect((await a.client.delete("/api/push/subscriptions", { endpoint: s.endpoint })).status).toBe(404);
    expectInvalid(await a.client.delete("/api/push/subscriptions", {}), "endpoint");
  });

  it("lists only my devices, by host, never the endpoint", async () => {
    const a = await env.person();
    const b = await env.person();
    await a.client.post("/api/push/subscriptions", sub("mine-1"));
    await b.client.post("/api/push/subscriptions", sub("theirs-1"));
    const res = await a.client.get("/api/push/subscriptions");
    expect(res.status).toBe(200);
    expect(res.body.subscriptions).toMatchObject([{ host: "push.example.org", working: true }]);
    expect(res.text).not.toContain("/push/mine-1");
  });

  it("POST /api/push/test says when I have no device", async () => {
    const a = await env.person();
    expect((await a.client.post("/api/push/test")).body).toMatchObject({ noSubscription: true, accepted: 0 });
  });
});
