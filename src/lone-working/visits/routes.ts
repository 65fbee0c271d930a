import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { defineRoute, jsonBody, jsonResponse, router, problemResponse, IdParam, Instant } from "../../http/route.js";
import type { AppEnv } from "../../deps.js";

import { VISIT_PURPOSES, VISIT_STATUSES } from "./schema.js";
import { idemKey } from "./idempotency.js";
import { checkIn, checkOut, extendVisit, panic, setDuressPin, startVisit } from "./commands.js";
import { getVisit, listVisits } from "./queries.js";

// A patient reference (NHS number, case or Mosaic id), never a name: it must hold a
// digit and only letters, digits, spaces, '-' and '/'. "John Smith" is refused.
const PatientRef = z
  .string()
  .trim()
  .max(40)
  .regex(/^(?=.*\d)[A-Za-z0-9\-/ ]{3,40}$/, "must be a reference such as an NHS or case number, never a name");

export const Lat = z.number().min(-90).max(90);
export const Lng = z.number().min(-180).max(180);

const NewVisitBody = z
  .object({
    purpose: z.enum(VISIT_PURPOSES),
    location: z.object({ address: z.string().trim().min(1).max(500), lat: Lat.optional(), lng: Lng.optional() }),
    expectedEnd: Instant,
    checkInEveryMinutes: z.number().int().min(1).max(24 * 60).optional(),
    riskNotes: z.string().max(4000).optional(),
    patientRef: PatientRef.optional(),
  })
  .openapi("NewVisit");

export const CheckInBody = z.object({
  /** The phone's own id for this check-in (its offline outbox retries with it). */
  id: z.uuid().optional(),
  lat: Lat.optional(),
  lng: Lng.optional(),
  note: z.string().max(500).optional(),
  /** When the phone made it, if it could not send it at once (offline outbox). */
  madeAt: Instant.optional(),
});

export const IdemHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: "idempotency-key", in: "header", description: "Idempotency-Key: a retry with the same key returns the first answer" } }),
});

export const VisitSchema = z
  .object({
    id: z.string(),
    staffId: z.string(),
    staffName: z.string().optional(),
    purpose: z.enum(VISIT_PURPOSES),
    location: z.object({ address: z.string(), lat: z.number().optional(), lng: z.number().optional() }),
    expectedEnd: z.string(),
    checkInEveryMinutes: z.number().optional(),
    riskNotes: z.string().optional(),
    patientRef: z.string().optional(),
    status: z.enum(VISIT_STATUSES),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    nextCheckInDue: z.string(),
    overdue: z.boolean(),
  })
  .openapi("Visit");

export const VisitList = z.object({ visits: z.array(VisitSchema) });
export const Started = z.object({ id: z.string(), status: z.literal("active"), nextCheckInDue: z.string() });
export const Due = z.object({ nextCheckInDue: z.string() });

/** The Idempotency-Key bound to the request's body (see idempotency.ts). */
const key = (c: Context<AppEnv>, body?: unknown) => idemKey(c.req.header("idempotency-key") || undefined, body);

