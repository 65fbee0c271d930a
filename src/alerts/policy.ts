// The escalation ladder as data (DESIGN.md "Lone working"), stored as a setting
// and copied onto each alert when it is raised.
import type { Db, Tx } from "../db/connection.js";
import { getSetting, putSetting } from "../db/settings.js";

export const NOTIFY_TARGETS = ["worker", "duty_manager", "all_managers", "senior"] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

export interface PolicyStep {
  afterSeconds: number;
  notify: NotifyTarget;
  /** Fire again every so often until the next step (or, on the last step, until acknowledged). */
  repeatEverySeconds?: number;
  /** Marked "consider police (999)". Set on the default last step. */
  considerPolice?: boolean;
}

export interface Policy {
  steps: PolicyStep[];
  panicStartsAtStep: number;
  seniorStaffIds: string[];
  receiptTimeoutSeconds: number;
  /** Acknowledged but unresolved: remind the acknowledger this often. */
  reminderAfterSeconds: number;
}

export const POLICY_KEY = "escalation_policy";

/** DESIGN.md's ladder; the senior list must be set by an admin before it is complete. */
export function defaultPolicy(seniorStaffIds: string[] = []): Policy {
  return {
    steps: [
      { afterSeconds: 0, notify: "worker" },
      { afterSeconds: 5 * 60, notify: "duty_manager" },
      { afterSeconds: 15 * 60, notify: "all_managers" },
      { afterSeconds: 30 * 60, notify: "all_managers", repeatEverySeconds: 5 * 60, considerPolice: true },
    ],
    panicStartsAtStep: 2,
    seniorStaffIds,
    receiptTimeoutSeconds: 60,
    reminderAfterSeconds: 30 * 60,
  };
}

export function currentPolicy(db: Db | Tx): Policy {
  const stored = getSetting<Policy>(db, POLICY_KEY);
  return stored ? { ...defaultPolicy(), ...stored } : defaultPolicy();
}

export function savePolicy(tx: Tx, policy: Policy, at: Date): void {
  putSetting(tx, POLICY_KEY, policy, at);
}

/** Which steps notify the senior list besides their own target (DESIGN.md: step 2 and on). */
export function stepAlsoTellsSenior(policy: Policy, step: number): boolean {
  const s = policy.steps[step];
  if (!s) return false;
  if (s.notify === "senior") return true;
  // "every manager on duty, and the senior escalation list": all_managers steps include the senior list.
  return s.notify === "all_managers";
}
