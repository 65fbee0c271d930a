import { z } from "@hono/zod-openapi";
import { visibleText } from "../http/text.js";
import { defineRoute, jsonBody, jsonResponse, router, problemResponse, IdParam, Instant, Day } from "../http/route.js";
import { actorOf } from "../http/actor.js";
import { addDays, localDay, startOfLocalDay } from "../calendar/days.js";
import type { CurrentUser } from "../deps.js";
import { NotFound } from "../errors.js";
import { ROTA_KINDS, SWAP_STATUSES } from "./schema.js";
import { parseShiftRule } from "./expand.js";
import { WARNING_KINDS } from "./rules/working-time.js";
import { addPattern, endPattern, assign, checkAssign, cancelAssignment, coverage, createRota, getRotaWithPatterns, listRotas, onDutyNow, rotation, shiftsOf, shiftsOfPerson, MAX_WINDOW_DAYS, type PatternRow } from "./service.js";
import { DayOrInstant, timeWindow } from "../http/window.js";
import { acceptSwap, approveSwap, listSwaps, offerSwap } from "./swaps.js";
import { calendarFeed, issueCalendarToken } from "./calendar-feed.js";
import { ROTA_EDITORS, hasAny } from "../staff/roles.js";

const canManage = (u: CurrentUser) => hasAny(u, ROTA_EDITORS);

function windowOf(tz: string, now: Date, from?: string, to?: string, defaultDays = 7) {
  return timeWindow(tz, now, from, to, { defaultDays, maxDays: MAX_WINDOW_DAYS });
}
export const WindowQuery = z.object({ from: DayOrInstant.optional(), to: DayOrInstant.optional() });

export const Person = z.object({ id: z.string(), name: z.string() });
export const WarningSchema = z.object({ kind: z.enum(WARNING_KINDS), detail: z.string() }).openapi("RotaWarning");
export const RotaSchema = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(ROTA_KINDS), requiredStaff: z.number().int(), createdAt: z.string() })
  .openapi("Rota");
const PatternSchema = z
  .object({
    id: z.string(),
    rotaId: z.string(),
    rrule: z.string(),
    startTime: z.string(),
    durationMinutes: z.number().int(),
    label: z.string().nullable(),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    skipBankHolidays: z.boolean(),
    addBankHolidays: z.boolean(),
  })
  .openapi("RotaPattern");

export const NewRota = z.object({
  name: visibleText(200),
  kind: z.enum(ROTA_KINDS),
  requiredStaff: z.number().int().min(1).max(50).optional(),
});

