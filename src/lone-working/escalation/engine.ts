// The escalation engine: raises alerts, fires due steps as rows, sends queued
// notifications. Every decision is made inside one IMMEDIATE transaction against
// the rows, so a timer, the cron sweep, a restart and a second worker process can
// all call it at once: a step's unique key lets only one of them fire it.
import { and, asc, eq, inArray, isNull, lte, isNotNull } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { type Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { visits } from "../visits/schema.js";
import { alerts, schedulerRuns, type AlertReason, type NotificationPurpose } from "../alerts/schema.js";
import { currentPolicy, isPoliceStep, type Policy } from "./policy.js";
import { plan, type FiredStep, type LadderState } from "./ladder.js";
import { targetResolver, type OnDutyFn, type Resolver } from "./targets.js";
import { prepared } from "../../db/prepared.js";
import { RUN_ID, enqueue, oldestQueuedAt, sendNow, sendQueued, shownSteps, type Claimed, type OnClaimed } from "../delivery/index.js";
// The send half lives in delivery (outbox, claims, dispatch, results, retry); re-exported for callers of the old path.
export { HEARTBEAT_STALE_MS, MAX_ATTEMPTS, RETRY_FAILED_AFTER_MS, RUN_ID, SEND_TIMEOUT_MS, failedToRetry, readClaimable, sendQueued, startSends, takeClaims, writeUnrecorded, type Claimed } from "../delivery/index.js";

export const SYSTEM: Actor = { type: "system", job: "escalation" };
/** How often a running scheduler beats (SCHEDULER_STALE_SECONDS must be longer). */
export const HEARTBEAT_EVERY_MS = 2000;

/** Say this process is alive (the scheduler calls it every HEARTBEAT_EVERY_MS, and each pass does). */
let lastBeat = 0;
export function heartbeat(deps: Deps, opts: { ifOlderThanMs?: number } = {}): void {
  const now = deps.clock.now();
  if (opts.ifOlderThanMs !== undefined && Math.abs(now.getTime() - lastBeat) < opts.ifOlderThanMs) return;
  lastBeat = now.getTime();
  writeTx(deps.db, (tx) => {
    tx.insert(schedulerRuns)
      .values({ id: RUN_ID, pid: process.pid, startedAt: now, heartbeatAt: now })
      .onConflictDoUpdate({ target: schedulerRuns.id, set: { heartbeatAt: now } })
      .run();
  });
}

/**
 * The latest heartbeat of any scheduler (or of any but this process), or null when none
 * ever beat. A web tier watches it to take over, and readiness reports it.
 */
export function newestHeartbeat(db: Db, opts: { exceptThisProcess?: boolean } = {}): Date | null {
  const r = prepared(db, "SELECT max(heartbeat_at) AS at FROM scheduler_runs WHERE id <> ?").get(opts.exceptThisProcess ? RUN_ID : "") as { at: number | null } | undefined;
  return r?.at == null ? null : new Date(r.at);
}

/**
 * This process stops scheduling for good (shutdown, after its sends are recorded): its row
 * stops counting as live at once, so a standby takes over without waiting out the window.
 */
export function retireHeartbeat(deps: Deps): void {
  prepared(deps.db, "UPDATE scheduler_runs SET heartbeat_at = 0 WHERE id = ?").run(RUN_ID);
}

export interface EngineOptions {
  onDutyAt?: OnDutyFn;
}

type AlertRow = typeof alerts.$inferSelect;

export interface RaiseInput {
  reason: AlertReason;
  triggerKey: string;
  visitId: string | null;
  staffId: string | null;
  baseAt: Date;
  parentAlertId?: string;
  policy?: Policy;
  startStep?: number;
}

/**
 * Where a panic or duress alarm starts. A policy saved before the PUT checks existed may
 * point at a worker step: start at the first step after it that tells managers.
 */
export function panicStart(policy: Policy): number {
  let start = Math.min(policy.panicStartsAtStep, policy.steps.length - 1);
  while (start < policy.steps.length - 1 && policy.steps[start]!.notify === "worker") start++;
  return start;
}

/** Raise an alert once (a second raise with the same trigger key returns null). */
export function raiseAlert(tx: Tx, input: RaiseInput, now: Date, actor: Actor = SYSTEM): AlertRow | null {
  const policy = input.policy ?? currentPolicy(tx);
  const startStep = input.startStep ?? (input.reason === "panic" || input.reason === "duress" ? panicStart(policy) : 0);
  // Hand-prepared (the sweep raises hundreds at once; drizzle building each costs more than the insert).
  const row: AlertRow = {
    id: crypto.randomUUID(),
    triggerKey: input.triggerKey,
    visitId: input.visitId,
    staffId: input.staffId,
    parentAlertId: input.parentAlertId ?? null,
    reason: input.reason,
    status: "open",
    policy,
    startStep,
    baseAt: input.baseAt,
    raisedAt: now,
    step: -1,
    nextActionAt: input.baseAt < now ? now : input.baseAt,
    managersToldAt: null,
    workerCheckedInAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    remindersSent: 0,
    resolvedAt: null,
    resolvedBy: null,
    outcome: null,
    note: null,
  };
  const ins = prepared(
    tx,
    "INSERT INTO alerts (id, trigger_key, visit_id, staff_id, parent_alert_id, reason, status, policy, start_step, base_at, raised_at, step, next_action_at, reminders_sent) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, -1, ?, 0) ON CONFLICT DO NOTHING",
  ).run(row.id, row.triggerKey, row.visitId, row.staffId, row.parentAlertId, row.reason, JSON.stringify(policy), startStep, row.baseAt.getTime(), now.getTime(), row.nextActionAt!.getTime());
  if (ins.changes === 0) return null; // raised already (the trigger key is unique)
  appendAudit(tx, actor, { action: "raise", entity: "alert", entityId: row.id, data: { reason: row.reason, visitId: row.visitId, startStep } }, now);
  return row;
}

/** Alerts raised, or alerts advanced, per transaction: one fsync for the lot. */
export const CHUNK = 200;

/**
 * Run `work` for each item, CHUNK items to one IMMEDIATE transaction (one fsync for the
 * chunk, not one per alert). Each item runs in its own savepoint: one that throws rolls
 * back alone and is logged, and the others in its chunk still commit. `committed` is
 * called after each chunk commits, with the sends claimed in it when `claiming` (the
 * scheduler starts them at once, before the next chunk).
 */
function inChunks<I, R>(
  deps: Deps,
  items: I[],
  what: string,
  work: (tx: Tx, item: I, chunk: ChunkCtx) => R,
  committed?: (results: R[], claims: Claimed[]) => void,
  claiming = false,
): R[] {
  const out: R[] = [];
  const savepoint = prepared(deps.db, "SAVEPOINT engine_item");
  const rollbackTo = prepared(deps.db, "ROLLBACK TO engine_item");
  const release = prepared(deps.db, "RELEASE engine_item");
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    let claims: Claimed[] = [];
    const done = writeTx(deps.db, (tx) => {
      const ctx = new ChunkCtx(deps, tx, claiming);
      claims = ctx.claims;
      const rs: R[] = [];
      for (const item of chunk) {
        savepoint.run();
        const claimedBefore = ctx.claims.length;
        try {
          rs.push(work(tx, item, ctx));
        } catch (e) {
          // If even this fails the transaction is unusable: it escapes, and the pass fails
          // (the sweep tries again within a second).
          rollbackTo.run();
          ctx.claims.length = claimedBefore; // its rows are gone with the savepoint
          deps.log.error({ err: e, item }, `escalation: ${what} failed for one alert; the others go on`);
        }
        release.run();
      }
      return rs;
    });
    out.push(...done);
    committed?.(done, claims);
  }
  return out;
}

