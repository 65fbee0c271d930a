// What the ladder's notifications say (pure).
import { isPoliceStep } from "./policy.js";
import type { AlertRow } from "./raise.js";

/** What a message says of the alert: the worker's name and the visit's address. */
export interface MessageContext {
  workerName: string;
  address: string;
}

// One formatter per zone: building an Intl.DateTimeFormat costs ~0.1 ms, more than the rest of a message.
const formatters = new Map<string, Intl.DateTimeFormat>();
const hhmm = (d: Date, tz: string) => {
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" })));
  return f.format(d);
};

export function messageFor(a: AlertRow, ctx: MessageContext, step: number, toWorker: boolean, tz: string): { title: string; body: string } {
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

/** The acknowledger's reminder: acknowledged, not resolved. */
export function reminderFor(ctx: MessageContext): { title: string; body: string } {
  return { title: `Still open: ${ctx.workerName}`, body: "You acknowledged this alert but it is not resolved. Resolve it with the outcome when the worker is safe." };
}
