// Raising an alert, as pure rules: where a ladder starts and what a new alert row holds.
// The insert itself (once-only by its trigger key) is escalation/store.ts raiseAlert.
import type { Actor } from "../../audit/chain.js";
import type { alerts, AlertReason } from "./schema.js";
import type { Policy } from "./policy.js";

export type AlertRow = typeof alerts.$inferSelect;

/** The escalation job: who the audit chain says raised and fired what the scheduler did. */
export const SYSTEM: Actor = { type: "system", job: "escalation" };

export interface RaiseInput {
  reason: AlertReason;
  triggerKey: string;
  visitId: string | null;
  staffId: string | null;
  baseAt: Date;
  parentAlertId?: string;
  policy?: Policy;
  startStep?: number;
  /** A drill: a test alert through the real ladder, marked as such in every message. */
  drill?: boolean;
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

/** The row a raise inserts, under the policy in force (copied onto the alert). */
export function newAlert(input: RaiseInput, policy: Policy, now: Date): AlertRow {
  const startStep = input.startStep ?? (input.reason === "panic" || input.reason === "duress" ? panicStart(policy) : 0);
  return {
    id: crypto.randomUUID(),
    triggerKey: input.triggerKey,
    visitId: input.visitId,
    staffId: input.staffId,
    parentAlertId: input.parentAlertId ?? null,
    reason: input.reason,
    drill: input.drill ?? false,
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
}
