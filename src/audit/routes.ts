import { z } from "@hono/zod-openapi";
import { defineRoute, jsonResponse, router } from "../http/route.js";
import { auditStore } from "./store.js";
import { verifyAuditAndRecordsAsync } from "./records-check.js";
import { ADMINS } from "../staff/roles.js";

export const Entry = z
  .object({
    seq: z.number().int(),
    recordedAt: z.string(),
    actorType: z.enum(["staff", "system"]),
    actorId: z.string(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string(),
    data: z.unknown(),
    hash: z.string(),
  })
  .openapi("AuditEntry");

/** The list and the check's answer, as the admin audit page reads them. */
export const AuditList = z.object({ entries: z.array(Entry) });
export const VerifyResult = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  firstBadSeq: z.number().int().optional(),
  problem: z.string().optional(),
  head: z.object({ seq: z.number(), hash: z.string() }).optional(),
  records: z.object({ checked: z.number().int(), mismatchCount: z.number().int() }),
  mismatches: z
    .array(z.object({ entity: z.string(), id: z.string(), field: z.string(), problem: z.enum(["changed", "not_in_chain", "missing"]) }))
    .openapi({ description: "Rows whose values differ from the chain's replay (first 1000); field \"*\" is the whole row" }),
});

export const auditRoutes = router()
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/audit",
      tags: ["Audit"],
      summary: "Audit entries, newest first",
      access: ADMINS,
      request: {
        query: z.object({
          entity: z.string().optional(),
          id: z.string().optional(),
          actor: z.string().optional().openapi({ description: "Only what this person (staff id) or job did" }),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          before: z.coerce.number().int().min(1).optional().openapi({ description: "Only entries with a lower seq: pass the last seq of a page for the next" }),
        }),
      },
      responses: { 200: jsonResponse(AuditList, "Entries") },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await auditStore(c.get("deps").db).entries({ entity: q.entity, entityId: q.id, actorId: q.actor, beforeSeq: q.before, limit: q.limit });
      const entries = rows.map((r) => ({ ...r, recordedAt: r.recordedAt.toISOString(), data: JSON.parse(r.data) as unknown }));
      return c.json({ entries }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/audit/verify",
      tags: ["Audit"],
      summary: "Check the hash chain (optionally against a kept checkpoint), and every HR record, staff and team row against what the chain says was written",
      access: ADMINS,
      request: {
        query: z.object({
          checkpointSeq: z.coerce.number().int().min(1).optional(),
          checkpointHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
        }),
      },
      responses: {
        200: jsonResponse(
          VerifyResult,
          "Result",
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const checkpoint = q.checkpointSeq && q.checkpointHash ? { seq: q.checkpointSeq, hash: q.checkpointHash } : undefined;
      return c.json(await verifyAuditAndRecordsAsync(c.get("deps").db, checkpoint), 200);
    },
  );
