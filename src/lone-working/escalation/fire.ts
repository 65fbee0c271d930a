// Firing: what is due on one alert, decided by the ladder (pure) against the rows re-read
// in the caller's chunk transaction, and written through escalation's store (steps,
// progress, gap alerts), delivery's outbox (enqueue) and the audit chain. The chunk
// transaction itself is escalation/store.ts inChunks; the pass (pass.ts) drives it.
import type { Deps } from "../../deps.js";
import type { Tx } from "../../db/connection.js";
import { appendAudit } from "../../audit/store.js";
import type { NotificationPurpose } from "../delivery/schema.js";
import { enqueue, shownSteps, type Claimed } from "../delivery/index.js";
import { plan, type FiredStep, type LadderState } from "./ladder.js";
import { messageFor, reminderFor, type MessageContext } from "./messages.js";
import { currentPolicy, type Policy } from "./policy.js";
import { SYSTEM, type AlertRow } from "./raise.js";
import { alertById, alertContext, firedSteps, insertStep, raiseAlert, retime, saveProgress } from "./store.js";
import { targetResolver, type OnDutyFn, type Resolver } from "./targets.js";

export interface EngineOptions {
  onDutyAt?: OnDutyFn;
}

/** What one chunk's transaction reads once rather than once per alert. */
export class ChunkCtx {
  private policyCache: Policy | undefined;
  private resolvers = new Map<number, Resolver>();
  /** Sends queued in this chunk and claimed by this process in the same transaction. */
  readonly claims: Claimed[] = [];
  /** How many claims there were when the current item began (a failed item's are dropped). */
  mark = 0;
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

function ladderState(tx: Tx, a: AlertRow): LadderState {
  const shown = shownSteps(tx, a.id); // receipts are delivery's: "step:repeat" of firings some device showed
  const fired: FiredStep[] = firedSteps(tx, a.id).map((s) => ({ ...s, shown: shown.has(`${s.step}:${s.repeat}`) }));
  return { status: a.status, policy: a.policy, startStep: a.startStep, baseAt: a.baseAt, fired, acknowledgedAt: a.acknowledgedAt, remindersSent: a.remindersSent };
}

function queue(tx: Tx, a: AlertRow, purpose: NotificationPurpose, step: number, repeat: number, staffIds: string[], msg: { title: string; body: string }, now: Date, chunk: ChunkCtx): number {
  // Queued already claimed when the chunk claims: the send starts when it commits.
  return enqueue(tx, { alertId: a.id, purpose, step, repeat, staffIds, title: msg.title, body: msg.body, visitId: a.visitId, workerId: a.staffId }, now, chunk.claiming ? chunk.claims : undefined);
}

export interface Fired {
  queued: number;
  gaps: string[];
  info: Record<string, unknown>;
}

/** Fire what is due on one alert, inside the caller's transaction (state re-read here). */
export function fireDue(deps: Deps, tx: Tx, alertId: string, now: Date, chunk: ChunkCtx, opts: EngineOptions): Fired {
  const tz = deps.config.TZ_LOCAL;
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
  saveProgress(tx, a.id, { step, managersToldAt, remindersSent, nextActionAt: nextActionAt ?? null });
  return { queued, gaps, info };
}

/**
 * Tell the event stream what committed firings did; returns the gap alerts they raised.
 * The events are only hints to the board: a listener that throws is logged, and never
 * stops the pass (claimed sends, gap alerts) that follows.
 */
export function published(deps: Deps, fired: Fired[]): string[] {
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
