// The test push service itself: web-push's own sender → receiver decrypts and verifies.
import { Agent } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webPush from "web-push";
import { startPushReceiver, type PushReceiver } from "./push-receiver.js";

let rx: PushReceiver;
beforeAll(async () => {
  rx = await startPushReceiver();
});
afterAll(() => rx.close());

describe("test push receiver", () => {
  it("decrypts an aes128gcm payload and verifies the VAPID JWT from web-push", async () => {
    const vapid = webPush.generateVAPIDKeys();
    const sub = rx.makeSubscription();
    const agent = new Agent({ ca: rx.ca });
    const res = await webPush.sendNotification(sub, JSON.stringify({ title: "hello" }), {
      vapidDetails: { subject: "mailto:test@example.org", publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      TTL: 60,
      urgency: "high",
      agent,
    });
    expect(res.statusCode).toBe(201);
    const got = rx.requests.at(-1)!;
    expect(rx.decrypt(got)).toEqual({ title: "hello" });
    const v = await rx.verifyVapid(got, vapid.publicKey);
    expect(v.claims.aud).toBe(rx.origin);
    expect(v.claims.sub).toBe("mailto:test@example.org");
    await expect(rx.verifyVapid(got, webPush.generateVAPIDKeys().publicKey)).rejects.toThrow();
    agent.destroy();
  });

  it("answers what it is told, then goes back to 201", async () => {
    const vapid = webPush.generateVAPIDKeys();
    const sub = rx.makeSubscription();
    rx.setResponse(sub.endpoint, 410, {}, 1);
    const agent = new Agent({ ca: rx.ca });
    const opts = { vapidDetails: { subject: "mailto:t@example.org", ...vapid }, agent };
    await expect(webPush.sendNotification(sub, "x", opts)).rejects.toMatchObject({ statusCode: 410 });
    expect((await webPush.sendNotification(sub, "x", opts)).statusCode).toBe(201);
    agent.destroy();
  });
});
