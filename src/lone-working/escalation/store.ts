// Escalation's tables: `alerts`, `alert_steps` and `scheduler_runs`. This file is the ONE
// writer of `alerts` (raising, firing, acknowledging, resolving, closing): the alerts module
// and the visits store call its tx-level functions inside their own transaction. Statements
// on the sweep's and the firing's paths are hand-prepared (bench/dispatch.ts: drizzle
// building them per alert cost more than the work), and only here.
import { and, asc, eq, inArray, isNotNull, lte, ne, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
import { storeFor } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { InvalidInput, RuleViolation } from "../../errors.js";
import { staff, type Role } from "../../staff/schema.js";
import { alerts, schedulerRuns, type AlertReason } from "../alerts/schema.js";
import { announcementCount, cancelQueued, enqueue, ladderRecipients, RUN_ID } from "../delivery/index.js";
import { currentPolicy, policyProblems, savePolicy, type Policy } from "./policy.js";
import { newAlert, SYSTEM, type AlertRow, type RaiseInput } from "./raise.js";

export type { AlertRow, RaiseInput } from "./raise.js";

// ---------------------------------------------------------------------------------------
// Raising (tx-level: the visits store raises panic and duress alarms in its own transaction).

/** Raise an alert once (a second raise with the same trigger key returns null). */
export function raiseAlert(tx: Tx, input: RaiseInput, now: Date, actor: Actor = SYSTEM): AlertRow | null {
  const row = newAlert(input, input.policy ?? currentPolicy(tx), now);
  const ins = prepared(
    tx,
    "INSERT INTO alerts (id, trigger_key, visit_id, staff_id, parent_alert_id, reason, status, policy, start_step, base_at, raised_at, step, next_action_at, reminders_sent) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, -1, ?, 0) ON CONFLICT DO NOTHING",
  ).run(row.id, row.triggerKey, row.visitId, row.staffId, row.parentAlertId, row.reason, JSON.stringify(row.policy), row.startStep, row.baseAt.getTime(), now.getTime(), row.nextActionAt!.getTime());
  if (ins.changes === 0) return null; // raised already (the trigger key is unique)
  appendAudit(tx, actor, { action: "raise", entity: "alert", entityId: row.id, data: { reason: row.reason, visitId: row.visitId, startStep: row.startStep } }, now);
  return row;
}

/** The alert a trigger key raised, if any. */
export function alertIdByTrigger(tx: Tx, triggerKey: string): string | undefined {
  return tx.select({ id: alerts.id }).from(alerts).where(eq(alerts.triggerKey, triggerKey)).get()?.id;
}

/** A finished alert kept as history (demo data): inserted as given, no ladder to run. */
export function insertAlertRecord(tx: Tx, row: typeof alerts.$inferInsert): AlertRow {
  return tx.insert(alerts).values(row).returning().get();
}

// ---------------------------------------------------------------------------------------
// Firing (tx-level, inside a chunk's transaction: see inChunks).

/** An alerts row read by hand-prepared SQL, as drizzle would map it. */
export function alertById(tx: Tx | Db, id: string): AlertRow | undefined {
  const r = prepared(tx, "SELECT * FROM alerts WHERE id = ?").get(id) as Record<string, string | number | null> | undefined;
  if (!r) return undefined;
  const at = (v: string | number | null | undefined) => (v == null ? null : new Date(v as number));
  const str = (v: string | number | null | undefined) => (v == null ? null : String(v));
  return {
    id: r.id as string,
    triggerKey: r.trigger_key as string,
    visitId: str(r.visit_id),
    staffId: str(r.staff_id),
    parentAlertId: str(r.parent_alert_id),
    reason: r.reason as AlertReason,
    status: r.status as AlertRow["status"],
    policy: JSON.parse(r.policy as string) as Policy,
    startStep: r.start_step as number,
    baseAt: new Date(r.base_at as number),
    raisedAt: new Date(r.raised_at as number),
    step: r.step as number,
    nextActionAt: at(r.next_action_at),
    managersToldAt: at(r.managers_told_at),
    workerCheckedInAt: at(r.worker_checked_in_at),
    acknowledgedAt: at(r.acknowledged_at),
    acknowledgedBy: str(r.acknowledged_by),
    remindersSent: r.reminders_sent as number,
    resolvedAt: at(r.resolved_at),
    resolvedBy: str(r.resolved_by),
    outcome: str(r.outcome),
    note: str(r.note),
  };
}

export interface StepRow {
  step: number;
  repeat: number;
  firedAt: Date;
  dueAt: Date;
}

/** The steps an alert has fired. */
export function firedSteps(tx: Tx | Db, alertId: string): StepRow[] {
  const rows = prepared(tx, 'SELECT step, "repeat", fired_at AS firedAt, due_at AS dueAt FROM alert_steps WHERE alert_id = ?').all(alertId) as { step: number; repeat: number; firedAt: number; dueAt: number }[];
  return rows.map((s) => ({ step: s.step, repeat: s.repeat, firedAt: new Date(s.firedAt), dueAt: new Date(s.dueAt) }));
}

/** Record a step as fired, once (its unique key): false when another process fired it first. */
export function insertStep(tx: Tx, s: { alertId: string; step: number; repeat: number; dueAt: Date; firedAt: Date; early: boolean; targets: string[] }): boolean {
  return (
    prepared(tx, 'INSERT INTO alert_steps (id, alert_id, step, "repeat", due_at, fired_at, early, targets) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
      crypto.randomUUID(),
      s.alertId,
      s.step,
      s.repeat,
      s.dueAt.getTime(),
      s.firedAt.getTime(),
      s.early ? 1 : 0,
      JSON.stringify(s.targets),
    ).changes === 1
  );
}

/** When the scheduler must look at the alert again (null: nothing left to do). */
export function retime(tx: Tx, alertId: string, at: Date | null): void {
  prepared(tx, "UPDATE alerts SET next_action_at = ? WHERE id = ?").run(at?.getTime() ?? null, alertId);
}

/** What a firing changed on the alert. */
export function saveProgress(tx: Tx, alertId: string, p: { step: number; managersToldAt: Date | null; remindersSent: number; nextActionAt: Date | null }): void {
  prepared(tx, "UPDATE alerts SET step = ?, managers_told_at = ?, reminders_sent = ?, next_action_at = ? WHERE id = ?").run(
    p.step,
    p.managersToldAt?.getTime() ?? null,
    p.remindersSent,
    p.nextActionAt?.getTime() ?? null,
    alertId,
  );
}

/** What a message says of the alert: the worker's name and the visit's address. */
export interface AlertContext {
  workerName: string;
  address: string;
}

export function alertContext(tx: Tx, a: AlertRow): AlertContext {
  const v = a.visitId ? (prepared(tx, "SELECT address FROM visits WHERE id = ?").get(a.visitId) as { address: string } | undefined) : undefined;
  const w = a.staffId ? (prepared(tx, "SELECT name FROM staff WHERE id = ?").get(a.staffId) as { name: string } | undefined) : undefined;
  return { workerName: w?.name ?? "a colleague", address: v?.address ?? "" };
}

/** Ids of alerts whose next action is due, soonest first. */
export function dueAlertIds(db: Db, now: Date, limit: number): string[] {
  return db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(inArray(alerts.status, ["open", "acknowledged"]), lte(alerts.nextActionAt, now)))
    .orderBy(asc(alerts.nextActionAt))
    .limit(limit)
    .all()
    .map((d) => d.id);
}