const NewPattern = z
  .object({
    rrule: z
      .string()
      .max(500)
      .superRefine((v, ctx) => {
        const r = parseShiftRule(v);
        if (!r.ok) ctx.addIssue({ code: "custom", message: r.message });
      })
      .openapi({ description: "RFC 5545 RRULE over local days, e.g. FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", example: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" }),
    startTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)")
      .openapi({ description: "Local wall-clock start time", example: "09:00" }),
    durationMinutes: z.number().int().min(1).max(7 * 24 * 60).openapi({ description: "Local wall-clock length: 17:00 + 960 ends 09:00 local, even across a clock change" }),
    label: visibleText(200).optional(),
    startsOn: Day.optional().openapi({ description: "First local day of the rule (default: today)" }),
    endsOn: Day.optional().openapi({ description: "Last local day (default: open-ended)" }),
    skipBankHolidays: z.boolean().optional().openapi({ description: "Drop occurrences on bank holidays of England and Wales" }),
    addBankHolidays: z.boolean().optional().openapi({ description: "Add an occurrence on every bank holiday the rule misses (e.g. weekend cover on bank holidays)" }),
  })
  .refine((p) => !(p.skipBankHolidays && p.addBankHolidays), { path: ["addBankHolidays"], message: "cannot both skip and add bank holidays" });

export const ShiftSchema = z.object({
  start: z.string(),
  end: z.string(),
  label: z.string().nullable(),
  patternId: z.string().nullable(),
  staff: z.array(z.object({ id: z.string(), name: z.string(), assignmentId: z.string(), start: z.string(), end: z.string() })),
});

export const NewAssignment = z.object({ staffId: z.string().min(1), start: Instant, end: Instant });
export const AssignmentRefusal = z.object({ status: z.number().int(), detail: z.string(), errors: z.array(z.object({ path: z.string(), message: z.string() })) });
export const AssignmentCheckSchema = z
  .object({ ok: z.boolean(), refusal: AssignmentRefusal.optional(), warnings: z.array(WarningSchema) })
  .openapi("AssignmentCheck");
export const AssignmentMade = z.object({ id: z.string(), staffId: z.string(), start: z.string(), end: z.string(), warnings: z.array(WarningSchema) });

export const RotationBody = z.object({
  from: DayOrInstant,
  to: DayOrInstant,
  staffIds: z.array(z.string().min(1)).min(1).max(200),
});

export const ConflictSchema = z.object({ kind: z.string(), staffId: z.string(), assignmentId: z.string(), start: z.string(), end: z.string(), detail: z.string() });

// Response bodies, exported for the pages' typed loaders (src/web/api.ts).
export const RotaList = z.object({ rotas: z.array(RotaSchema) });
export const ShiftList = z.object({ shifts: z.array(ShiftSchema) });
export const Coverage = z.object({ gaps: z.array(z.object({ start: z.string(), end: z.string() })), conflicts: z.array(ConflictSchema) });
export const OnDuty = z.object({ at: z.string(), amhp: z.array(Person), managers: z.array(Person) });
export const MyShifts = z.object({
  shifts: z.array(z.object({ assignmentId: z.string(), rotaId: z.string(), rotaName: z.string(), kind: z.enum(ROTA_KINDS), start: z.string(), end: z.string(), source: z.string() })),
});

export const SwapSchema = z
  .object({ id: z.string(), assignmentId: z.string(), fromStaffId: z.string(), toStaffId: z.string(), status: z.string(), newAssignmentId: z.string().nullable() })
  .openapi("RotaSwap");
export const SwapList = z.object({ swaps: z.array(SwapSchema.extend({ rotaId: z.string(), start: z.string(), end: z.string() })) });
export const SwapApproved = SwapSchema.extend({ warnings: z.array(WarningSchema) });
const swapView = (s: { id: string; assignmentId: string; fromStaffId: string; toStaffId: string; status: string; newAssignmentId: string | null }) => ({
  id: s.id,
  assignmentId: s.assignmentId,
  fromStaffId: s.fromStaffId,
  toStaffId: s.toStaffId,
  status: s.status,
  newAssignmentId: s.newAssignmentId,
});

const iso = (d: Date) => d.toISOString();
const rotaView = (r: { id: string; name: string; kind: (typeof ROTA_KINDS)[number]; requiredStaff: number; createdAt: Date }) => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  requiredStaff: r.requiredStaff,
  createdAt: iso(r.createdAt),
});
const patternView = (p: PatternRow) => ({
  id: p.id,
  rotaId: p.rotaId,
  rrule: p.rrule,
  startTime: p.startTime,
  durationMinutes: p.durationMinutes,
  label: p.label,
  startsOn: p.startsOn,
  endsOn: p.endsOn,
  skipBankHolidays: p.skipBankHolidays,
  addBankHolidays: p.addBankHolidays,
});

// Hono reads `{token}.ics` as one parameter named "token.ics" holding the whole
// segment, so the handler takes the token off it; anything else is a 404.
const TOKEN_FILE = /^([A-Za-z0-9_-]{20,100})\.ics$/;

