// The escalation engine: raises alerts, fires due steps as rows, sends queued
// notifications. Every decision is made inside one IMMEDIATE transaction against
// the rows, so a timer, the cron sweep, a restart and a second worker process can
// all call it at once: a step's unique key lets only one of them fire it.
import { and, asc, eq, inArray, isNull, lt, lte, isNotNull, sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { type Actor } from "../../audit/chain.js";
import { appendAudit } from "../../audit/store.js";
import { visits } from "../visits/schema.js";
import { alerts, notifications, schedulerRuns, type AlertReason, type NotificationPurpose } from "../alerts/schema.js";
import { currentPolicy, isPoliceStep, type Policy } from "./policy.js";
import { plan, type FiredStep, type LadderState } from "./ladder.js";
import { targetResolver, type OnDutyFn, type Resolver } from "./targets.js";
import { prepared } from "../../db/prepared.js";
import type { PushPayload } from "../delivery/channels/push/types.js";

export const SYSTEM: Actor = { type: "system", job: "escalation" };
/** A process whose heartbeat is older than this is taken for dead; its claimed sends go again. */
export const HEARTBEAT_STALE_MS = 10_000;
/** A push still unanswered after this is counted as failed (the sender has its own retries inside). */
export const SEND_TIMEOUT_MS = 10_000;
/** A failed ladder send is tried again after this, up to MAX_ATTEMPTS in all, while the alert is open. */
export const RETRY_FAILED_AFTER_MS = 30_000;
export const MAX_ATTEMPTS = 3;
/** This process's identity for claims. */
export const RUN_ID = crypto.randomUUID();
/** Notifications this process is sending right now: never claimed again while in flight. */
const inFlight = new Set<string>();
/**
 * Results this process could not write yet (the database refused for longer than the
 * retries): kept here and written by a later pass. Their rows stay "sending" under our
 * live claim meanwhile, so nobody sends them again while this process lives.
 */
const unrecorded: SendResult[] = [];

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
  const shown = new Set(
    (prepared(tx, "SELECT step, \"repeat\" FROM notifications WHERE alert_id = ? AND purpose = 'ladder' AND shown_at IS NOT NULL").all(a.id) as { step: number; repeat: number }[]).map(
      (n) => `${n.step}:${n.repeat}`,
    ),
  );
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
  let n = 0;
  for (const staffId of staffIds) {
    const id = crypto.randomUUID();
    if (chunk.claiming) {
      // Queued and claimed at once: the alert's state was checked in this transaction, and
      // the send starts when it commits (no second transaction before the push can leave).
      const r = prepared(
        tx,
        "INSERT INTO notifications (id, alert_id, purpose, step, \"repeat\", staff_id, channel, status, title, body, created_at, claimed_at, claimed_by, attempts) VALUES (?, ?, ?, ?, ?, ?, 'push', 'sending', ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING",
      ).run(id, a.id, purpose, step, repeat, staffId, msg.title, msg.body, now.getTime(), now.getTime(), RUN_ID);
      if (r.changes === 0) continue;
      n++;
      chunk.claims.push({
        n: { id, alertId: a.id, purpose, step, repeat, staffId, channel: "push", status: "sending", title: msg.title, body: msg.body, createdAt: now, claimedAt: now, claimedBy: RUN_ID, attempts: 1, sentAt: null, shownAt: null },
        visitId: a.visitId,
        worker: a.staffId,
      });
      continue;
    }
    const r = prepared(
      tx,
      "INSERT INTO notifications (id, alert_id, purpose, step, \"repeat\", staff_id, channel, status, title, body, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 'push', 'queued', ?, ?, ?, 0) ON CONFLICT DO NOTHING",
    ).run(id, a.id, purpose, step, repeat, staffId, msg.title, msg.body, now.getTime());
    n += r.changes;
  }
  return n;
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

/**
 * Send queued notifications (and claims of processes that stopped beating), waiting for
 * their results: tests and scripts. The scheduler uses startSends and does not wait.
 */
export async function sendQueued(deps: Deps, limit = 2000): Promise<number> {
  return startSends(deps, limit).done;
}

/** Whether the alert still wants a notification of this purpose (SQL and JS say the same). */
const WANTED_SQL =
  "(SELECT CASE notifications.purpose WHEN 'ladder' THEN a.status = 'open' WHEN 'reminder' THEN a.status = 'acknowledged' ELSE a.status <> 'resolved' END FROM alerts a WHERE a.id = notifications.alert_id)";

/** Processes whose heartbeat is fresh (this one always counts). */
function liveRuns(db: Db, now: Date): Set<string> {
  const rows = prepared(db, "SELECT id FROM scheduler_runs WHERE heartbeat_at >= ?").all(now.getTime() - HEARTBEAT_STALE_MS) as { id: string }[];
  const live = new Set(rows.map((r) => r.id));
  live.add(RUN_ID);
  return live;
}

/**
 * What this process may claim: queued rows, and rows left "sending" by a process whose
 * heartbeat stopped (killed mid-send). Never a live process's claim, our own included: a
 * row is sent at most once by a live process. A plain read (no write lock); the claim
 * itself is takeClaims' conditional UPDATE.
 */
export function readClaimable(deps: Deps, now: Date, limit: number): Claimed[] {
  const live = liveRuns(deps.db, now);
  return deps.db
    .select({ n: notifications, visitId: alerts.visitId, worker: alerts.staffId })
    .from(notifications)
    .innerJoin(alerts, eq(alerts.id, notifications.alertId))
    .where(inArray(notifications.status, ["queued", "sending"]))
    .orderBy(asc(notifications.createdAt))
    .limit(limit * 2)
    .all()
    .filter((r) => !inFlight.has(r.n.id) && (r.n.status === "queued" || !live.has(r.n.claimedBy ?? "")))
    .slice(0, limit);
}

/**
 * Claim rows read by readClaimable, each by ONE conditional UPDATE that matches only the
 * state that was read (queued, or the dead process's claim) and an alert that still wants
 * it: of two processes that read the same row, only one UPDATE changes it, and only rows
 * whose UPDATE changed are returned (to send). Rows the alert no longer wants (acknowledged,
 * resolved) are cancelled the same way. One transaction: one fsync for the lot.
 */
export function takeClaims(deps: Deps, rows: Claimed[], now: Date): Claimed[] {
  if (rows.length === 0) return [];
  return writeTx(deps.db, (tx) => {
    const take = prepared(
      tx,
      `UPDATE notifications SET status = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 WHERE id = ? AND status = ? AND claimed_by IS ? AND ${WANTED_SQL}`,
    );
    const cancel = prepared(tx, `UPDATE notifications SET status = 'cancelled' WHERE id = ? AND status = ? AND claimed_by IS ? AND NOT ${WANTED_SQL}`);
    const send: Claimed[] = [];
    for (const r of rows) {
      if (take.run(RUN_ID, now.getTime(), r.n.id, r.n.status, r.n.claimedBy).changes === 1) {
        send.push({ ...r, n: { ...r.n, status: "sending", claimedBy: RUN_ID, claimedAt: now, attempts: r.n.attempts + 1 } });
      } else {
        cancel.run(r.n.id, r.n.status, r.n.claimedBy);
      }
    }
    return send;
  });
}

/**
 * Claim what is queued now (synchronously) and start sending it; `done` settles when the
 * results are recorded. The scheduler does not wait on it, so a push service that hangs
 * never holds up the ladder of any alert.
 */
export function startSends(deps: Deps, limit = 2000): { claimed: number; done: Promise<number> } {
  const now = deps.clock.now();
  writeUnrecorded(deps);
  requeueFailed(deps, now);
  // A cheap read first: most passes have nothing to send. Our own claims are never
  // claimable (in a burst they are most of "sending").
  const any = prepared(deps.db, "SELECT id FROM notifications WHERE status = 'queued' OR (status = 'sending' AND (claimed_by IS NULL OR claimed_by <> ?)) LIMIT 1").get(RUN_ID);
  if (!any) return { claimed: 0, done: Promise.resolve(0) };
  const claimed = takeClaims(deps, readClaimable(deps, now, limit), now);
  if (claimed.length === 0) return { claimed: 0, done: Promise.resolve(0) };
  return { claimed: claimed.length, done: sendNow(deps, claimed) };
}

/** Send rows this process has claimed (committed as "sending" by RUN_ID). */
function sendNow(deps: Deps, claimed: Claimed[]): Promise<number> {
  for (const c of claimed) inFlight.add(c.n.id);
  return sendClaimed(deps, claimed).finally(() => {
    for (const c of claimed) inFlight.delete(c.n.id);
  });
}

export type Claimed = { n: typeof notifications.$inferSelect; visitId: string | null; worker: string | null };
type OnClaimed = (claims: Claimed[]) => void;

/**
 * Whether a claimed row should still go: still our claim (another process takes it back
 * only when our heartbeat looked dead, e.g. a stalled event loop) and still wanted by its
 * alert. One prepared read: the sender asks before every request.
 */
function stillToSend(deps: Deps, n: Claimed["n"]): { ours: boolean; wanted: boolean } {
  const r = prepared(deps.db, "SELECT n.status = 'sending' AND n.claimed_by = ? AS ours, a.status AS st FROM notifications n JOIN alerts a ON a.id = n.alert_id WHERE n.id = ?").get(RUN_ID, n.id) as
    | { ours: number; st: string }
    | undefined;
  if (!r?.ours) return { ours: false, wanted: false };
  return { ours: true, wanted: n.purpose === "ladder" ? r.st === "open" : n.purpose === "reminder" ? r.st === "acknowledged" : r.st !== "resolved" };
}

async function sendClaimed(deps: Deps, claimed: Claimed[]): Promise<number> {
  const base = deps.config.PUBLIC_URL.replace(/\/$/, "");
  // Each result is recorded as soon as it is known (coalesced over RESULT_COALESCE_MS), not
  // when the whole batch is done: a process killed mid-batch then leaves as few sends
  // unrecorded (and so sent again by whoever takes the claim back) as it can.
  const recorder = resultRecorder(deps);
  await Promise.all(
    claimed.map(async ({ n, visitId, worker }): Promise<SendResult | null> => {
      const payload: PushPayload = {
        title: n.title,
        body: n.body,
        alertId: n.alertId,
        visitId: visitId ?? undefined,
        // The worker is sent to their visit (to check in); everyone else to the alert.
        url: n.staffId === worker && visitId ? `${base}/visits/${visitId}` : `${base}/alerts/${n.alertId}`,
        notificationId: n.id,
        tag: `alert-${n.alertId}`,
      };
      try {
        // The sender asks before its first request (after waiting its turn) and before each
        // retry: an acknowledgement meanwhile stops it, and so does our claim having been
        // taken back (this process stalled past its heartbeat and another sent it).
        let ours = true;
        const stillWanted = () => {
          if (!ours) return false;
          const now = stillToSend(deps, n);
          ours = now.ours;
          return now.wanted;
        };
        // A push service that never answers must not hold up the ladder.
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("push send timed out")), SEND_TIMEOUT_MS);
        });
        const out = await Promise.race([deps.push.sendToStaff(n.staffId, payload, { stillWanted }), timeout]).finally(() => clearTimeout(timer));
        if (!ours) return null; // the claim is someone else's now: so is the result
        return { id: n.id, status: out.accepted > 0 ? ("sent" as const) : out.noSubscription ? ("no_subscription" as const) : ("failed" as const) };
      } catch (e) {
        deps.log.error({ err: e, notificationId: n.id }, "push send failed");
        return { id: n.id, status: "failed" as const };
      }
    }).map((p) => p.then((r) => r && recorder.add(r))),
  );
  await recorder.drained();
  return claimed.length;
}

