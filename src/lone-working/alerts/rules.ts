// Who may see and act on an alert, and what an outcome must be: pure rules that the alerts
// store applies inside its transactions and routes, pages and the event stream read.
import type { CurrentUser } from "../../deps.js";
import { Forbidden, InvalidInput, NotFound } from "../../errors.js";
import { ALERT_RESPONDERS, hasAny } from "../../staff/roles.js";
import type { alerts } from "../escalation/schema.js";

type AlertRow = typeof alerts.$inferSelect;

/** Sees every alert and visit (src/staff/roles.ts). */
export const isManager = (u: Pick<CurrentUser, "roles">) => hasAny(u, ALERT_RESPONDERS);

/**
 * What the worker an alert is about may see of it: their own panic and missed check-ins.
 * Never a duress alarm, nor what follows from one (a no_manager_on_duty gap it raised),
 * since someone may be looking at their phone.
 */
export const workerMaySee = (reason: string | undefined) => reason === "missed_check_in" || reason === "panic";

/** The alert a manager acts on: unknown (or a hidden alarm about them) is a 404, their own a 403. */
export function forManager(a: AlertRow | undefined, userId: string): AlertRow {
  if (!a || (a.staffId === userId && !workerMaySee(a.reason))) throw new NotFound("alert");
  if (a.staffId === userId) throw new Forbidden("You cannot acknowledge or resolve an alert about yourself.");
  return a;
}

/** An outcome a person can read: not empty, not only spaces or invisible characters. */
export function meaningfulOutcome(outcome: string): string {
  const text = outcome.trim();
  if (text.replace(/[\s\p{Z}\p{Cc}\p{Cf}]/gu, "").length === 0) throw new InvalidInput([{ path: "outcome", message: "choose an outcome: what happened to the worker" }]);
  return text;
}

/**
 * Whether the worker is told who is dealing with their alert: for a missed check-in or a
 * panic, never a duress alarm nor what follows from one (someone may be looking at their
 * phone, and it must stay an ordinary one), and not when they acknowledged it themselves.
 */
export const workerIsTold = (a: AlertRow, byId: string) => !!a.staffId && a.staffId !== byId && workerMaySee(a.reason);

/** What the worker is told when someone acknowledges their alert. */
export function dealingWithIt(a: AlertRow, byName: string): { title: string; body: string } {
  return {
    title: `${byName} is dealing with your alert`,
    body: `${byName} has your ${a.reason === "panic" ? "panic alarm" : "missed check-in"} and is dealing with it. If you are in danger, call 999.`,
  };
}
