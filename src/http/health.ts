import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { defineRoute, jsonResponse, router, problemResponse } from "./route.js";

export const healthRoutes = router()
  .openapi(
    defineRoute({
      method: "get",
      path: "/healthz",
      tags: ["Health"],
      summary: "The process is up",
      access: "public",
      responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }), "Alive") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/readyz",
      tags: ["Health"],
      summary: "The database answers",
      access: "public",
      responses: { 200: jsonResponse(z.object({ status: z.literal("ready") }), "Ready"), 503: problemResponse("Database not answering") },
    }),
    (c) => {
      try {
        c.get("deps").db.get(sql`select 1`);
        return c.json({ status: "ready" as const }, 200);
      } catch {
        return c.json({ status: "unavailable" }, 503) as never;
      }
    },
  );
