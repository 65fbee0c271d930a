import { z } from "@hono/zod-openapi";
import { defineRoute, jsonBody, jsonResponse, router, problemResponse, IdParam, Instant } from "../../http/route.js";
import { sendReport, FormatQuery, wantsCsv } from "../../reports/format.js";
import { ALERT_STATUSES } from "../escalation/schema.js";
import { NOTIFY_TARGETS, STEP_CHANNELS, type Policy } from "../escalation/policy.js";
import { currentPolicy } from "../escalation/policy-store.js";
import { escalationStore } from "../escalation/store.js";
import { acknowledge, recordReceipt, resolve } from "./commands.js";
import { listAlerts } from "./queries.js";
import { ADMINS, ALERT_RESPONDERS, ESCALATION_READERS, RECORD_KEEPERS } from "../../staff/roles.js";
import { eventStream } from "./events-route.js";
import { readiness } from "./readiness.js";
import { runReport } from "../../reports/run-report.js";
import { DayOrInstant, timeWindow } from "../../http/window.js";
import { ALARM_KINDS, MONTHLY_COLUMNS } from "./monthly.js";

export const NotificationSchema = z.object({
  id: z.string(),
  staffId: z.string(),
  channel: z.string(),
  status: z.string(),
  step: z.number(),
  repeat: z.number(),
  purpose: z.string(),
  sentAt: z.string().nullable(),
  shownAt: z.string().nullable(),
  receipt: z.string().nullable().optional().openapi({ description: "The channel's word on delivery (Notify: delivered, permanent-failure, temporary-failure, technical-failure)" }),
});

const AlertSchema = z
  .object({
    id: z.string(),
    visitId: z.string().nullable(),
    staffId: z.string().nullable(),
    parentAlertId: z.string().nullable(),
    reason: z.enum(["missed_check_in", "panic", "duress", "no_manager_on_duty"]),
    drill: z.boolean().optional().openapi({ description: "A drill: a test alert through the real ladder (POST /api/drills)" }),
    status: z.enum(ALERT_STATUSES),
    step: z.number(),
    raisedAt: z.string(),
    dueAt: z.string(),
    acknowledgedAt: z.string().optional(),
    acknowledgedBy: z.string().optional(),
    resolvedAt: z.string().optional(),
    resolvedBy: z.string().optional(),
    outcome: z.string().optional(),
    workerCheckedInAt: z.string().optional(),
    acknowledgedByName: z.string().optional(),
    notifications: z.array(NotificationSchema),
    // The alarm card (managers): where, how to phone, risks, last heard from, police step, who was reached.
    worker: z.object({ id: z.string(), name: z.string(), mobile: z.string().nullable() }).nullable().optional(),
    location: z.object({ address: z.string(), lat: z.number().optional(), lng: z.number().optional() }).nullable().optional(),
    lastKnownPosition: z.object({ lat: z.number(), lng: z.number(), at: z.string() }).nullable().optional(),
    riskNotes: z.string().nullable().optional(),
    lastSignOfLife: z.object({ at: z.string(), kind: z.string() }).nullable().optional(),
    considerPolice: z.boolean().optional(),
    parentReason: z.string().nullable().optional(),
    reach: z
      .array(z.object({ staffId: z.string(), name: z.string(), channel: z.string(), status: z.string(), at: z.string().nullable(), sends: z.number(), isWorker: z.boolean() }))
      .optional()
      .openapi({ description: "Per person and channel told by the ladder: the best that happened to their sends (shown, sent, failed, no_subscription...)" }),
  })
  .openapi("Alert");

export const PolicySchema = z
  .object({
    steps: z
      .array(
        z.object({
          afterSeconds: z.number().int().min(0).max(7 * 86400),
          notify: z.enum(NOTIFY_TARGETS),
          repeatEverySeconds: z.number().int().min(1).max(86400).optional(),
          considerPolice: z.boolean().optional(),
          channels: z
            .array(z.enum(STEP_CHANNELS))
            .min(1, "a step must use at least one channel")
            .max(3)
            .refine((c) => new Set(c).size === c.length, "name each channel once")
            .optional()
            .openapi({ description: "How the step reaches people. Unset: push and sms for manager steps, push for the worker step" }),
        }),
      )
      .min(1)
      .max(20),
    panicStartsAtStep: z.number().int().min(0),
    seniorStaffIds: z.array(z.string().min(1)).min(1, "the senior escalation list may never be empty"),
    receiptTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
    reminderAfterSeconds: z.number().int().min(1).max(86400).default(1800),
    smsAfterSeconds: z.number().int().min(0).max(3600).default(60).openapi({ description: "A person on a text step whose push shows no receipt within this is texted" }),
  })
  .openapi("EscalationPolicy");