export const visitsRoutes = router()
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/visits",
      tags: ["Lone working"],
      summary: "Start a lone-working visit",
      access: "signed_in",
      request: { headers: IdemHeaders, ...jsonBody(NewVisitBody) },
      responses: { 201: jsonResponse(Started, "Started (or the first answer to this Idempotency-Key)") },
    }),
    async (c) => {
      const r = await startVisit(c.get("deps"), c.get("user")!, c.req.valid("json"), key(c, c.req.valid("json")));
      return c.json(r.body, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/visits",
      tags: ["Lone working"],
      summary: "Visits: managers see everyone's, staff their own",
      access: "signed_in",
      request: { query: z.object({ status: z.enum(VISIT_STATUSES).optional() }) },
      responses: { 200: jsonResponse(VisitList, "Visits, newest first") },
    }),
    async (c) => c.json({ visits: await listVisits(c.get("deps"), c.get("user")!, c.req.valid("query").status) }, 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/visits/{id}",
      tags: ["Lone working"],
      summary: "One visit with its check-ins and alerts",
      access: "signed_in",
      request: { params: IdParam },
      responses: {
        200: jsonResponse(VisitSchema.extend({ checkIns: z.array(z.object({ id: z.string(), at: z.string(), kind: z.string() }).passthrough()), alerts: z.array(z.any()) }), "The visit"),
        404: problemResponse("Unknown, or not yours to see"),
      },
    }),
    async (c) => c.json((await getVisit(c.get("deps"), c.get("user")!, c.req.valid("param").id)) as never, 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/visits/{id}/check-in",
      tags: ["Lone working"],
      summary: "Check in (moves the next due time on)",
      access: "signed_in",
      request: { params: IdParam, headers: IdemHeaders, ...jsonBody(CheckInBody) },
      responses: { 200: jsonResponse(Due, "Checked in"), 404: problemResponse("Unknown visit"), 409: problemResponse("The visit is finished") },
    }),
    async (c) => {
      const r = await checkIn(c.get("deps"), c.get("user")!, c.req.valid("param").id, c.req.valid("json"), key(c, c.req.valid("json")));
      return c.json(r.body, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/visits/{id}/check-out",
      tags: ["Lone working"],
      summary: "Check out (a duress PIN answers the same and raises a silent alarm)",
      access: "signed_in",
      request: { params: IdParam, headers: IdemHeaders, ...jsonBody(z.object({ pin: z.string().max(64).optional() })) },
      responses: { 200: jsonResponse(z.object({ status: z.literal("completed") }), "Checked out"), 404: problemResponse("Unknown visit"), 409: problemResponse("The visit is finished") },
    }),
    async (c) => {
      const { pin } = c.req.valid("json");
      // Whether a PIN came, not the PIN: a digest of a 4-12 digit PIN would give it away.
      const r = await checkOut(c.get("deps"), c.get("user")!, c.req.valid("param").id, pin, key(c, { pin: pin ? "given" : "none" }));
      return c.json(r.body, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/visits/{id}/extend",
      tags: ["Lone working"],
      summary: "Move the expected end",
      access: "signed_in",
      request: { params: IdParam, ...jsonBody(z.object({ expectedEnd: Instant })) },
      responses: {
        200: jsonResponse(z.object({ id: z.string(), status: z.enum(VISIT_STATUSES), expectedEnd: z.string(), nextCheckInDue: z.string() }), "Extended"),
        404: problemResponse("Unknown visit"),
        409: problemResponse("The visit is finished"),
      },
    }),
    async (c) => c.json(await extendVisit(c.get("deps"), c.get("user")!, c.req.valid("param").id, c.req.valid("json").expectedEnd), 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/visits/{id}/alarm",
      tags: ["Lone working"],
      summary: "Panic alarm: starts high on the escalation ladder at once",
      access: "signed_in",
      request: { params: IdParam, headers: IdemHeaders },
      responses: { 201: jsonResponse(z.object({ alertId: z.string() }), "Alarm raised"), 404: problemResponse("Unknown visit"), 409: problemResponse("The visit is finished") },
    }),
    async (c) => {
      const r = await panic(c.get("deps"), c.get("user")!, c.req.valid("param").id, key(c));
      return c.json(r.body, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "put",
      path: "/api/me/duress-pin",
      tags: ["Lone working"],
      summary: "Set your duress PIN (a check-out with it raises a silent alarm)",
      access: "signed_in",
      request: jsonBody(z.object({ pin: z.string().regex(/^\d{4,12}$/, "must be 4 to 12 digits") })),
      responses: { 204: { description: "Set" } },
    }),
    async (c) => {
      await setDuressPin(c.get("deps"), c.get("user")!, c.req.valid("json").pin);
      return c.body(null, 204);
    },
  );