/** The earliest next action of an unresolved alert (the scheduler's timer), or undefined. */
export function nextAlertAction(db: Db): Date | undefined {
  return (
    db
      .select({ at: alerts.nextActionAt })
      .from(alerts)
      .where(and(inArray(alerts.status, ["open", "acknowledged"]), isNotNull(alerts.nextActionAt)))
      .orderBy(asc(alerts.nextActionAt))
      .limit(1)
      .get()?.at ?? undefined
  );
}

/** Active staff among these ids, in their order. */
export function activeAmong(db: Db | Tx, ids: string[]): string[] {
  if (ids.length === 0) return [];
  const live = new Set(db.select({ id: staff.id }).from(staff).where(and(inArray(staff.id, ids), eq(staff.active, true))).all().map((r) => r.id));
  return ids.filter((id) => live.has(id));
}

/** Active staff who hold a role. */
export function activeWithRole(db: Db | Tx, role: Role): string[] {
  return db
    .select({ id: staff.id, roles: staff.roles })
    .from(staff)
    .where(eq(staff.active, true))
    .all()
    .filter((r) => r.roles.includes(role))
    .map((r) => r.id);
}

/**
 * Run `work` for each item, `chunk` items to one IMMEDIATE transaction (one fsync for the
 * chunk, not one per alert). Each item runs in its own savepoint: one that throws rolls
 * back alone (`failed` is told, then `undo` so the caller can forget what it gathered for
 * it), and the others in its chunk still commit. `committed` is called after each chunk
 * commits with its results. `begin` makes a fresh per-chunk context.
 */
