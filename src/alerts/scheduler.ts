import type { Deps } from "../deps.js";

export interface Scheduler {
  /** Re-read due times now (a write changed them). */
  wake(): void;
  stop(): void;
}

/** The escalation scheduler. Filled in by the lone-working capability. */
export function startScheduler(_deps: Deps): Scheduler {
  return { wake() {}, stop() {} };
}
