// Drills (managers start a drill alert for one of their people, through the real ladder) and
// test messages (anyone sends themselves a test push, text or email). See drills.ts.
import { z } from "@hono/zod-openapi";
import { defineRoute, jsonBody, jsonResponse, problemResponse, router } from "../../http/route.js";
import { ALERT_RESPONDERS } from "../../staff/roles.js";
import { recentDrills, sendTestMessage, startDrill, TEST_CHANNELS, TEST_STATUSES } from "./drills.js";

const ReachSchema = z.object({ staffId: z.string(), name: z.string(), channel: z.string(), status: z.string(), at: z.string().nullable(), sends: z.number(), isWorker: z.boolean() });
const Person = z.object({ id: z.string(), name: z.string() });

export const DrillSchema = z
  .object({
    alertId: z.string(),
    staffId: z.string(),
    name: z.string().openapi({ description: "The person drilled" }),
    startedBy: Person.nullable(),
    startedAt: z.string(),
    status: z.string(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: Person.nullable(),
    secondsToAcknowledge: z.number().nullable(),
    resolvedAt: z.string().nullable(),
    outcome: z.string().nullable(),
    reach: z.array(ReachSchema).openapi({ description: "Per person and channel told by the ladder: what happened to their sends (as an alert's reach)" }),
  })
  .openapi("Drill");

export const DrillList = z.object({ drills: z.array(DrillSchema) });
export const DrillStarted = z.object({ alertId: z.string() });

export const TestMessageResult = z
  .object({
    channel: z.enum(TEST_CHANNELS),
    status: z.enum(TEST_STATUSES).openapi({ description: "off: that channel is not configured on this service (nothing sent, nothing counted)" }),
    detail: z.string().openapi({ description: "What happened and what to expect, as a sentence" }),
    messageId: z.string().optional(),
  })
  .openapi("TestMessageResult");

export const drillRoutes = router()
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/drills",
      tags: ["Channels"],
      summary: "Start a drill: a test alert for that person's phone through the real ladder, marked drill: true on the alert and in every message",
      access: ALERT_RESPONDERS,
      request: jsonBody(z.object({ staffId: z.string().trim().min(1, "choose whom to drill").max(100) })),
      responses: { 201: jsonResponse(DrillStarted, "Drill started"), 404: problemResponse("Unknown or inactive person, or not one you may drill") },
    }),
    async (c) => c.json(await startDrill(c.get("deps"), c.get("user")!, c.req.valid("json").staffId), 201),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/drills",
      tags: ["Channels"],
      summary: "Recent drills: who, started by, when, status, seconds to acknowledge, and who was reached by which channel",
      access: ALERT_RESPONDERS,
      responses: { 200: jsonResponse(DrillList, "Drills, newest first") },
    }),
    async (c) => c.json({ drills: await recentDrills(c.get("deps"), c.get("user")!) }, 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/me/test-message",
      tags: ["Channels"],
      summary: "Send yourself a test push, text or email (at most 3 per channel in 10 minutes)",
      access: "signed_in",
      request: jsonBody(z.object({ channel: z.enum(TEST_CHANNELS) })),
      responses: { 200: jsonResponse(TestMessageResult, "What the test came to"), 429: problemResponse("Too many tests on that channel: wait (Retry-After)") },
    }),
    async (c) => c.json(await sendTestMessage(c.get("deps"), c.get("user")!, c.req.valid("json").channel), 200),
  );