/** What one chunk's transaction reads once rather than once per alert. */
class ChunkCtx {
  private policyCache: Policy | undefined;
  private resolvers = new Map<number, Resolver>();
  /** Sends queued in this chunk and claimed by this process in the same transaction. */
  readonly claims: Claimed[] = [];
  constructor(
    private deps: Deps,
    private tx: Tx,
    /** Queue notifications already claimed (the caller sends them once the chunk commits). */
    readonly claiming: boolean,
  ) {}
  policy(): Policy {
    return (this.policyCache ??= currentPolicy(this.tx));
  }
  /** Targets at `at` (the rota and active staff read once per chunk and instant). */
  resolver(at: Date, onDutyAt?: OnDutyFn): Resolver {
    let r = this.resolvers.get(at.getTime());
    if (!r) this.resolvers.set(at.getTime(), (r = targetResolver(this.deps.db, at, onDutyAt)));
    return r;
  }
}

/**
 * Active visits whose check-in is overdue become missed_check_in alerts. With `fire`,
 * each new alert's first step also fires in the same transaction (one commit, not two,
 * before its sends can start).
 */
export function sweepMissed(deps: Deps, now: Date, opts: { fire?: EngineOptions; claimed?: OnClaimed } = {}): AlertRow[] {
  const due = deps.db
    .select({ id: visits.id })
    .from(visits)
    .where(and(eq(visits.status, "active"), lte(visits.nextCheckInDue, now), isNull(visits.overdueAlertId)))
    .orderBy(asc(visits.nextCheckInDue))
    .limit(1000)
    .all();
  const raised = inChunks(deps, due.map((d) => d.id), "raising a missed check-in", (tx, id, chunk): { alert: AlertRow | null; fired?: Fired } => {
    // Checked again inside the transaction: a check-in may have landed since the read.
    const v = prepared(tx, "SELECT id, staff_id AS staffId, status, overdue_alert_id AS overdueAlertId, next_check_in_due AS due FROM visits WHERE id = ?").get(id) as
      | { id: string; staffId: string; status: string; overdueAlertId: string | null; due: number }
      | undefined;
    if (!v || v.status !== "active" || v.overdueAlertId || v.due > now.getTime()) return { alert: null };
    const triggerKey = `missed:${v.id}:${v.due}`;
    const alert = raiseAlert(tx, { reason: "missed_check_in", triggerKey, visitId: v.id, staffId: v.staffId, baseAt: new Date(v.due), policy: chunk.policy() }, now);
    const alertId = alert?.id ?? tx.select({ id: alerts.id }).from(alerts).where(eq(alerts.triggerKey, triggerKey)).get()?.id;
    prepared(tx, "UPDATE visits SET overdue_alert_id = ? WHERE id = ?").run(alertId ?? null, v.id);
    return { alert, fired: alert && opts.fire ? fireDue(deps, tx, alert.id, now, chunk, opts.fire) : undefined };
  }, (done, claims) => {
    opts.claimed?.(claims); // sends first: a claimed row is ours alone while we live
    published(deps, done.flatMap((d) => (d.fired ? [d.fired] : []))); // a gap alert it raised is due now: advanceDue fires it
  }, opts.fire !== undefined && opts.claimed !== undefined);
  return raised.flatMap((r) => (r.alert ? [r.alert] : []));
}

