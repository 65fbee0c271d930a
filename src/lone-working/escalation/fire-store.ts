// Escalation's pass work as store use cases: raising missed check-ins and firing alerts' due
// steps, each item decided against the rows re-read in the chunk's own transaction. The
// decisions are the pure rules' (ladder.ts plan, messages.ts text, targets.ts who); this
// file reads the rows they need and writes what they decided, through escalation's store
// (steps, progress, gap alerts), the watch (markOverdue), delivery's outbox (enqueue) and the
// audit chain. The pass (pass.ts) awaits these and never holds a transaction.
//
// CHUNK items go to one IMMEDIATE transaction (one fsync for the chunk, not one per alert),
// each item in its own savepoint: one that throws rolls back alone (its claimed sends
// forgotten with it) and is logged, the others in its chunk still commit, and `committed`
// is told after each chunk so the sends claimed in it start before the next chunk begins.
import type { Logger } from "pino";
import { writeTx, type Db, type Tx } from "../../db/connection.js";
import { prepared } from "../../db/prepared.js";
import { storeFor } from "../../db/store-kit.js";
import { appendAudit } from "../../audit/store.js";
import type { NotificationPurpose } from "../delivery/schema.js";
import { channelNamed, enqueue, firingOutcomes, type Claimed } from "../delivery/index.js";
import { markOverdue, overdueVisits, watchState } from "../watch/store.js";
import { plan, type FiredStep, type LadderState } from "./ladder.js";
import { messageFor, reminderFor, textFor, type MessageContext } from "./messages.js";
import { DEFAULT_SMS_AFTER_SECONDS, isPoliceStep, stepChannels, type Policy } from "./policy.js";
import { currentPolicy } from "./policy-store.js";
import { SYSTEM, type AlertRow } from "./raise.js";
import { alertById, alertContext, alertIdByTrigger, dueAlertIds, firedSteps, insertStep, raiseAlert, retime, saveProgress } from "./store.js";
import { targetResolver, type OnDutyFn, type Resolver } from "./targets.js";

/** Alerts raised, or alerts advanced, per transaction: one fsync for the lot. */
export const CHUNK = 200;

/** How many overdue visits one sweep raises, and how many due alerts one pass fires. */
const PASS_LIMIT = 1000;

export interface EngineOptions {
  onDutyAt?: OnDutyFn;
}

/** What a pass gives the store besides the rows: the service's zone (message text) and its log. */
export interface PassOptions {
  tz: string;
  /** Where a failing item (rolled back alone) and a step that reached nobody are reported. */
  log: Pick<Logger, "error">;
}

export interface ChunkHooks<R> {
  /** Queue each chunk's notifications already claimed by this process (sent once it commits). */
  claim?: boolean;
  /** After each chunk commits, before the next begins: its results and the sends claimed in it. */
  committed?: (results: R[], claims: Claimed[]) => void;
}

/** What firing one alert did. */
export interface Fired {
  queued: number;
  /** Gap alerts it raised (no manager on duty): due at once. */
  gaps: string[];
  info: Record<string, unknown>;
}

/** A missed check-in raised, and with `fire` what its first firing did. */
export interface Raised {
  alert: AlertRow;
  fired?: Fired;
}

export interface FiringStore {
  /**
   * Active visits whose check-in is overdue (checked again inside the transaction) become
   * missed_check_in alerts and are marked overdue. With `fire`, each new alert's first step
   * also fires in the same transaction (one commit, not two, before its sends can start).
   */
  raiseMissed(now: Date, opts: PassOptions & { fire?: EngineOptions }, hooks?: ChunkHooks<Raised>): Promise<Raised[]>;
  /** Fire what is due on these alerts (state re-read in each chunk's transaction). */
  fire(alertIds: readonly string[], now: Date, opts: PassOptions & EngineOptions, hooks?: ChunkHooks<Fired>): Promise<Fired[]>;
  /** Ids of alerts whose next action is due, soonest first (at most `limit`, default 1000). */
  dueAlertIds(now: Date, limit?: number): Promise<string[]>;
}

export const firingStore = storeFor<FiringStore>((db) => ({
  async raiseMissed(now, opts, hooks = {}) {
    const claiming = !!hooks.claim && opts.fire !== undefined;
    const due = overdueVisits(db, now, PASS_LIMIT);
    const done = inChunks(db, due, opts, claiming, "raising a missed check-in", (tx, id, chunk): Raised | null => {
      // Checked again inside the transaction: a check-in may have landed since the read.
      const v = watchState(tx, id);
      if (!v || v.status !== "active" || v.overdueAlertId || v.due > now.getTime()) return null;
      const triggerKey = `missed:${v.id}:${v.due}`;
      const alert = raiseAlert(tx, { reason: "missed_check_in", triggerKey, visitId: v.id, staffId: v.staffId, baseAt: new Date(v.due), policy: chunk.policy() }, now);
      markOverdue(tx, v.id, alert?.id ?? alertIdByTrigger(tx, triggerKey) ?? null);
      if (!alert) return null;
      return opts.fire ? { alert, fired: fireOne(tx, alert.id, now, chunk, opts, opts.fire) } : { alert };
    }, hooks.committed && ((rs, claims) => hooks.committed!(rs.filter((r): r is Raised => r !== null), claims)));
    return done.filter((r): r is Raised => r !== null);
  },
  async fire(alertIds, now, opts, hooks = {}) {
    return inChunks(db, [...alertIds], opts, !!hooks.claim, "firing a due step", (tx, id, chunk) => fireOne(tx, id, now, chunk, opts, opts), hooks.committed);
  },
  async dueAlertIds(now, limit = PASS_LIMIT) {
    return dueAlertIds(db, now, limit);
  },
}));