type SendResult = { id: string; status: "sent" | "no_subscription" | "failed" };

function resultRecorder(deps: Deps) {
  let pending: SendResult[] = [];
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length > 0) await recordWithRetry(deps, batch);
  };
  return {
    add(r: SendResult) {
      pending.push(r);
      if (scheduled) return;
      scheduled = true;
      chain = chain.then(() => new Promise<void>((res) => setTimeout(res, RESULT_COALESCE_MS))).then(flush);
    },
    drained: () => chain,
  };
}

/**
 * The other process may hold the write lock past busy_timeout: try again shortly. If the
 * database still refuses, the results wait in memory for a later pass (writeUnrecorded):
 * the rows stay our live claim, never sent again by anyone while this process lives.
 */
async function recordWithRetry(deps: Deps, results: SendResult[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      recordResults(deps, results);
      return;
    } catch (e) {
      if (attempt >= RESULT_WRITE_ATTEMPTS) {
        unrecorded.push(...results);
        deps.log.error({ err: e, results: results.length }, "recording push results failed; kept to write on a later pass (not sent again)");
        return;
      }
      deps.log.warn({ err: e, attempt }, "recording push results failed; trying again");
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** Write results an earlier try could not (each pass; and at shutdown). */
export function writeUnrecorded(deps: Deps): void {
  if (unrecorded.length === 0) return;
  const batch = unrecorded.splice(0);
  try {
    recordResults(deps, batch);
  } catch (e) {
    unrecorded.unshift(...batch);
    deps.log.warn({ err: e, results: batch.length }, "push results still cannot be recorded");
  }
}

const RESULT_WRITE_ATTEMPTS = 4;
/** Results arriving within this are recorded in one transaction (a burst is not 2000 commits). */
const RESULT_COALESCE_MS = 20;

function recordResults(deps: Deps, results: SendResult[]): void {
  const at = deps.clock.now();
  writeTx(deps.db, (tx) => {
    for (const r of results) {
      // Only while still our claim (it may have been taken back and sent by another
      // process); a receipt may already have marked it shown: keep that.
      prepared(tx, "UPDATE notifications SET status = ?, sent_at = ? WHERE id = ? AND status = 'sending' AND claimed_by = ?").run(r.status, at.getTime(), r.id, RUN_ID);
      prepared(tx, "UPDATE notifications SET sent_at = ? WHERE id = ? AND status = 'shown' AND sent_at IS NULL").run(at.getTime(), r.id);
    }
    appendAudit(tx, SYSTEM, { action: "notify", entity: "notifications", entityId: results[0]!.id, data: results }, at);
  });
}

/**
 * Failed ladder sends of open alerts due another try. Driven from the few open alerts
 * (alerts_due_idx, then notifications_once by alert): the unary + keeps SQLite off the
 * status index, which would walk every failed send in history on each idle pass.
 */
export function failedToRetry(db: Db, now: Date) {
  return db
    .select({ id: notifications.id })
    .from(alerts)
    .innerJoin(notifications, eq(notifications.alertId, alerts.id))
    .where(
      and(
        eq(alerts.status, "open"),
        sql`+${notifications.status} = 'failed'`,
        eq(notifications.purpose, "ladder"),
        lt(notifications.attempts, MAX_ATTEMPTS),
        lte(notifications.sentAt, new Date(now.getTime() - RETRY_FAILED_AFTER_MS)),
      ),
    )
    .limit(500);
}

/** Failed ladder sends of alerts still open go again after a while (the ladder climbs meanwhile). */
function requeueFailed(deps: Deps, now: Date): void {
  const ids = failedToRetry(deps.db, now)
    .all()
    .map((r) => r.id);
  if (ids.length === 0) return;
  writeTx(deps.db, (tx) => {
    tx.update(notifications).set({ status: "queued" }).where(and(inArray(notifications.id, ids), eq(notifications.status, "failed"))).run();
    appendAudit(tx, SYSTEM, { action: "retry", entity: "notifications", entityId: ids[0]!, data: { ids } }, now);
  });
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
  const q = db.select({ at: notifications.createdAt }).from(notifications).where(eq(notifications.status, "queued")).limit(1).get()?.at;
  const times = [a, v, q].filter((t): t is Date => t instanceof Date);
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

