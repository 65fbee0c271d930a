import { z } from "@hono/zod-openapi";
import type { Deps } from "../deps.js";
import type { Db } from "../db/connection.js";
import { DatabaseUnavailable, freeBytes, probeWrite } from "../db/connection.js";
import { newestHeartbeat } from "../lone-working/escalation/store.js";
import { databaseAnswers } from "./health-store.js";
import { defineRoute, jsonResponse, router } from "./route.js";

const checksSchema = z.object({
  database: z.string().describe('"ok", or why the database does not answer'),
  write: z.string().describe('"ok", or why a committed write failed (read-only file, full disk)'),
  scheduler: z.string().describe('"ok", or how long no escalation scheduler has beaten'),
});
type Checks = z.infer<typeof checksSchema>;

/**
 * The write probe commits (a rolled-back write would pass on a full disk), so it costs an
 * fsync: one a second at most, however often /readyz is asked (it is public).
 */
const PROBE_EVERY_MS = 1000;
const lastProbe = new WeakMap<Db, { at: number; result: string }>();

/** Below this, say so even while the probe passes (SQLite may still be reusing its WAL's space). */
const MIN_FREE_BYTES = 1024 * 1024;

function writeCheck(deps: Deps): string {
  const prev = lastProbe.get(deps.db);
  const t = deps.clock.now().getTime();
  if (prev && Math.abs(t - prev.at) < PROBE_EVERY_MS) return prev.result;
  let result = "ok";
  try {
    // A short wait for the lock: a probe must not hold up the event loop (and escalation).
    probeWrite(deps.db, deps.config.DATABASE_PATH, deps.clock.now(), { busyTimeoutMs: 500 });
    const free = freeBytes(deps.config.DATABASE_PATH);
    if (free !== undefined && free < MIN_FREE_BYTES) result = `the disk is nearly full: ${free} bytes free (writes will fail)`;
  } catch (e) {
    result = e instanceof DatabaseUnavailable ? e.reason : String(e);
  }
  lastProbe.set(deps.db, { at: t, result });
  return result;
}

/** Is some scheduler (this process's, a worker's, another instance's) beating? */
function schedulerCheck(deps: Deps): string {
  const last = newestHeartbeat(deps.db);
  if (!last) return "no live scheduler: none has ever run against this database";
  const silent = deps.clock.now().getTime() - last.getTime();
  if (silent > deps.config.SCHEDULER_STALE_SECONDS * 1000) return `no live scheduler for ${Math.round(silent / 1000)} s`;
  return "ok";
}

export function readinessChecks(deps: Deps): { ready: boolean; checks: Checks } {
  try {
    databaseAnswers(deps.db);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ready: false, checks: { database: `not answering: ${why}`, write: "not tried", scheduler: "unknown" } };
  }
  const checks: Checks = { database: "ok", write: writeCheck(deps), scheduler: schedulerCheck(deps) };
  return { ready: Object.values(checks).every((v) => v === "ok"), checks };
}

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
      summary: "The database answers and takes a write, and an escalation scheduler is alive",
      access: "public",
      responses: {
        200: jsonResponse(z.object({ status: z.literal("ready"), checks: checksSchema }), "Ready"),
        503: jsonResponse(z.object({ status: z.literal("unavailable"), checks: checksSchema }), "Not ready: each check that is not \"ok\" says why"),
      },
    }),
    (c) => {
      const { ready, checks } = readinessChecks(c.get("deps"));
      c.header("Cache-Control", "no-store");
      return ready ? c.json({ status: "ready" as const, checks }, 200) : c.json({ status: "unavailable" as const, checks }, 503);
    },
  );