function ladderState(tx: Tx | Db, a: AlertRow): LadderState {
  const steps = prepared(tx, 'SELECT step, "repeat", fired_at AS firedAt, due_at AS dueAt FROM alert_steps WHERE alert_id = ?').all(a.id) as { step: number; repeat: number; firedAt: number; dueAt: number }[];
  const shown = shownSteps(tx, a.id); // receipts are delivery's: "step:repeat" of firings some device showed
  const fired: FiredStep[] = steps.map((s) => ({ step: s.step, repeat: s.repeat, firedAt: new Date(s.firedAt), dueAt: new Date(s.dueAt), shown: shown.has(`${s.step}:${s.repeat}`) }));
  return { status: a.status, policy: a.policy, startStep: a.startStep, baseAt: a.baseAt, fired, acknowledgedAt: a.acknowledgedAt, remindersSent: a.remindersSent };
}

/** An alerts row read by hand-prepared SQL, as drizzle would map it. */
function alertById(tx: Tx, id: string): AlertRow | undefined {
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

interface Context {
  workerName: string;
  address: string;
}

function contextOf(tx: Tx, a: AlertRow): Context {
  const v = a.visitId ? (prepared(tx, "SELECT address FROM visits WHERE id = ?").get(a.visitId) as { address: string } | undefined) : undefined;
  const w = a.staffId ? (prepared(tx, "SELECT name FROM staff WHERE id = ?").get(a.staffId) as { name: string } | undefined) : undefined;
  return { workerName: w?.name ?? "a colleague", address: v?.address ?? "" };
}

// One formatter per zone: building an Intl.DateTimeFormat costs ~0.1 ms, more than the rest of a message.
const formatters = new Map<string, Intl.DateTimeFormat>();
const hhmm = (d: Date, tz: string) => {
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" })));
  return f.format(d);
};

export function messageFor(a: AlertRow, ctx: Context, step: number, toWorker: boolean, tz: string): { title: string; body: string } {
  if (toWorker) return { title: "Check in now", body: `Your check-in was due at ${hhmm(a.baseAt, tz)}. Open Dutyline and check in, or your manager will be alerted.` };
  const where = ctx.address ? ` Visit: ${ctx.address}.` : "";
  const m = ((): { title: string; body: string } => {
    switch (a.reason) {
      case "panic":
        return { title: `PANIC alarm: ${ctx.workerName}`, body: `Raised ${hhmm(a.baseAt, tz)}.${where} Acknowledge and act.` };
      case "duress":
        return { title: `DURESS: ${ctx.workerName}`, body: `Silent duress alarm at ${hhmm(a.baseAt, tz)}. Do not call the worker's phone openly.${where}` };
      case "no_manager_on_duty":
        return { title: "No duty manager on the rota", body: `An alert for ${ctx.workerName} found no manager on duty; you are being told instead.${where}` };
      default:
        return { title: `Missed check-in: ${ctx.workerName}`, body: `Check-in was due at ${hhmm(a.baseAt, tz)}.${where} Acknowledge in Dutyline.` };
    }
  })();
  if (!isPoliceStep(a.policy, step)) return m;
  // First in both: a locked phone may show only the title, or cut the body short.
  return { title: `Consider police (999) — ${m.title}`, body: `Consider police (999): no one has acknowledged this yet. ${m.body}` };
}

function queue(tx: Tx, a: AlertRow, purpose: NotificationPurpose, step: number, repeat: number, staffIds: string[], msg: { title: string; body: string }, now: Date, chunk: ChunkCtx): number {
  // Queued already claimed when the chunk claims: the send starts when it commits.
  return enqueue(tx, { alertId: a.id, purpose, step, repeat, staffIds, title: msg.title, body: msg.body, visitId: a.visitId, workerId: a.staffId }, now, chunk.claiming ? chunk.claims : undefined);
}

interface Fired {
  queued: number;
  gaps: string[];
  info: Record<string, unknown>;
}

/** Fire what is due on one alert, inside the caller's transaction (state re-read here). */
function fireDue(deps: Deps, tx: Tx, alertId: string, now: Date, chunk: ChunkCtx, opts: EngineOptions): Fired {
  const tz = deps.config.TZ_LOCAL;
  const gaps: string[] = [];
  const a = alertById(tx, alertId);
  if (!a) return { queued: 0, gaps, info: { id: alertId } };
  const info = { id: a.id, visitId: a.visitId, staffId: a.staffId, reason: a.reason };
  const state = ladderState(tx, a);
  const p = plan(state, now);
  if (p.due.length === 0) {
    // Nothing due after all (another process fired it, or it was acknowledged): just re-time it.
    prepared(tx, "UPDATE alerts SET next_action_at = ? WHERE id = ?").run(p.nextAt?.getTime() ?? null, a.id);
    return { queued: 0, gaps, info };
  }
  let ctx: Context | undefined;
  const context = () => (ctx ??= contextOf(tx, a));
  let queued = 0;
  let step = a.step;
  let managersToldAt = a.managersToldAt;
  let remindersSent = a.remindersSent;
  // Whether the rows now differ from `state` + what we fired (another process fired a step).
  let raced = false;
  // Who each due step tells, resolved up front: when an outage leaves several steps due at
  // once, a person a later one also tells gets only that later push (the current rung, and
  // it may carry the police wording), not the same alarm once per step within milliseconds.
  const targets = p.due.map((action) => {
    if (action.kind !== "step") return undefined;
    const s = a.policy.steps[action.step]!;
    const notify = a.reason === "duress" && s.notify === "worker" ? null : s.notify; // never tell the person under duress
    const resolved = notify ? chunk.resolver(now, opts.onDutyAt)(a.policy, notify, a.staffId) : { staffIds: [], nobodyOnDuty: false };
    return { notify, resolved };
  });
  const toldLater: Set<string>[] = [];
  for (let i = p.due.length - 1, later = new Set<string>(); i >= 0; i--) {
    toldLater[i] = later;
    const t = targets[i];
    if (t && t.notify !== "worker") later = new Set([...later, ...t.resolved.staffIds]);
  }
  for (const [i, action] of p.due.entries()) {
    if (action.kind === "reminder") {
      if (a.acknowledgedBy) {
        queued += queue(tx, a, "reminder", 0, action.n, [a.acknowledgedBy], { title: `Still open: ${context().workerName}`, body: "You acknowledged this alert but it is not resolved. Resolve it with the outcome when the worker is safe." }, now, chunk);
        appendAudit(tx, SYSTEM, { action: "remind", entity: "alert", entityId: a.id, data: { n: action.n, to: a.acknowledgedBy } }, now);
      }
      remindersSent = action.n;
      continue;
    }
    const { notify, resolved } = targets[i]!;
    const ins = prepared(tx, 'INSERT INTO alert_steps (id, alert_id, step, "repeat", due_at, fired_at, early, targets) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
      crypto.randomUUID(),
      a.id,
      action.step,
      action.repeat,
      action.dueAt.getTime(),
      now.getTime(),
      action.early ? 1 : 0,
      JSON.stringify(resolved.staffIds),
    );
    if (ins.changes === 0) {
      raced = true; // another process fired it
      continue;
    }
    state.fired.push({ step: action.step, repeat: action.repeat, firedAt: now, dueAt: action.dueAt, shown: false });
    const toWorker = notify === "worker";
    const pushTo = toWorker ? resolved.staffIds : resolved.staffIds.filter((id) => !toldLater[i]!.has(id));
    queued += queue(tx, a, "ladder", action.step, action.repeat, pushTo, messageFor(a, context(), action.step, toWorker, tz), now, chunk);
    if (!toWorker && resolved.staffIds.length > 0) managersToldAt ??= now;
    step = Math.max(step, action.step);
    const folded = resolved.staffIds.filter((id) => !pushTo.includes(id));
    appendAudit(tx, SYSTEM, { action: "escalate", entity: "alert", entityId: a.id, data: { step: action.step, repeat: action.repeat, early: action.early, notify, targets: resolved.staffIds, nobodyOnDuty: resolved.nobodyOnDuty, ...(folded.length ? { pushedWithLaterStep: folded } : {}) } }, now);
    if (notify && notify !== "worker" && resolved.staffIds.length === 0) {
      // Not even the fallbacks (senior managers, managers, admins) had anyone active.
      deps.log.error({ alertId: a.id, step: action.step, notify }, "escalation step reached nobody");
    }
    if (resolved.nobodyOnDuty && a.reason !== "no_manager_on_duty") {
      const gap = raiseAlert(tx, {
        reason: "no_manager_on_duty",
        triggerKey: `nomgr:${a.id}`,
        visitId: a.visitId,
        staffId: a.staffId,
        parentAlertId: a.id,
        baseAt: now,
        policy: { ...a.policy, steps: [{ afterSeconds: 0, notify: "senior" }] },
        startStep: 0,
      }, now);
      if (gap) gaps.push(gap.id);
    }
  }
  // Look again at the plan's next time: from what we just fired, or from the rows if another
  // process fired some of it meanwhile (a stale value is harmless: it is recomputed each time).
  const after = plan(raced ? ladderState(tx, { ...a, remindersSent }) : { ...state, remindersSent }, now);
  const nextActionAt = after.due.length > 0 ? now : after.nextAt;
  prepared(tx, "UPDATE alerts SET step = ?, managers_told_at = ?, reminders_sent = ?, next_action_at = ? WHERE id = ?").run(
    step,
    managersToldAt?.getTime() ?? null,
    remindersSent,
    nextActionAt?.getTime() ?? null,
    a.id,
  );
  return { queued, gaps, info };
}

/**
 * Tell the event stream what committed firings did; returns the gap alerts they raised.
 * The events are only hints to the board: a listener that throws is logged, and never
 * stops the pass (claimed sends, gap alerts) that follows.
 */
function published(deps: Deps, fired: Fired[]): string[] {
  const gaps: string[] = [];
  const publish = (data: Record<string, unknown>) => {
    try {
      deps.events.publish({ type: "alert", data });
    } catch (e) {
      deps.log.error({ err: e, alertId: data.id }, "escalation: a live-board listener failed; escalation goes on");
    }
  };
  for (const f of fired) {
    if (f.queued > 0) publish({ ...f.info, change: "escalated" });
    for (const g of f.gaps) {
      publish({ ...f.info, id: g, reason: "no_manager_on_duty", change: "raised" });
      gaps.push(g);
    }
  }
  return gaps;
}

/**
 * Fire what is due on these alerts, CHUNK to a transaction. Alerts the firing raised
 * (no manager on duty) are fired straight after, the same way. Returns how many
 * notifications were queued.
 */
export function advanceMany(deps: Deps, alertIds: string[], now: Date, opts: EngineOptions = {}, claimed?: OnClaimed): number {
  let total = 0;
  let ids = alertIds;
  while (ids.length > 0) {
    const gaps: string[] = [];
    inChunks(deps, ids, "firing a due step", (tx, id, chunk) => fireDue(deps, tx, id, now, chunk, opts), (fired, claims) => {
      claimed?.(claims); // sends first: a claimed row is ours alone while we live
      for (const f of fired) total += f.queued;
      gaps.push(...published(deps, fired));
    }, claimed !== undefined);
    ids = gaps; // a gap alert never raises another (its reason is no_manager_on_duty)
  }
  return total;
}

/** Every alert whose next action is due. */
export function advanceDue(deps: Deps, now: Date, opts: EngineOptions = {}, claimed?: OnClaimed): number {
  const due = deps.db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(inArray(alerts.status, ["open", "acknowledged"]), lte(alerts.nextActionAt, now)))
    .orderBy(asc(alerts.nextActionAt))
    .limit(1000)
    .all();
  return advanceMany(deps, due.map((d) => d.id), now, opts, claimed);
}

