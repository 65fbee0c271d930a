// HTTP for HR records (approvals, training and leave under /api/staff/{id}; the rest under the "HR" tag).
// Services decide who may see what; routes only validate and translate.
import { z } from "@hono/zod-openapi";
import { defineRoute, jsonBody, jsonResponse, router, problemResponse, IdParam, Day } from "../http/route.js";
import { LEAVE_KINDS, SICKNESS_CAUSES, SUPERVISION_KINDS } from "./schema.js";
import { RECORD_KINDS } from "./kinds.js";
import { redact } from "./records.js";
import { isHrOrAdmin } from "./access.js";
import { InvalidInput } from "../errors.js";
import type { CurrentUser } from "../deps.js";
import { addApproval, addLeave, addTraining, listStaffRecords } from "./staff-records.js";
import { awaitingMyConfirmation, confirmSupervision, disputeSupervision, listSupervisions, recordSupervision } from "./supervision.js";
import { changeSickness, listSickness, recordReturnToWork, recordSickness } from "./sickness.js";
import { listOh, referToOh, updateOh } from "./oh.js";
import { hrRecordHistory, voidHrRecord } from "./void.js";
import { Reason, reasonSchema } from "./reason.js";
import { HR_WRITERS, RECORD_KEEPERS } from "../staff/roles.js";


const LateEntry = { lateEntryReason: Reason.optional() };
export const HrRecord = z.object({ id: z.string() }).passthrough().openapi("HrRecord");
const List = <K extends string>(key: K) => z.object({ [key]: z.array(HrRecord) } as { [P in K]: z.ZodArray<typeof HrRecord> });
export const SicknessList = List("episodes");
export const SupervisionList = List("supervisions");
export const ReferralList = List("referrals");
export const StaffRecordLists = z.object({ approvals: z.array(HrRecord), training: z.array(HrRecord), leave: z.array(HrRecord) });
export const RecordHistory = z.object({ kind: z.string(), id: z.string(), versions: z.array(z.object({ version: z.number() }).passthrough()) });
const created = { 201: jsonResponse(HrRecord, "Recorded"), 404: problemResponse("Unknown person, or not yours"), 422: problemResponse("A rule refused it") };
const changed = { 200: jsonResponse(HrRecord, "Changed"), 404: problemResponse("Unknown record, or not yours"), 409: problemResponse("Void, or changed meanwhile"), 422: problemResponse("A rule refused it") };

const user = (c: { get(k: "user"): unknown }) => c.get("user") as CurrentUser;
/** Managers see the absence, not its cause. */
const redactCause = <T extends Record<string, unknown>>(row: T, u: CurrentUser) => redact("sickness", row, isHrOrAdmin(u));

