// The escalation ladder as data (pure): its shape, the default, what makes one unsafe. It is
// stored as a setting (read and written by policy-store.ts) and copied onto each alert when
// it is raised.

export const NOTIFY_TARGETS = ["worker", "duty_manager", "all_managers", "senior"] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

/** The ways a step reaches people (each is a delivery channel when it is on). */
export const STEP_CHANNELS = ["push", "sms", "email"] as const;
export type StepChannel = (typeof STEP_CHANNELS)[number];

export interface PolicyStep {
  afterSeconds: number;
  notify: NotifyTarget;
  /** Fire again every so often until the next step (or, on the last step, until acknowledged). */
  repeatEverySeconds?: number;
  /** Marked "consider police (999)". Set on the default last step. */
  considerPolice?: boolean;
  /**
   * How this step reaches people. Unset: push and text for a manager step, push for the
   * worker step. A text goes at once to someone with no push subscription (and on the
   * "consider police" step), else after smsAfterSeconds unless their push was shown.
   */
  channels?: StepChannel[];
}

export interface Policy {
  steps: PolicyStep[];
  panicStartsAtStep: number;
  seniorStaffIds: string[];
  receiptTimeoutSeconds: number;
  /** Acknowledged but unresolved: remind the acknowledger this often. */
  reminderAfterSeconds: number;
  /** A person on a text step whose push shows no receipt within this is texted (default 60; absent on alerts raised before it existed). */
  smsAfterSeconds: number;
}

export const DEFAULT_SMS_AFTER_SECONDS = 60;

/** The channels a step uses (its own list, or the default for whom it tells). */
export function stepChannels(step: PolicyStep): StepChannel[] {
  return step.channels ?? (step.notify === "worker" ? ["push"] : ["push", "sms"]);
}

export const POLICY_KEY = "escalation_policy";

/**
 * The default ladder: the worker at once, the duty manager at 5 min, every manager on duty
 * and the senior list at 15 min, then at 30 min "consider police (999)" repeating every
 * 5 min until someone acknowledges. The senior list must be set by an admin before it is complete.
 */
export function defaultPolicy(seniorStaffIds: string[] = []): Policy {
  return {
    steps: [
      // The worker is reminded by push, then by text when the push is not seen (poor signal).
      { afterSeconds: 0, notify: "worker", channels: ["push", "sms"] },
      { afterSeconds: 5 * 60, notify: "duty_manager" },
      { afterSeconds: 15 * 60, notify: "all_managers" },
      { afterSeconds: 30 * 60, notify: "all_managers", repeatEverySeconds: 5 * 60, considerPolice: true },
    ],
    panicStartsAtStep: 2,
    seniorStaffIds,
    receiptTimeoutSeconds: 60,
    reminderAfterSeconds: 30 * 60,
    smsAfterSeconds: DEFAULT_SMS_AFTER_SECONDS,
  };
}

/**
 * What makes a ladder unsafe, as field paths: it must climb in time order, its last
 * step must repeat until someone acknowledges (a ladder that goes quiet leaves an
 * unanswered panic silent), and a panic must start at a step that tells managers.
 */
export function policyProblems(policy: Pick<Policy, "steps" | "panicStartsAtStep">): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const { steps, panicStartsAtStep } = policy;
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.afterSeconds < steps[i - 1]!.afterSeconds) problems.push({ path: `steps.${i}.afterSeconds`, message: "steps must be in time order (afterSeconds never decreases)" });
  }
  const last = steps.length - 1;
  if (last >= 0 && !steps[last]!.repeatEverySeconds) problems.push({ path: `steps.${last}.repeatEverySeconds`, message: "the last step must repeat until the alert is acknowledged" });
  if (last >= 0 && steps[last]!.notify === "worker") problems.push({ path: `steps.${last}.notify`, message: "the last step must tell managers, not only the worker" });
  if (panicStartsAtStep > last) problems.push({ path: "panicStartsAtStep", message: "must be the number of one of the steps (from 0)" });
  else if (steps[panicStartsAtStep]!.notify === "worker") problems.push({ path: "panicStartsAtStep", message: "a panic alarm must start at a step that tells managers, not the worker" });
  return problems;
}

/**
 * Whether a step is the "consider police (999)" one. A policy that marks any step
 * (true or false) says which; one that marks none (saved before the marker, or by a
 * client that leaves it out) gets the default's rule: the last step, which repeats until
 * someone acknowledges. A one-off ladder (a no-manager gap alert) has none.
 */
export function isPoliceStep(policy: Pick<Policy, "steps">, step: number): boolean {
  const s = policy.steps[step];
  if (!s) return false;
  if (policy.steps.some((x) => x.considerPolice !== undefined)) return s.considerPolice === true;
  return step === policy.steps.length - 1 && Boolean(s.repeatEverySeconds) && s.notify !== "worker";
}