/** What one chunk's transaction reads once rather than once per alert. */
class ChunkCtx {
  private policyCache: Policy | undefined;
  private resolvers = new Map<number, Resolver>();
  /** Sends queued in this chunk and claimed by this process in the same transaction. */
  readonly claims: Claimed[] = [];
  constructor(
    private tx: Tx,
    private db: Db,
    /** Queue notifications already claimed (the caller sends them once the chunk commits). */
    readonly claiming: boolean,
  ) {}
  policy(): Policy {
    return (this.policyCache ??= currentPolicy(this.tx));
  }
  private reachCache = new Map<string, Map<string, boolean>>();
  /** Of these people, whom a channel reaches (asked once per person and channel in a chunk). */
  reaches(channel: { name: string; reaches: (db: Tx, ids: readonly string[]) => Set<string> }, ids: readonly string[]): Set<string> {
    let known = this.reachCache.get(channel.name);
    if (!known) this.reachCache.set(channel.name, (known = new Map()));
    const ask = ids.filter((id) => !known!.has(id));
    if (ask.length > 0) {
      const got = channel.reaches(this.tx, ask);
      for (const id of ask) known.set(id, got.has(id));
    }
    return new Set(ids.filter((id) => known!.get(id)));
  }
  /** Targets at `at` (the rota and active staff read once per chunk and instant). */
  resolver(at: Date, onDutyAt?: OnDutyFn): Resolver {
    let r = this.resolvers.get(at.getTime());
    if (!r) this.resolvers.set(at.getTime(), (r = targetResolver(this.db, at, onDutyAt)));
    return r;
  }
}

/**
 * Run `work` for each item, CHUNK items to one IMMEDIATE transaction, each in its own
 * savepoint: one that throws rolls back alone (the claims it gathered dropped with its rows)
 * and is logged, and the others in its chunk still commit. `committed` is called after each
 * chunk commits with its results and the sends claimed in it.
 */
function inChunks<I, R>(
  db: Db,
  items: I[],
  opts: PassOptions,
  claiming: boolean,
  what: string,
  work: (tx: Tx, item: I, chunk: ChunkCtx) => R,
  committed?: (results: R[], claims: Claimed[]) => void,
): R[] {
  const out: R[] = [];
  const savepoint = prepared(db, "SAVEPOINT engine_item");
  const rollbackTo = prepared(db, "ROLLBACK TO engine_item");
  const release = prepared(db, "RELEASE engine_item");
  for (let i = 0; i < items.length; i += CHUNK) {
    const part = items.slice(i, i + CHUNK);
    let ctx!: ChunkCtx;
    const done = writeTx(db, (tx) => {
      ctx = new ChunkCtx(tx, db, claiming);
      const rs: R[] = [];
      for (const item of part) {
        const mark = ctx.claims.length;
        savepoint.run();
        try {
          rs.push(work(tx, item, ctx));
        } catch (e) {
          // If even this fails the transaction is unusable: it escapes, and the pass fails
          // (the sweep tries again within a second).
          rollbackTo.run();
          ctx.claims.length = mark; // its rows are gone with the savepoint
          opts.log.error({ err: e, item }, `escalation: ${what} failed for one alert; the others go on`);
        }
        release.run();
      }
      return rs;
    });
    out.push(...done);
    committed?.(done, ctx.claims);
  }
  return out;
}

function ladderState(tx: Tx, a: AlertRow): LadderState {
  // Receipts are delivery's: "step:repeat" of firings that reached someone, or are known dead.
  const { shown, deadAt } = firingOutcomes(tx, a.id);
  const fired: FiredStep[] = firedSteps(tx, a.id).map((s) => {
    const k = `${s.step}:${s.repeat}`;
    return { ...s, shown: shown.has(k), deadAt: deadAt.get(k) };
  });
  return { status: a.status, policy: a.policy, startStep: a.startStep, baseAt: a.baseAt, fired, acknowledgedAt: a.acknowledgedAt, remindersSent: a.remindersSent };
}

function queue(tx: Tx, a: AlertRow, purpose: NotificationPurpose, step: number, repeat: number, staffIds: string[], msg: { title: string; body: string }, now: Date, chunk: ChunkCtx): number {
  // Queued already claimed when the chunk claims: the send starts when it commits.
  return enqueue(tx, { alertId: a.id, purpose, step, repeat, staffIds, title: msg.title, body: msg.body, visitId: a.visitId, workerId: a.staffId }, now, chunk.claiming ? chunk.claims : undefined);
}