export const hrRoutes = router()
  // --- approvals, training, leave (OpenAPI tag "Staff") ---
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff/{id}/amhp-approvals",
      tags: ["Staff"],
      summary: "Record an AMHP approval period (at most 5 years)",
      access: HR_WRITERS,
      request: { params: IdParam, ...jsonBody(z.object({ validFrom: Day, validUntil: Day, ...LateEntry })) },
      responses: created,
    }),
    async (c) => c.json(await addApproval(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff/{id}/training",
      tags: ["Staff"],
      summary: "Record AMHP-relevant training hours",
      access: RECORD_KEEPERS,
      request: { params: IdParam, ...jsonBody(z.object({ date: Day, hours: z.number().gt(0).max(24), topic: z.string().trim().min(1).max(500), ...LateEntry })) },
      responses: created,
    }),
    async (c) => c.json(await addTraining(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff/{id}/leave",
      tags: ["Staff"],
      summary: "Record leave (may be in the future)",
      access: RECORD_KEEPERS,
      request: { params: IdParam, ...jsonBody(z.object({ from: Day, to: Day, kind: z.enum(LEAVE_KINDS), ...LateEntry })) },
      responses: created,
    }),
    async (c) => c.json(await addLeave(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/staff/{id}/hr-records",
      tags: ["Staff"],
      summary: "A person's approvals, training and leave",
      access: "signed_in",
      request: { params: IdParam },
      responses: {
        200: jsonResponse(StaffRecordLists, "Records"),
        404: problemResponse("Unknown person, or not yours"),
      },
    }),
    async (c) => c.json(await listStaffRecords(c.get("deps"), user(c), c.req.valid("param").id), 200),
  )
  // --- supervision ---
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff/{id}/supervisions",
      tags: ["HR"],
      summary: "Record a supervision session (by either party, or their manager)",
      access: "signed_in",
      request: {
        params: IdParam,
        ...jsonBody(
          z.object({ heldOn: Day, supervisorId: z.string().min(1), kind: z.enum(SUPERVISION_KINDS).optional(), durationMinutes: z.number().int().positive().max(600).optional(), ...LateEntry }),
        ),
      },
      responses: created,
    }),
    async (c) => c.json(await recordSupervision(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/supervisions/{id}/confirm",
      tags: ["HR"],
      summary: "Confirm a session (the other party)",
      access: "signed_in",
      request: { params: IdParam },
      responses: { ...changed, 403: problemResponse("Not a party to the session") },
    }),
    async (c) => c.json(await confirmSupervision(c.get("deps"), user(c), c.req.valid("param").id), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/staff/{id}/supervisions",
      tags: ["HR"],
      summary: "A person's supervision sessions",
      access: "signed_in",
      request: { params: IdParam },
      responses: { 200: jsonResponse(SupervisionList, "Sessions"), 404: problemResponse("Unknown person, or not yours") },
    }),
    async (c) => c.json({ supervisions: await listSupervisions(c.get("deps"), user(c), c.req.valid("param").id) }, 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/me/supervisions/awaiting",
      tags: ["HR"],
      summary: "Sessions waiting for my confirmation",
      access: "signed_in",
      responses: { 200: jsonResponse(List("supervisions"), "Sessions") },
    }),
    async (c) => c.json({ supervisions: await awaitingMyConfirmation(c.get("deps"), user(c)) }, 200),
  )
  // --- sickness and return to work ---
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff/{id}/sickness",
      tags: ["HR"],
      summary: "Record a sickness episode (open while absent)",
      access: RECORD_KEEPERS,
      request: { params: IdParam, ...jsonBody(z.object({ firstDay: Day, lastDay: Day.optional(), cause: z.enum(SICKNESS_CAUSES), ...LateEntry })) },
      responses: created,
    }),
    async (c) => {
      const body = c.req.valid("json");
      if (body.lastDay && body.lastDay < body.firstDay) {
        throw new InvalidInput([{ path: "lastDay", message: "before firstDay" }]);
      }
      return c.json(redactCause(await recordSickness(c.get("deps"), user(c), c.req.valid("param").id, body), user(c)), 201);
    },
  )
  .openapi(
    defineRoute({
      method: "patch",
      path: "/api/sickness/{id}",
      tags: ["HR"],
      summary: "Close an open episode (lastDay), or correct one with a reason (moving firstDay back more than 7 days also needs lateEntryReason)",
      access: RECORD_KEEPERS,
      request: {
        params: IdParam,
        ...jsonBody(z.object({ lastDay: Day.nullable().optional(), firstDay: Day.optional(), cause: z.enum(SICKNESS_CAUSES).optional(), reason: Reason.optional(), ...LateEntry })),
      },
      responses: changed,
    }),
    async (c) => c.json(redactCause(await changeSickness(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json")), user(c)), 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/sickness/{id}/return-to-work",
      tags: ["HR"],
      summary: "Record the return-to-work interview",
      access: RECORD_KEEPERS,
      request: { params: IdParam, ...jsonBody(z.object({ heldOn: Day, notes: z.string().max(5000).optional(), ...LateEntry })) },
      responses: { ...created, 409: problemResponse("Already recorded, or the episode is void") },
    }),
    async (c) => {
      const row = await recordReturnToWork(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json"));
      const { notes, ...rest } = row as typeof row & { notes?: unknown };
      return c.json(isHrOrAdmin(user(c)) ? row : rest, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/staff/{id}/sickness",
      tags: ["HR"],
      summary: "A person's sickness episodes (cause for HR, admin and the person only)",
      access: "signed_in",
      request: { params: IdParam },
      responses: { 200: jsonResponse(SicknessList, "Episodes"), 404: problemResponse("Unknown person, or not yours") },
    }),
    async (c) => c.json({ episodes: await listSickness(c.get("deps"), user(c), c.req.valid("param").id) }, 200),
  )
  // --- occupational health ---
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff/{id}/oh-referrals",
      tags: ["HR"],
      summary: "Record an Occupational Health referral",
      access: RECORD_KEEPERS,
      request: { params: IdParam, ...jsonBody(z.object({ referredOn: Day, reason: reasonSchema(5000), sicknessId: z.string().min(1).optional(), ...LateEntry })) },
      responses: created,
    }),
    async (c) => {
      const row = await referToOh(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json"));
      const { reason, ...rest } = row;
      return c.json(isHrOrAdmin(user(c)) ? row : rest, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "patch",
      path: "/api/oh-referrals/{id}",
      tags: ["HR"],
      summary: "Record the appointment, report and outcome",
      access: RECORD_KEEPERS,
      request: {
        params: IdParam,
        ...jsonBody(z.object({ appointmentOn: Day.optional(), reportReceivedOn: Day.optional(), outcome: z.string().trim().min(1).max(5000).optional(), reason: Reason.optional() })),
      },
      responses: changed,
    }),
    async (c) => c.json(await updateOh(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/staff/{id}/oh-referrals",
      tags: ["HR"],
      summary: "A person's OH referrals (reason for HR, admin and the person only)",
      access: "signed_in",
      request: { params: IdParam },
      responses: { 200: jsonResponse(ReferralList, "Referrals"), 404: problemResponse("Unknown person, or not yours") },
    }),
    async (c) => c.json({ referrals: await listOh(c.get("deps"), user(c), c.req.valid("param").id) }, 200),
  )
  // --- every record: void and history (no DELETE exists) ---
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/records/{kind}/{id}/void",
      tags: ["HR"],
      summary: "Void a record with a reason (records are never deleted)",
      access: "signed_in",
      request: { params: KindParams(), ...jsonBody(z.object({ reason: Reason })) },
      responses: { ...changed, 403: problemResponse("Not yours to void") },
    }),
    async (c) => {
      const { kind, id } = c.req.valid("param");
      return c.json(await voidHrRecord(c.get("deps"), user(c), kind, id, c.req.valid("json").reason), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/records/{kind}/{id}/history",
      tags: ["HR"],
      summary: "Every version of a record, oldest first",
      access: "signed_in",
      request: { params: KindParams() },
      responses: {
        200: jsonResponse(RecordHistory, "History"),
        404: problemResponse("Unknown record, or not yours"),
      },
    }),
    async (c) => {
      const { kind, id } = c.req.valid("param");
      return c.json({ kind, id, versions: await hrRecordHistory(c.get("deps"), user(c), kind, id) }, 200);
    },
  );

// Registered as a statement, not chained: chaining one more route made the app's combined
// route type too complex for TypeScript (TS2590 in app.ts). The route, its gate and its
// OpenAPI entry are the same; only the router's static type leaves it out.
hrRoutes.openapi(
  defineRoute({
    method: "post",
    path: "/api/supervisions/{id}/dispute",
    tags: ["HR"],
    summary: "Dispute a session with a reason (the party whose confirmation it awaits): it never counts, and HR sees it",
    access: "signed_in",
    request: { params: IdParam, ...jsonBody(z.object({ reason: Reason })) },
    responses: { 200: jsonResponse(HrRecord, "Disputed"), 403: problemResponse("Not a party to the session"), 404: problemResponse("Unknown session, or not yours"), 409: problemResponse("Void, already disputed, or already confirmed by you") },
  }),
  async (c) => c.json(await disputeSupervision(c.get("deps"), user(c), c.req.valid("param").id, c.req.valid("json").reason), 200),
);

function KindParams() {
  return z.object({
    kind: z.enum(RECORD_KINDS).openapi({ param: { name: "kind", in: "path" } }),
    id: z.string().min(1).openapi({ param: { name: "id", in: "path" } }),
  });
}
