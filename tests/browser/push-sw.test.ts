// Alerts on a device: "Enable alerts" subscribes (Chromium's push service is stubbed with
// a subscription at a local receiver) and registers it; a push delivered to the service
// worker shows a notification that stays until touched, tagged per alert, and the worker
// reports it shown (POST /api/push/receipts).
import { afterAll, describe, expect, it } from "vitest";
import { startPushReceiver, type PushReceiver } from "../push/push-receiver.js";
import { Api, browserSuite, makePerson, phoneContext, signIn } from "./harness.js";

let receiver: PushReceiver;
const suite = browserSuite(async () => {
  receiver = await startPushReceiver();
  return { PUSH_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}`, NODE_EXTRA_CA_CERTS: receiver.caPath };
});
afterAll(async () => {
  await receiver?.close();
});

describe("push on a phone", { timeout: 60_000 }, () => {
  it("enables alerts, shows a pushed alert with requireInteraction and a tag, and sends the receipt", async () => {
    const manager = await makePerson(suite.admin, ["manager"]);
    const sub = receiver.makeSubscription(`browser-${manager.id}`);
    const context = await phoneContext(suite.browser);
    await context.grantPermissions(["notifications"], { origin: suite.server.url });
    // Headless Chromium has no push service: hand back a subscription at the local receiver.
    await context.addInitScript((s) => {
      const fake = { endpoint: s.endpoint, expirationTime: null, options: {}, getKey: () => null, toJSON: () => ({ endpoint: s.endpoint, expirationTime: null, keys: s.keys }), unsubscribe: async () => true };
      if (self.PushManager) {
        PushManager.prototype.subscribe = async function () {
          return fake as unknown as PushSubscription;
        };
        PushManager.prototype.getSubscription = async function () {
          return null;
        };
      }
    }, sub);
    const receipts: string[] = [];
    await context.route("**/api/push/receipts", async (route) => {
      receipts.push(route.request().postData() ?? "");
      await route.continue();
    });

    const page = await context.newPage();
    await signIn(page, suite.server.url, manager);
    const subscribed = page.waitForResponse((r) => r.url().endsWith("/api/push/subscriptions") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Enable alerts" }).click();
    expect((await subscribed).status()).toBe(201);
    await page.getByText("Alerts are on for this device.").waitFor();

    // Deliver a push straight to the service worker, as the push service would.
    const cdp = await context.newCDPSession(page);
    const regs = new Promise<{ registrationId: string; scopeURL: string }[]>((resolve) => cdp.on("ServiceWorker.workerRegistrationUpdated", (e: any) => resolve(e.registrations)));
    await cdp.send("ServiceWorker.enable");
    const reg = (await regs).find((r) => r.scopeURL === `${suite.server.url}/`)!;
    expect(reg).toBeTruthy();
    const payload = { title: "Missed check-in: Sam Patel", body: "7 Overdue Lane. Acknowledge on the board.", alertId: "alert-123", visitId: "visit-9", url: "/board", notificationId: "n-abc" };
    await cdp.send("ServiceWorker.deliverPushMessage", { origin: suite.server.url, registrationId: reg.registrationId, data: JSON.stringify(payload) });

    const shown = () =>
      page.evaluate(async () => {
        const r = await navigator.serviceWorker.ready;
        const n = await r.getNotifications();
        return n.map((x) => ({ title: x.title, tag: x.tag, requireInteraction: x.requireInteraction, url: x.data?.url }));
      });
    await expect.poll(shown, { timeout: 5000 }).toEqual([{ title: payload.title, tag: "alert-alert-123", requireInteraction: true, url: "/board" }]);
    await expect.poll(() => receipts.length, { timeout: 5000 }).toBe(1);
    expect(JSON.parse(receipts[0]!)).toEqual({ notificationId: "n-abc" });
    await context.close();
  });
});
