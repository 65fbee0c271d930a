// Escalation's tables: `alerts`, `alert_steps` and `scheduler_runs`. This file is the ONE
// writer of `alerts` (raising, firing, acknowledging, resolving, closing): the alerts module
// and the visits store call its tx-level functions inside their own transaction. Statements
// on the sweep's and the firing's paths are hand-prepared (bench/dispatch.ts: drizzle
// building them per alert cost more than the work): drizzle's own prepared statements,
// once per connection, and hand-written SQL only for the two INSERTs (see build).
import { and, asc, eq, inArray, isNotNull, lte, ne, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
import { storeFor, perConnection } from "../../db/store-kit.js";
import type { Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { InvalidInput, RuleViolation } from "../../errors.js";
import { staff, type Role } from "../../staff/schema.js";
import { alerts, alertSteps, schedulerRuns } from "./schema.js";
import { visits } from "../visits/schema.js";
import { announcementCount, cancelQueued, enqueue, ladderRecipients, RUN_ID } from "../delivery/index.js";
import { policyProblems, type Policy } from "./policy.js";
import { currentPolicy, savePolicy } from "./policy-store.js";
import { newAlert, SYSTEM, type AlertRow, type RaiseInput } from "./raise.js";

export type { AlertRow, RaiseInput } from "./raise.js";

/**
 * Escalation's statements on the sweep's and the firing's paths, drizzle-prepared once per
 * connection (a transaction runs them on its own connection). The two INSERTs (raiseAlert,
 * insertStep) stay hand-prepared SQL, as delivery's outbox INSERTs do: drizzle's prepared
 * insert measured about twice as slow for a burst; the reads and UPDATEs measure the same.
 */
function build(h: Db | Tx) {
  const db = h as Db;
  const p = (name: string) => sql.placeholder(name);
  return {
    alert: db.select().from(alerts).where(eq(alerts.id, p("id"))).prepare(),
    steps: db
      .select({ step: alertSteps.step, repeat: alertSteps.repeat, firedAt: alertSteps.firedAt, dueAt: alertSteps.dueAt })
      .from(alertSteps)
      .where(eq(alertSteps.alertId, p("alertId")))
      .prepare(),
    retime: db.update(alerts).set({ nextActionAt: sql`${p("at")}` }).where(eq(alerts.id, p("id"))).prepare(),
    progress: db
      .update(alerts)
      .set({ step: sql`${p("step")}`, managersToldAt: sql`${p("told")}`, remindersSent: sql`${p("reminders")}`, nextActionAt: sql`${p("next")}` })
      .where(eq(alerts.id, p("id")))
      .prepare(),
    address: db.select({ address: visits.address }).from(visits).where(eq(visits.id, p("id"))).prepare(),
    name: db.select({ name: staff.name }).from(staff).where(eq(staff.id, p("id"))).prepare(),
    newestBeat: db
      .select({ at: sql<number | null>`max(${schedulerRuns.heartbeatAt})` })
      .from(schedulerRuns)
      .where(ne(schedulerRuns.id, p("except")))
      .prepare(),
    retire: db.update(schedulerRuns).set({ heartbeatAt: new Date(0) }).where(eq(schedulerRuns.id, p("id"))).prepare(),
  };
}
const stmts = perConnection(build);

// ---------------------------------------------------------------------------------------
// Raising (tx-level: the visits store raises panic and duress alarms in its own transaction).

/** Raise an alert once (a second raise with the same trigger key returns null). */
export function raiseAlert(tx: Tx, input: RaiseInput, now: Date, actor: Actor = SYSTEM): AlertRow | null {
  const row = newAlert(input, input.policy ?? currentPolicy(tx), now);
  const ins = prepared(
    tx,
    "INSERT INTO alerts (id, trigger_key, visit_id, staff_id, parent_alert_id, reason, drill, status, policy, start_step, base_at, raised_at, step, next_action_at, reminders_sent) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, -1, ?, 0) ON CONFLICT DO NOTHING",
  ).run(row.id, row.triggerKey, row.visitId, row.staffId, row.parentAlertId, row.reason, row.drill ? 1 : 0, JSON.stringify(row.policy), row.startStep, row.baseAt.getTime(), now.getTime(), row.nextActionAt!.getTime());
  if (ins.changes === 0) return null; // raised already (the trigger key is unique)
  appendAudit(tx, actor, { action: "raise", entity: "alert", entityId: row.id, data: { reason: row.reason, visitId: row.visitId, startStep: row.startStep, ...(row.drill ? { drill: true } : {}) } }, now);
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
// Firing (tx-level, inside a chunk's transaction: see fire-store.ts).

/** An alerts row, read inside the caller's transaction. */
export function alertById(tx: Tx | Db, id: string): AlertRow | undefined {
  return stmts(tx).alert.get({ id });
}

export interface StepRow {
  step: number;
  repeat: number;
  firedAt: Date;
  dueAt: Date;
}

/** The steps an alert has fired. */
export function firedSteps(tx: Tx | Db, alertId: string): StepRow[] {
  return stmts(tx).steps.all({ alertId });
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
  stmts(tx).retime.run({ at: at?.getTime() ?? null, id: alertId });
}

/**
 * Something the ladder reads changed outside a firing (a channel said a send can never arrive):
 * look at the open alert now, rather than at the time planned before. The firing re-plans.
 */
export function reconsiderNow(tx: Tx, alertId: string, now: Date): void {
  tx.update(alerts).set({ nextActionAt: now }).where(and(eq(alerts.id, alertId), eq(alerts.status, "open"))).run();
}

/** What a firing changed on the alert. */
export function saveProgress(tx: Tx, alertId: string, p: { step: number; managersToldAt: Date | null; remindersSent: number; nextActionAt: Date | null }): void {
  stmts(tx).progress.run({ step: p.step, told: p.managersToldAt?.getTime() ?? null, reminders: p.remindersSent, next: p.nextActionAt?.getTime() ?? null, id: alertId });
}

/** What a message says of the alert: the worker's name and the visit's address. */
export interface AlertContext {
  workerName: string;
  address: string;
}

export function alertContext(tx: Tx, a: AlertRow): AlertContext {
  const v = a.visitId ? stmts(tx).address.get({ id: a.visitId }) : undefined;
  const w = a.staffId ? stmts(tx).name.get({ id: a.staffId }) : undefined;
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
  const at = stmts(db).newestBeat.get({ except: opts.exceptThisProcess ? RUN_ID : "" })?.at;
  return at == null ? null : new Date(at);
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
  stmts(deps.db).retire.run({ id: RUN_ID });
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
