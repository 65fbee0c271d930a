import { z } from "@hono/zod-openapi";
import { defineRoute, jsonBody, jsonResponse, problemResponse, router } from "../../../../http/route.js";
import { actorOf } from "../../../../http/actor.js";
import { pushStore } from "./store.js";
import { endpointHost } from "./store.js";
import { subscribe, unsubscribe } from "./subscriptions.js";
import { loadOrCreateVapidKeys } from "./vapid.js";

export const B64url = z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+=*$/, "must be base64url");
export const Endpoint = z.url().max(2048);

export const SubscriptionBody = z.object({
  endpoint: Endpoint,
  keys: z.object({ p256dh: B64url, auth: B64url }),
});

const OwnSubscription = z
  .object({
    id: z.string(),
    host: z.string(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    working: z.boolean(),
  })
  .openapi("PushSubscription");

export const Outcome = z.object({ accepted: z.number(), failed: z.number(), removed: z.number(), noSubscription: z.boolean() });

export const pushRoutes = router()
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/push/vapid-public-key",
      tags: ["Push"],
      summary: "The server's VAPID public key (the browser's applicationServerKey)",
      access: "signed_in",
      responses: { 200: jsonResponse(z.object({ key: z.string() }), "The key, base64url") },
    }),
    (c) => c.json({ key: loadOrCreateVapidKeys(c.get("deps")).publicKey }, 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/push/subscriptions",
      tags: ["Push"],
      summary: "Subscribe this device (upsert by endpoint; the caller becomes its owner)",
      access: "signed_in",
      request: jsonBody(SubscriptionBody),
      responses: { 201: jsonResponse(z.object({ id: z.string(), created: z.boolean() }), "Subscribed") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const out = await subscribe(c.get("deps"), actorOf(c), { ...body, userAgent: c.req.header("user-agent") });
      return c.json(out, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "delete",
      path: "/api/push/subscriptions",
      tags: ["Push"],
      summary: "Unsubscribe this device",
      access: "signed_in",
      request: jsonBody(z.object({ endpoint: Endpoint })),
      responses: { 204: { description: "Removed" }, 404: problemResponse("No subscription of yours has this endpoint") },
    }),
    async (c) => {
      await unsubscribe(c.get("deps"), actorOf(c), c.req.valid("json").endpoint);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/push/subscriptions",
      tags: ["Push"],
      summary: "My subscribed devices and whether pushes to them work",
      access: "signed_in",
      responses: { 200: jsonResponse(z.object({ subscriptions: z.array(OwnSubscription) }), "Mine") },
    }),
    async (c) => {
      const rows = await pushStore(c.get("deps").db).subscriptionsOf(actorOf(c).id);
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      const subscriptions = rows.map((r) => ({
        id: r.id,
        host: endpointHost(r.endpoint),
        userAgent: r.userAgent,
        createdAt: r.createdAt.toISOString(),
        lastSuccessAt: iso(r.lastSuccessAt),
        lastFailureAt: iso(r.lastFailureAt),
        working: r.failedPermanentlyAt === null,
      }));
      return c.json({ subscriptions }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/push/test",
      tags: ["Push"],
      summary: "Send a test notification to my devices (check before a shift that alerts reach me)",
      access: "signed_in",
      responses: { 200: jsonResponse(Outcome, "What the push services said") },
    }),
    async (c) => {
      const deps = c.get("deps");
      const out = await deps.push.sendToStaff(actorOf(c).id, {
        title: "Dutyline test",
        body: "Alerts will reach this device.",
        url: "/",
        tag: "dutyline-test",
      });
      return c.json({ accepted: out.accepted, failed: out.failed, removed: out.removed, noSubscription: out.noSubscription }, 200);
    },
  );