/** A row of the lone-working report's monthly table (src/lone-working/alerts/monthly.ts): a month and kind of alarm. */
export const LoneWorkingMonthlyRow = z
  .object({
    month: z.string().regex(/^\d{4}-\d{2}$/).openapi({ description: "Calendar month in the service's zone (YYYY-MM)" }),
    kind: z.enum(ALARM_KINDS).openapi({ description: "A drill counts as drill whatever raised it; no_manager_on_duty gaps are not alarms" }),
    alarms: z.number().int(),
    genuine: z.number().int(),
    false: z.number().int(),
    accidental: z.number().int(),
    other: z.number().int(),
    unresolved: z.number().int(),
    escalatedToPolice: z.number().int().openapi({ description: "Reached the policy's consider-police (999) step, or resolved saying police" }),
    acknowledged: z.number().int(),
    medianSecondsToAcknowledge: z.number().nullable(),
    p90SecondsToAcknowledge: z.number().nullable(),
    shareAcknowledgedWithin10s: z.number().nullable(),
    shareAcknowledgedWithin40s: z.number().nullable(),
    pushSent: z.number().int(),
    pushShown: z.number().int(),
    textsSent: z.number().int(),
    textsDelivered: z.number().int(),
  })
  .openapi("LoneWorkingMonthlyRow");

export const LoneWorkingReport = z.object({ rows: z.array(z.any()), monthly: z.array(LoneWorkingMonthlyRow) }).passthrough();