/**
 * A step's sends beyond push, by the channels the step names that are on (text and email by
 * GOV.UK Notify), to those of `staffIds` each reaches. A text goes at once to someone no push
 * reaches, and on the "consider police" step; otherwise it waits smsAfterSeconds and is
 * dropped if their push was shown by then. Never claimed into the chunk: a paced channel takes
 * from the queue what it can send in time. Returns how many rows were queued.
 */
function queueOtherChannels(tx: Tx, chunk: ChunkCtx, a: AlertRow, step: number, repeat: number, staffIds: string[], toWorker: boolean, ctx: MessageContext, tz: string, now: Date, withPush: boolean): number {
  const channels = stepChannels(a.policy.steps[step]!);
  let queued = 0;
  for (const name of channels) {
    if (name === "push") continue;
    const channel = channelNamed(name);
    if (!channel || staffIds.length === 0) continue; // off (no Notify key), or nobody to tell
    const reached = chunk.reaches(channel, staffIds);
    const to = staffIds.filter((id) => reached.has(id));
    if (to.length === 0) continue;
    const msg = textFor(a, ctx, step, toWorker, tz);
    let sendAfter: Map<string, Date> | undefined;
    if (name === "sms" && withPush && !isPoliceStep(a.policy, step)) {
      const push = channelNamed("push");
      const byPush = push ? chunk.reaches(push, to) : new Set<string>();
      const at = new Date(now.getTime() + (a.policy.smsAfterSeconds ?? DEFAULT_SMS_AFTER_SECONDS) * 1000);
      sendAfter = new Map(to.filter((id) => byPush.has(id)).map((id) => [id, at]));
    }
    queued += enqueue(tx, { alertId: a.id, purpose: "ladder", step, repeat, staffIds: to, channel: name, title: msg.title, body: msg.body, sendAfter, visitId: a.visitId, workerId: a.staffId }, now);
  }
  return queued;
}

/** Fire what is due on one alert, inside the chunk's transaction (state re-read here). */
function fireOne(tx: Tx, alertId: string, now: Date, chunk: ChunkCtx, pass: PassOptions, opts: EngineOptions): Fired {
  const tz = pass.tz;
  const gaps: string[] = [];
  const a = alertById(tx, alertId);
  if (!a) return { queued: 0, gaps, info: { id: alertId } };
  const info = { id: a.id, visitId: a.visitId, staffId: a.staffId, reason: a.reason };
  const state = ladderState(tx, a);
  const p = plan(state, now);
  if (p.due.length === 0) {
    // Nothing due after all (another process fired it, or it was acknowledged): just re-time it.
    retime(tx, a.id, p.nextAt ?? null);
    return { queued: 0, gaps, info };
  }
  let ctx: MessageContext | undefined;
  const context = () => (ctx ??= alertContext(tx, a));
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
        queued += queue(tx, a, "reminder", 0, action.n, [a.acknowledgedBy], reminderFor(context()), now, chunk);
        appendAudit(tx, SYSTEM, { action: "remind", entity: "alert", entityId: a.id, data: { n: action.n, to: a.acknowledgedBy } }, now);
      }
      remindersSent = action.n;
      continue;
    }
    const { notify, resolved } = targets[i]!;
    if (!insertStep(tx, { alertId: a.id, step: action.step, repeat: action.repeat, dueAt: action.dueAt, firedAt: now, early: action.early, targets: resolved.staffIds })) {
      raced = true; // another process fired it
      continue;
    }
    state.fired.push({ step: action.step, repeat: action.repeat, firedAt: now, dueAt: action.dueAt, shown: false });
    const toWorker = notify === "worker";
    const pushTo = toWorker ? resolved.staffIds : resolved.staffIds.filter((id) => !toldLater[i]!.has(id));
    const withPush = stepChannels(a.policy.steps[action.step]!).includes("push");
    if (withPush) queued += queue(tx, a, "ladder", action.step, action.repeat, pushTo, messageFor(a, context(), action.step, toWorker, tz), now, chunk);
    queued += queueOtherChannels(tx, chunk, a, action.step, action.repeat, pushTo, toWorker, context(), tz, now, withPush);
    if (!toWorker && resolved.staffIds.length > 0) managersToldAt ??= now;
    step = Math.max(step, action.step);
    const folded = resolved.staffIds.filter((id) => !pushTo.includes(id));
    appendAudit(tx, SYSTEM, { action: "escalate", entity: "alert", entityId: a.id, data: { step: action.step, repeat: action.repeat, early: action.early, notify, targets: resolved.staffIds, nobodyOnDuty: resolved.nobodyOnDuty, ...(folded.length ? { pushedWithLaterStep: folded } : {}) } }, now);
    if (notify && notify !== "worker" && resolved.staffIds.length === 0) {
      // Not even the fallbacks (senior managers, managers, admins) had anyone active.
      pass.log.error({ alertId: a.id, step: action.step, notify }, "escalation step reached nobody");
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
  saveProgress(tx, a.id, { step, managersToldAt, remindersSent, nextActionAt: nextActionAt ?? null });
  return { queued, gaps, info };
}
