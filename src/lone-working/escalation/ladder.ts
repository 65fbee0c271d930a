// The escalation state machine: plain functions of an alert's state, its policy
// and `now`, returning what is due. No I/O, so a fake clock tests every path.
import type { Policy } from "./policy.js";

export interface FiredStep {
  step: number;
  repeat: number;
  firedAt: Date;
  /** When it was due (repeats count from the first firing's due time). */
  dueAt?: Date;
  /** Some notification of this firing reached a person (a push shown, a text delivered). */
  shown: boolean;
  /** Every send of this firing ended unreachable, a channel saying so for good, at this time: move on. */
  deadAt?: Date;
}

export interface LadderState {
  status: "open" | "acknowledged" | "resolved";
  policy: Policy;
  startStep: number;
  baseAt: Date;
  fired: FiredStep[];
  acknowledgedAt?: Date | null;
  remindersSent: number;
}

export type LadderAction =
  | { kind: "step"; step: number; repeat: number; dueAt: Date; early: boolean }
  | { kind: "reminder"; n: number; dueAt: Date };

export interface LadderPlan {
  due: LadderAction[];
  /** When to look again (null: nothing more will ever be due). */
  nextAt: Date | null;
}

const sec = (s: number) => s * 1000;

/** The scheduled time of a step (first firing), relative to the ladder's start step. */
export function stepTime(state: Pick<LadderState, "policy" | "startStep" | "baseAt">, step: number): Date {
  const { steps } = state.policy;
  const offset = steps[step]!.afterSeconds - steps[state.startStep]!.afterSeconds;
  return new Date(state.baseAt.getTime() + sec(Math.max(0, offset)));
}

/**
 * What is due at `now`. An open alert climbs: each step at its time, earlier when
 * the previous step showed nothing within the receipt timeout; a step with
 * `repeatEverySeconds` repeats until the next step (the last one until
 * acknowledged). An acknowledged alert only reminds the acknowledger.
 */
export function plan(state: LadderState, now: Date): LadderPlan {
  if (state.status === "resolved") return { due: [], nextAt: null };
  if (state.status === "acknowledged") {
    if (!state.acknowledgedAt) return { due: [], nextAt: null };
    const every = sec(state.policy.reminderAfterSeconds);
    const ack = state.acknowledgedAt.getTime();
    // Only the latest reminder that is due: after an outage, one reminder, not a burst.
    const n = Math.floor((now.getTime() - ack) / every);
    if (n > state.remindersSent) return { due: [{ kind: "reminder", n, dueAt: new Date(ack + every * n) }], nextAt: new Date(ack + every * (n + 1)) };
    return { due: [], nextAt: new Date(ack + every * (state.remindersSent + 1)) };
  }

  const { steps, receiptTimeoutSeconds } = state.policy;
  const last = steps.length - 1;
  const fired = new Map(state.fired.map((f) => [`${f.step}:${f.repeat}`, f]));
  const due: LadderAction[] = [];
  // Walk forward from the start step, firing whatever is due, in order.
  let prev: FiredStep | undefined;
  for (let step = state.startStep; step <= last; step++) {
    const s = steps[step]!;
    let at = stepTime(state, step);
    let early = false;
    if (prev && !prev.shown && step > state.startStep) {
      const byReceipt = noReceiptBy(prev, receiptTimeoutSeconds);
      if (byReceipt < at) {
        at = byReceipt;
        early = true;
      }
    }
    const first = fired.get(`${step}:0`);
    if (!first) {
      if (at > now) return { due, nextAt: at };
      due.push({ kind: "step", step, repeat: 0, dueAt: at, early });
      // Firing now; later steps are timed from the schedule, or from now by receipt.
      prev = { step, repeat: 0, firedAt: now, dueAt: at, shown: false };
      continue;
    }
    prev = first;
    if (s.repeatEverySeconds && s.repeatEverySeconds > 0) {
      // Repeats count from the last send of this step, so an outage ends in one send, not a burst.
      const every = sec(s.repeatEverySeconds);
      let lastFired = first;
      for (let r = 1; fired.has(`${step}:${r}`); r++) lastFired = fired.get(`${step}:${r}`)!;
      prev = lastFired;
      const nextStepAt = step < last ? nextStepDue(state, step, lastFired) : undefined;
      const rAt = new Date(lastFired.firedAt.getTime() + every);
      if (!nextStepAt || rAt < nextStepAt) {
        let following = rAt;
        if (rAt <= now) {
          due.push({ kind: "step", step, repeat: lastFired.repeat + 1, dueAt: rAt, early: false });
          prev = { step, repeat: lastFired.repeat + 1, firedAt: now, dueAt: rAt, shown: false };
          following = new Date(now.getTime() + every);
        }
        if (!nextStepAt) return { due, nextAt: following };
        if (following < nextStepAt) return { due, nextAt: following };
      }
    }
  }
  return { due, nextAt: null };
}

function nextStepDue(state: LadderState, step: number, prev: FiredStep): Date {
  const at = stepTime(state, step + 1);
  if (prev.shown) return at;
  const byReceipt = noReceiptBy(prev, state.policy.receiptTimeoutSeconds);
  return byReceipt < at ? byReceipt : at;
}

/** When a firing that reached nobody lets the next step go: the receipt timeout, or at once when it is known dead. */
function noReceiptBy(prev: FiredStep, receiptTimeoutSeconds: number): Date {
  const timeout = prev.firedAt.getTime() + sec(receiptTimeoutSeconds);
  return new Date(prev.deadAt ? Math.min(timeout, Math.max(prev.deadAt.getTime(), prev.firedAt.getTime())) : timeout);
}