export const alertsRoutes = router()
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/alerts",
      tags: ["Alerts"],
      summary: "Alerts, newest first",
      access: ALERT_RESPONDERS,
      request: { query: z.object({ status: z.enum(ALERT_STATUSES).optional() }) },
      responses: { 200: jsonResponse(z.object({ alerts: z.array(AlertSchema) }), "Alerts") },
    }),
    async (c) => c.json({ alerts: await listAlerts(c.get("deps"), c.get("user")!, c.req.valid("query").status) }, 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/alerts/{id}/acknowledge",
      tags: ["Alerts"],
      summary: "Acknowledge: the first wins and the ladder stops climbing",
      access: ALERT_RESPONDERS,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(AlertSchema, "Acknowledged"),
        403: problemResponse("The alert is about you"),
        404: problemResponse("Unknown alert"),
        409: problemResponse("Already acknowledged or resolved"),
      },
    }),
    async (c) => c.json(await acknowledge(c.get("deps"), c.get("user")!, c.req.valid("param").id), 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/alerts/{id}/resolve",
      tags: ["Alerts"],
      summary: "Resolve with an outcome",
      access: ALERT_RESPONDERS,
      request: { params: IdParam, ...jsonBody(z.object({ outcome: z.string().trim().min(1, "choose an outcome: what happened to the worker").max(200), note: z.string().max(2000).optional() })) },
      responses: {
        200: jsonResponse(AlertSchema, "Resolved"),
        403: problemResponse("The alert is about you"),
        404: problemResponse("Unknown alert"),
        409: problemResponse("Already resolved"),
      },
    }),
    async (c) => c.json(await resolve(c.get("deps"), c.get("user")!, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/escalation-policy",
      tags: ["Alerts"],
      summary: "The escalation ladder in force for new alerts",
      access: ESCALATION_READERS,
      responses: { 200: jsonResponse(PolicySchema, "The policy") },
    }),
    (c) => c.json(currentPolicy(c.get("deps").db), 200),
  )
  .openapi(
    defineRoute({
      method: "put",
      path: "/api/escalation-policy",
      tags: ["Alerts"],
      summary: "Replace the escalation ladder (alerts already raised keep theirs)",
      access: ADMINS,
      request: jsonBody(PolicySchema),
      responses: { 200: jsonResponse(PolicySchema, "Saved") },
    }),
    async (c) => {
      const deps = c.get("deps");
      const policy = await escalationStore(deps.db).savePolicy(c.req.valid("json") as Policy, { type: "staff", id: c.get("user")!.id }, deps.clock.now());
      return c.json(policy, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/push/receipts",
      tags: ["Push"],
      summary: "The service worker showed a notification",
      access: "signed_in",
      request: jsonBody(z.object({ notificationId: z.string().min(1).max(100) })),
      responses: { 204: { description: "Recorded" }, 404: problemResponse("Not a notification of yours") },
    }),
    async (c) => {
      await recordReceipt(c.get("deps"), c.get("user")!, c.req.valid("json").notificationId);
      c.get("deps").wakeScheduler();
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/events",
      tags: ["Alerts"],
      summary: "Server-sent events of alert and visit changes (the live board)",
      access: "signed_in",
      responses: { 200: { description: "text/event-stream", content: { "text/event-stream": { schema: z.string() } } } },
    }),
    (c) => eventStream(c) as never,
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/readiness",
      tags: ["Alerts"],
      summary: "Hours with no duty manager, managers push cannot reach, managers no channel reaches, and which channels are on",
      access: ESCALATION_READERS,
      request: { query: z.object({ from: DayOrInstant.optional(), to: DayOrInstant.optional() }) },
      responses: {
        200: jsonResponse(
          z.object({
            uncoveredManagerHours: z.array(z.object({ start: z.string(), end: z.string() })),
            managersWithoutPush: z.array(z.object({ id: z.string(), name: z.string(), nextShift: z.string().nullable() }).passthrough()),
            managersUnreachable: z
              .array(z.object({ id: z.string(), name: z.string(), nextShift: z.string().nullable(), why: z.string() }).passthrough())
              .openapi({ description: "Managers on the manager-cover rota in the next 14 days, and the senior list, whom no working channel reaches, with why" }),
            channels: z
              .object({ push: z.literal(true), sms: z.boolean(), email: z.boolean(), why: z.string().nullable() })
              .openapi({ description: "Which channels are on; why text or email is off" }),
            seniorListProblem: z.string().nullable(),
          }).passthrough(),
          "Readiness",
        ),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const q = c.req.valid("query");
      // Default window: the next 52 weeks from now.
      const { from, to } = q.from || q.to ? timeWindow(deps.config.TZ_LOCAL, deps.clock.now(), q.from ?? deps.clock.now().toISOString(), q.to, { defaultDays: 364, maxDays: 400 }) : { from: deps.clock.now(), to: new Date(deps.clock.now().getTime() + 364 * 86_400_000) };
      return c.json(await readiness(deps, from, to), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/reports/lone-working",
      tags: ["Reports"],
      summary: "Visits, missed check-ins, alerts and time to acknowledge (BS 8484 marks: 10 s, 40 s)",
      access: RECORD_KEEPERS,
      request: {
        query: FormatQuery.extend({
          from: DayOrInstant,
          to: DayOrInstant,
          table: z.enum(["alerts", "monthly"]).optional().openapi({ param: { name: "table", in: "query" }, description: "Which table a CSV holds: the alerts (default) or the monthly table. JSON always holds both." }),
        }),
      },
      responses: { 200: { description: "The report (JSON, or CSV of the alerts or of the monthly table)", content: { "application/json": { schema: LoneWorkingReport }, "text/csv": { schema: z.string() } } } },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const deps = c.get("deps");
      const { from, to } = timeWindow(deps.config.TZ_LOCAL, deps.clock.now(), q.from, q.to, { defaultDays: 1, maxDays: 3660 });
      // Off the event loop (a worker thread for a database file): ten years of alerts is real work.
      const { rows, monthly, ...meta } = await runReport(deps, "loneWorking", c.get("user")!, from, to, deps.config.TZ_LOCAL);
      if (q.table === "monthly" && wantsCsv(c)) return sendReport(c, "lone-working-monthly", monthly, MONTHLY_COLUMNS, meta);
      return sendReport(c, "lone-working", rows, ["alertId", "visitId", "staffId", "reason", "status", "raisedAt", "highestStep", "managersToldAt", "acknowledgedAt", "secondsToAcknowledge", "resolvedAt", "outcome"], { ...meta, monthly });
    },
  );