export function inChunks<I, R, C>(
  db: Db,
  items: I[],
  chunk: number,
  begin: (tx: Tx) => C,
  work: (tx: Tx, item: I, ctx: C) => R,
  hooks: { failed: (e: unknown, item: I, ctx: C) => void; committed?: (results: R[], ctx: C) => void },
): R[] {
  const out: R[] = [];
  const savepoint = prepared(db, "SAVEPOINT engine_item");
  const rollbackTo = prepared(db, "ROLLBACK TO engine_item");
  const release = prepared(db, "RELEASE engine_item");
  for (let i = 0; i < items.length; i += chunk) {
    const part = items.slice(i, i + chunk);
    let ctx!: C;
    const done = writeTx(db, (tx) => {
      ctx = begin(tx);
      const rs: R[] = [];
      for (const item of part) {
        savepoint.run();
        try {
          rs.push(work(tx, item, ctx));
        } catch (e) {
          // If even this fails the transaction is unusable: it escapes, and the pass fails
          // (the sweep tries again within a second).
          rollbackTo.run();
          hooks.failed(e, item, ctx);
        }
        release.run();
      }
      return rs;
    });
    out.push(...done);
    hooks.committed?.(done, ctx);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// What people do to alerts (tx-level: alerts/store.ts runs the use cases).

/** The alert as it stands, read inside the caller's transaction. */
export function alertRow(tx: Tx, id: string): AlertRow | undefined {
  return tx.select().from(alerts).where(eq(alerts.id, id)).get();
}

/**
 * The acknowledgement itself: one UPDATE that changes the row only while it is still open,
 * so of two managers (or two processes, or two database instances) the database picks one,
 * whatever either read before. Undefined: someone else acknowledged or resolved it first.
 */
export function acknowledgeIfOpen(tx: Tx, id: string, by: string, now: Date, reminderAt: Date): AlertRow | undefined {
  return tx
    .update(alerts)
    .set({ status: "acknowledged", acknowledgedAt: now, acknowledgedBy: by, nextActionAt: reminderAt })
    .where(and(eq(alerts.id, id), eq(alerts.status, "open")))
    .returning()
    .get();
}

/**
 * The resolution itself: one UPDATE that changes the row only while it is unresolved. An
 * alert resolved unacknowledged counts as acknowledged by its resolver, decided in the same
 * statement (coalesce), not from an earlier read. Undefined: someone else resolved it first.
 */
export function resolveIfUnresolved(tx: Tx, id: string, by: string, now: Date, input: { outcome: string; note?: string }): AlertRow | undefined {
  return tx
    .update(alerts)
    .set({
      status: "resolved",
      resolvedAt: now,
      resolvedBy: by,
      outcome: input.outcome,
      note: input.note ?? null,
      acknowledgedAt: sql`coalesce(${alerts.acknowledgedAt}, ${now.getTime()})`,
      acknowledgedBy: sql`coalesce(${alerts.acknowledgedBy}, ${by})`,
      nextActionAt: null,
    })
    .where(and(eq(alerts.id, id), ne(alerts.status, "resolved")))
    .returning()
    .get();
}

/**
 * The worker checked in (or out, or extended) while a missed-check-in alert was open.
 * Before any manager was told, that closes it. After, it is recorded and announced
 * to those told, and a manager must resolve it: a check-in can be coerced.
 */
export function signOfLife(tx: Tx, alertId: string, now: Date, actor: Actor): "closed" | "announced" | "none" {
  const a = alertRow(tx, alertId);
  if (!a || a.status === "resolved") return "none";
  if (a.status === "open" && !a.managersToldAt) {
    tx.update(alerts).set({ status: "resolved", resolvedAt: now, outcome: "checked_in", nextActionAt: null, workerCheckedInAt: now }).where(eq(alerts.id, a.id)).run();
    cancelQueued(tx, a.id);
    appendAudit(tx, actor, { action: "close", entity: "alert", entityId: a.id, data: { outcome: "checked_in" } }, now);
    return "closed";
  }
  tx.update(alerts).set({ workerCheckedInAt: now }).where(eq(alerts.id, a.id)).run();
  const told = ladderRecipients(tx, a.id, a.staffId);
  enqueue(
    tx,
    {
      alertId: a.id,
      purpose: "announce",
      step: a.step,
      repeat: announcementCount(tx, a.id) + 1,
      staffIds: told,
      title: "Worker checked in — still to resolve",
      body: "The worker checked in after managers were alerted. Confirm they are safe (a check-in can be coerced), then resolve the alert.",
    },
    now,
  );
  appendAudit(tx, actor, { action: "checked_in_after_escalation", entity: "alert", entityId: a.id, data: { announcedTo: told } }, now);
  return "announced";
}

// ---------------------------------------------------------------------------------------
// Scheduler heartbeats (scheduler_runs).

/** The latest heartbeat of any scheduler (or of any but this process), or null when none ever beat. */
export function newestHeartbeat(db: Db, opts: { exceptThisProcess?: boolean } = {}): Date | null {
  const r = prepared(db, "SELECT max(heartbeat_at) AS at FROM scheduler_runs WHERE id <> ?").get(opts.exceptThisProcess ? RUN_ID : "") as { at: number | null } | undefined;
  return r?.at == null ? null : new Date(r.at);
}

/** This process's beat: its row says it is alive at `now`. */
export function beat(db: Db, now: Date): void {
  writeTx(db, (tx) => {
    tx.insert(schedulerRuns)
      .values({ id: RUN_ID, pid: process.pid, startedAt: now, heartbeatAt: now })
      .onConflictDoUpdate({ target: schedulerRuns.id, set: { heartbeatAt: now } })
      .run();
  });
}

/**
 * This process stops scheduling for good (shutdown, after its sends are recorded): its row
 * stops counting as live at once, so a standby takes over without waiting out the window.
 */
export function retireHeartbeat(deps: Deps): void {
  prepared(deps.db, "UPDATE scheduler_runs SET heartbeat_at = 0 WHERE id = ?").run(RUN_ID);
}

// ---------------------------------------------------------------------------------------
// Use cases.

export interface EscalationStore {
  /**
   * Replace the ladder for new alerts (alerts already raised keep theirs). Refused when it
   * is unsafe (policyProblems), names someone unknown, or has no one active on the senior list.
   */
  savePolicy(body: Policy, actor: Actor, now: Date): Promise<Policy>;
  /** Demo data: the ladder set as given, unchecked. */
  seedPolicy(policy: Policy, actor: Actor, now: Date): Promise<void>;
}

export const escalationStore = storeFor<EscalationStore>((db) => ({
  async savePolicy(body, actor, now) {
    return writeTx(db, (tx) => {
      const problems = policyProblems(body);
      const ids = [...new Set(body.seniorStaffIds)];
      const known = new Set(tx.select({ id: staff.id }).from(staff).where(inArray(staff.id, ids)).all().map((r) => r.id));
      const unknown = ids.findIndex((id) => !known.has(id));
      if (unknown >= 0) problems.push({ path: `seniorStaffIds.${body.seniorStaffIds.indexOf(ids[unknown]!)}`, message: "no such member of staff" });
      if (problems.length > 0) throw new InvalidInput(problems);
      if (activeAmong(tx, ids).length === 0) throw new RuleViolation("No one on the senior escalation list is active: add someone who is.");
      const policy: Policy = { ...body, seniorStaffIds: ids };
      savePolicy(tx, policy, now);
      appendAudit(tx, actor, { action: "update", entity: "escalation_policy", entityId: "escalation_policy", data: policy }, now);
      return policy;
    });
  },
  async seedPolicy(policy, actor, now) {
    writeTx(db, (tx) => {
      savePolicy(tx, policy, now);
      appendAudit(tx, actor, { action: "update", entity: "escalation_policy", entityId: "escalation_policy", data: policy }, now);
    });
  },
}));