/** Missed check-ins become alerts and due steps fire (no sending: see startSends). */
export function advance(deps: Deps, opts: EngineOptions = {}, onSends?: (done: Promise<number>) => void): void {
  const now = deps.clock.now();
  // With onSends, what a chunk queues is claimed in its transaction and sent as it commits.
  const claimed: OnClaimed | undefined = onSends && ((claims) => claims.length > 0 && onSends(sendNow(deps, claims)));
  sweepMissed(deps, now, { fire: opts, claimed });
  advanceDue(deps, now, opts, claimed);
  // After the work, not before: a beat says passes complete (a standby and /readyz trust it).
  heartbeat(deps, { ifOlderThanMs: 1000 });
}

/**
 * One pass that also waits for its sends (tests, scripts). The scheduler instead
 * calls advance and startSends without waiting, so sends never delay the ladder.
 */
export async function tick(deps: Deps, opts: EngineOptions = {}): Promise<{ sent: number }> {
  advance(deps, opts);
  let sent = 0;
  // Keep sending until the queue is empty (a big batch may leave some behind).
  for (let i = 0; i < 10; i++) {
    const n = await sendQueued(deps);
    sent += n;
    if (n === 0) break;
  }
  return { sent };
}

/** The earliest time anything will next be due (for the precise timer). */
export function nextDueAt(db: Db): Date | null {
  const a = db
    .select({ at: alerts.nextActionAt })
    .from(alerts)
    .where(and(inArray(alerts.status, ["open", "acknowledged"]), isNotNull(alerts.nextActionAt)))
    .orderBy(asc(alerts.nextActionAt))
    .limit(1)
    .get()?.at;
  const v = db
    .select({ at: visits.nextCheckInDue })
    .from(visits)
    .where(and(eq(visits.status, "active"), isNull(visits.overdueAlertId)))
    .orderBy(asc(visits.nextCheckInDue))
    .limit(1)
    .get()?.at;
  const q = oldestQueuedAt(db);
  const times = [a, v, q].filter((t): t is Date => t instanceof Date);
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

