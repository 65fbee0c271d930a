// When the escalation worker runs in its own process (`npm run worker`), its
// alert changes never pass through this process's event bus. The web tier then
// follows the audit chain instead: every alert change is an audit row written in
// the same transaction, so new alert rows in it are exactly what the live board
// must hear about. Polling one indexed range a second costs next to nothing.
import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { auditLog } from "../../audit/schema.js";
import { alerts } from "./schema.js";

export interface AlertTail {
  /** Publish what changed since the last look; returns how many events went out. */
  poll(): number;
  stop(): void;
}

export function followAlertChanges(deps: Deps, everyMs = 1000): AlertTail {
  let last = deps.db.select({ seq: auditLog.seq }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).get()?.seq ?? 0;

  const poll = (): number => {
    const rows = deps.db
      .select({ seq: auditLog.seq, id: auditLog.entityId, action: auditLog.action })
      .from(auditLog)
      .where(and(gt(auditLog.seq, last), eq(auditLog.entity, "alert"), eq(auditLog.actorType, "system")))
      .orderBy(asc(auditLog.seq))
      .limit(1000)
      .all();
    if (rows.length === 0) return 0;
    last = rows[rows.length - 1]!.seq;
    const latest = new Map(rows.map((r) => [r.id, r.action]));
    const found = deps.db
      .select({ id: alerts.id, visitId: alerts.visitId, staffId: alerts.staffId, reason: alerts.reason })
      .from(alerts)
      .where(inArray(alerts.id, [...latest.keys()]))
      .all();
    for (const a of found) {
      const change = latest.get(a.id) === "raise" ? "raised" : "escalated";
      deps.events.publish({ type: "alert", data: { ...a, change } });
    }
    return found.length;
  };

  const timer = setInterval(() => {
    try {
      poll();
    } catch (e) {
      deps.log.error({ err: e }, "alert tail: could not read the audit log");
    }
  }, everyMs);
  timer.unref();
  return { poll, stop: () => clearInterval(timer) };
}