export const rotaRoutes = router()
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/rotas",
      tags: ["Rotas"],
      summary: "Create a rota",
      access: ROTA_EDITORS,
      request: jsonBody(NewRota),
      responses: { 201: jsonResponse(RotaSchema, "Created") },
    }),
    async (c) => c.json(rotaView(await createRota(c.get("deps"), actorOf(c), c.req.valid("json"))), 201),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/rotas",
      tags: ["Rotas"],
      summary: "Every rota",
      access: "signed_in",
      responses: { 200: jsonResponse(RotaList, "Rotas") },
    }),
    async (c) => c.json({ rotas: (await listRotas(c.get("deps"))).map(rotaView) }, 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/rotas/{id}",
      tags: ["Rotas"],
      summary: "A rota and its patterns",
      access: "signed_in",
      request: { params: IdParam },
      responses: { 200: jsonResponse(RotaSchema.extend({ patterns: z.array(PatternSchema) }), "The rota"), 404: problemResponse("Unknown rota") },
    }),
    async (c) => {
      const rota = await getRotaWithPatterns(c.get("deps"), c.req.valid("param").id);
      return c.json({ ...rotaView(rota), patterns: rota.patterns.map(patternView) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/rotas/{id}/patterns",
      tags: ["Rotas"],
      summary: "Add a recurring shift pattern (RRULE, local start time, local duration)",
      access: ROTA_EDITORS,
      request: { params: IdParam, ...jsonBody(NewPattern) },
      responses: { 201: jsonResponse(PatternSchema, "Added"), 404: problemResponse("Unknown rota") },
    }),
    async (c) => c.json(patternView(await addPattern(c.get("deps"), actorOf(c), c.req.valid("param").id, c.req.valid("json"))), 201),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/patterns/{id}/end",
      tags: ["Rotas"],
      summary: "End a pattern on a day (its last day of shifts); patterns are kept, never deleted",
      access: ROTA_EDITORS,
      request: { params: IdParam, ...jsonBody(z.object({ endsOn: Day })) },
      responses: { 200: jsonResponse(PatternSchema, "Ended"), 404: problemResponse("Unknown pattern") },
    }),
    async (c) => c.json(patternView(await endPattern(c.get("deps"), actorOf(c), c.req.valid("param").id, c.req.valid("json").endsOn)), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/rotas/{id}/shifts",
      tags: ["Rotas"],
      summary: "The rota's shifts in a window, with who holds each",
      access: "signed_in",
      request: { params: IdParam, query: WindowQuery },
      responses: { 200: jsonResponse(ShiftList, "Shifts"), 404: problemResponse("Unknown rota") },
    }),
    async (c) => {
      const deps = c.get("deps");
      const q = c.req.valid("query");
      const { from, to } = windowOf(deps.config.TZ_LOCAL, deps.clock.now(), q.from, q.to);
      const shifts = (await shiftsOf(deps, c.req.valid("param").id, from, to)).map((s) => ({
        ...s,
        start: iso(s.start),
        end: iso(s.end),
        staff: s.staff.map((p) => ({ ...p, start: iso(p.start), end: iso(p.end) })),
      }));
      return c.json({ shifts }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/rotas/{id}/assignments/check",
      tags: ["Rotas"],
      summary: "Dry run of an assignment: the refusal or warnings assigning would give, writing nothing",
      access: ROTA_EDITORS,
      request: { params: IdParam, ...jsonBody(NewAssignment) },
      responses: {
        200: jsonResponse(AssignmentCheckSchema, "Whether assigning would be accepted; its refusal (as the assign route's problem) or its warnings"),
        404: problemResponse("Unknown rota or staff member"),
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const out = await checkAssign(c.get("deps"), c.req.valid("param").id, { staffId: b.staffId, start: new Date(b.start), end: new Date(b.end) });
      return c.json(out, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/rotas/{id}/assignments",
      tags: ["Rotas"],
      summary: "Assign a person to any interval of the rota",
      access: ROTA_EDITORS,
      request: { params: IdParam, ...jsonBody(NewAssignment) },
      responses: {
        201: jsonResponse(z.object({ id: z.string(), warnings: z.array(WarningSchema) }), "Assigned, with any Working Time or record warnings"),
        404: problemResponse("Unknown rota or staff member"),
        422: problemResponse("Not eligible, or double-booked"),
      },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const made = await assign(c.get("deps"), actorOf(c), c.req.valid("param").id, { staffId: b.staffId, start: new Date(b.start), end: new Date(b.end) });
      return c.json(made, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/assignments/{id}/cancel",
      tags: ["Rotas"],
      summary: "Cancel an assignment (kept, with the reason; never deleted)",
      access: ROTA_EDITORS,
      request: { params: IdParam, ...jsonBody(z.object({ reason: z.string().trim().min(1).max(1000) })) },
      responses: {
        200: jsonResponse(z.object({ id: z.string(), cancelledAt: z.string(), cancelReason: z.string() }), "Cancelled"),
        404: problemResponse("Unknown assignment"),
        409: problemResponse("Already cancelled"),
      },
    }),
    async (c) => {
      const row = await cancelAssignment(c.get("deps"), actorOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ id: row.id, cancelledAt: iso(row.cancelledAt!), cancelReason: row.cancelReason! }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/rotas/{id}/rotation",
      tags: ["Rotas"],
      summary: "Assign the pattern shifts starting in [from, to) in turn to the listed staff",
      description: "Days are local; `to` as a day is inclusive. Anyone ineligible, on leave, off sick or already on duty is skipped, and `skipped` says whom and why.",
      access: ROTA_EDITORS,
      request: { params: IdParam, ...jsonBody(RotationBody) },
      responses: {
        201: jsonResponse(
          z.object({
            assignments: z.array(AssignmentMade),
            skipped: z.array(z.object({ staffId: z.string(), start: z.string(), end: z.string(), reason: z.string() })),
            unfilled: z.array(z.object({ start: z.string(), end: z.string(), places: z.number() })),
          }),
          "Assignments made",
        ),
        404: problemResponse("Unknown rota"),
        422: problemResponse("No pattern shifts in the window"),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const b = c.req.valid("json");
      const { from, to } = windowOf(deps.config.TZ_LOCAL, deps.clock.now(), b.from, b.to);
      const out = await rotation(deps, actorOf(c), c.req.valid("param").id, { from, to, staffIds: b.staffIds });
      return c.json(
        {
          assignments: out.assignments.map((a) => ({ ...a, start: iso(a.start), end: iso(a.end) })),
          skipped: out.skipped.map((s) => ({ ...s, start: iso(s.start), end: iso(s.end) })),
          unfilled: out.unfilled.map((u) => ({ ...u, start: iso(u.start), end: iso(u.end) })),
        },
        201,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/rotas/{id}/coverage",
      tags: ["Rotas"],
      summary: "Gaps (pattern minutes below the required headcount) and conflicts in a window",
      access: "signed_in",
      request: { params: IdParam, query: WindowQuery },
      responses: {
        200: jsonResponse(Coverage, "Coverage"),
        404: problemResponse("Unknown rota"),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const q = c.req.valid("query");
      const { from, to } = windowOf(deps.config.TZ_LOCAL, deps.clock.now(), q.from, q.to, 28);
      const r = await coverage(deps.db, c.req.valid("param").id, from, to, deps.config.TZ_LOCAL);
      return c.json(
        {
          gaps: r.gaps.map((g) => ({ start: iso(g.start), end: iso(g.end) })),
          conflicts: r.conflicts.map((x) => ({ ...x, start: iso(x.start), end: iso(x.end) })),
        },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/swaps",
      tags: ["Rotas"],
      summary: "Offer a shift to someone (by its holder, or a coordinator)",
      access: "signed_in",
      request: jsonBody(z.object({ assignmentId: z.string().min(1), toStaffId: z.string().min(1) })),
      responses: {
        201: jsonResponse(SwapSchema, "Offered"),
        404: problemResponse("Unknown assignment or person"),
        409: problemResponse("Already offered in another swap"),
        422: problemResponse("Refused"),
      },
    }),
    async (c) => c.json(swapView(await offerSwap(c.get("deps"), actorOf(c), canManage(c.get("user")!), c.req.valid("json"))), 201),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/swaps",
      tags: ["Rotas"],
      summary: "Swaps you offered or were offered (coordinators: all), newest first",
      access: "signed_in",
      request: { query: z.object({ status: z.enum(SWAP_STATUSES).optional() }) },
      responses: {
        200: jsonResponse(SwapList, "Swaps"),
      },
    }),
    async (c) => {
      const user = c.get("user")!;
      const rows = await listSwaps(c.get("deps"), user.id, canManage(user), c.req.valid("query").status);
      return c.json({ swaps: rows.map((s) => ({ ...swapView(s), rotaId: s.rotaId, start: iso(s.start), end: iso(s.end) })) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/swaps/{id}/accept",
      tags: ["Rotas"],
      summary: "Accept a shift offered to you (receiver only)",
      access: "signed_in",
      request: { params: IdParam },
      responses: { 200: jsonResponse(SwapSchema, "Accepted"), 404: problemResponse("Unknown swap"), 409: problemResponse("Not awaiting acceptance") },
    }),
    async (c) => c.json(swapView(await acceptSwap(c.get("deps"), actorOf(c), c.req.valid("param").id)), 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/swaps/{id}/approve",
      tags: ["Rotas"],
      summary: "Approve an accepted swap: the shift moves to the receiver",
      access: ROTA_EDITORS,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(SwapApproved, "Approved"),
        404: problemResponse("Unknown swap"),
        409: problemResponse("Not accepted yet, or already approved"),
        422: problemResponse("Receiver not eligible, or double-booked"),
      },
    }),
    async (c) => {
      const s = await approveSwap(c.get("deps"), actorOf(c), c.req.valid("param").id);
      return c.json({ ...swapView(s), warnings: s.warnings }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/on-duty",
      tags: ["Rotas"],
      summary: "Who is on duty at an instant (default now)",
      access: "signed_in",
      request: { query: z.object({ at: Instant.optional() }) },
      responses: { 200: jsonResponse(OnDuty, "On duty") },
    }),
    async (c) => {
      const deps = c.get("deps");
      const q = c.req.valid("query");
      const at = q.at ? new Date(q.at) : deps.clock.now();
      return c.json({ at: iso(at), ...(await onDutyNow(deps, at)) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/me/shifts",
      tags: ["Rotas"],
      summary: "Your own shifts in a window (default: the next 28 days)",
      access: "signed_in",
      request: { query: WindowQuery },
      responses: {
        200: jsonResponse(MyShifts, "Your shifts"),
      },
    }),
    async (c) => {
      const deps = c.get("deps");
      const q = c.req.valid("query");
      const { from, to } = windowOf(deps.config.TZ_LOCAL, deps.clock.now(), q.from, q.to, 28);
      const shifts = (await shiftsOfPerson(deps, c.get("user")!.id, from, to)).map((s) => ({ ...s, start: iso(s.start), end: iso(s.end) }));
      return c.json({ shifts }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/me/calendar-token",
      tags: ["Rotas"],
      summary: "Issue your calendar-feed URL (revokes any earlier one)",
      access: "signed_in",
      responses: { 201: jsonResponse(z.object({ url: z.string() }), "The secret feed URL, shown once") },
    }),
    async (c) => c.json(await issueCalendarToken(c.get("deps"), actorOf(c)), 201),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/calendar/{token}.ics",
      tags: ["Rotas"],
      summary: "A person's shifts as iCalendar (the secret token is the credential)",
      access: "public",
      parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" }, description: "The secret from POST /api/me/calendar-token" }],
      responses: {
        200: { description: "The feed", content: { "text/calendar": { schema: z.string() } } },
        404: problemResponse("Unknown or revoked token"),
      },
    }),
    async (c) => {
      const token = TOKEN_FILE.exec(c.req.param("token.ics" as never) ?? "")?.[1];
      if (!token) throw new NotFound("calendar");
      const body = await calendarFeed(c.get("deps"), token);
      c.header("Cache-Control", "private, max-age=300");
      return c.body(body, 200, { "Content-Type": "text/calendar; charset=utf-8" });
    },
  );
