// GOV.UK Notify's callbacks: delivery receipts for texts and emails, and texts received on the
// service's number (a manager replying `ACK 4821`). Notify authenticates with the bearer token
// set in its callback settings (NOTIFY_CALLBACK_TOKEN); anything else is 401 and changes nothing.
import { timingSafeEqual, createHash } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, Deps } from "../../deps.js";
import { Unauthenticated } from "../../errors.js";
import { defineRoute, jsonBody, jsonResponse, router } from "../../http/route.js";
import { NOTIFY_MESSAGE_STATUSES } from "../delivery/channels/notify/schema.js";
import { alertsStore, type TextReplyResult } from "./store.js";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** The callback's bearer token, compared in constant time; no token configured: nothing passes. */
export function callbackTokenOk(deps: Pick<Deps, "config">, header: string | undefined): boolean {
  const want = deps.config.NOTIFY_CALLBACK_TOKEN;
  if (!want || !header?.startsWith("Bearer ")) return false;
  return timingSafeEqual(digest(header.slice(7).trim()), digest(want));
}

// Before the body is validated: a caller without the token learns nothing from a 400.
const notifyOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!callbackTokenOk(c.get("deps"), c.req.header("authorization"))) throw new Unauthenticated("This callback needs Notify's bearer token (NOTIFY_CALLBACK_TOKEN).");
  await next();
};

const When = z.string().max(64).nullish();

export const StatusCallback = z
  .object({
    id: z.string().min(1).max(100),
    reference: z.string().max(1000).nullish(),
    // Notify also sends `to` (the address) and the times; kept out of the schema, never needed.
    status: z.enum(NOTIFY_MESSAGE_STATUSES.filter((s) => s !== "sending" && s !== "sent" && s !== "failed") as ["delivered", "permanent-failure", "temporary-failure", "technical-failure"]),
    created_at: When,
    completed_at: When,
    sent_at: When,
    notification_type: z.string().max(20).optional(),
    template_id: z.string().max(100).optional(),
    template_version: z.number().optional(),
  })
  .passthrough();

export const InboundCallback = z
  .object({
    id: z.string().min(1).max(100),
    source_number: z.string().min(1).max(40),
    destination_number: z.string().max(40).optional(),
    message: z.string().max(2000),
    date_received: z.string().max(64).optional(),
  })
  .passthrough();

/** Notify gives times without a zone (UTC); an unreadable one is taken as now. */
function instantOf(s: string | null | undefined, now: Date): Date {
  if (!s) return now;
  const t = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(t) ? now : new Date(t);
}

export async function receiveText(deps: Deps, body: z.infer<typeof InboundCallback>): Promise<TextReplyResult> {
  const now = deps.clock.now();
  const r = await alertsStore(deps.db).textReply({ notifyId: body.id, sourceNumber: body.source_number, message: body.message, receivedAt: instantOf(body.date_received, now) }, now);
  if (r.alert) {
    const a = r.alert;
    deps.events.publish({ type: "alert", data: { id: a.id, visitId: a.visitId, staffId: a.staffId, reason: a.reason, change: "acknowledged" } });
  }
  if (r.alert || r.replied) deps.wakeScheduler(); // the ladder stops; the text back goes
  return r;
}

export const textCallbackRoutes = router()
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/notify/callbacks/status",
      tags: ["Channels"],
      summary: "GOV.UK Notify's delivery-status callback (Authorization: Bearer NOTIFY_CALLBACK_TOKEN)",
      access: "public",
      middleware: [notifyOnly],
      request: { ...jsonBody(StatusCallback) },
      responses: { 200: jsonResponse(z.object({ recorded: z.boolean() }), "Recorded (false: not a message this service sent)"), 401: { description: "No or wrong token" } },
    }),
    async (c) => {
      const deps = c.get("deps");
      const body = c.req.valid("json");
      const r = await alertsStore(deps.db).deliveryReceipt({ id: body.id, reference: body.reference, status: body.status }, deps.clock.now());
      if (r.reconsider) deps.wakeScheduler(); // the ladder may move on at once
      return c.json({ recorded: r.known }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/notify/callbacks/inbound",
      tags: ["Channels"],
      summary: "GOV.UK Notify's received-text callback: `ACK <code>` acknowledges (Authorization: Bearer NOTIFY_CALLBACK_TOKEN)",
      access: "public",
      middleware: [notifyOnly],
      request: { ...jsonBody(InboundCallback) },
      responses: { 200: jsonResponse(z.object({ outcome: z.string() }), "Recorded, and what it came to"), 401: { description: "No or wrong token" } },
    }),
    async (c) => c.json({ outcome: (await receiveText(c.get("deps"), c.req.valid("json"))).outcome }, 200),
  );
