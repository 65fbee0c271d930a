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
  // The person drilled has no visit to check in to: tell them what is happening instead.
  if (a.drill && toWorker) return { title: "DRILL — a test of your lone-working alerts", body: DRILL_TO_WORKER };
  const m = pushMessage(a, ctx, step, toWorker, tz);
  // A drill says so first, everywhere: nobody may mistake it for a real alarm, nor a real one for a drill.
  return a.drill ? { title: `DRILL — ${m.title}`, body: `This is a drill (a test of lone-working alerts), not a real alarm. ${m.body}` } : m;
}

function pushMessage(a: AlertRow, ctx: MessageContext, step: number, toWorker: boolean, tz: string): { title: string; body: string } {
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

const DRILL_TO_WORKER = "No action needed: your manager is testing that alerts reach you and them. Managers will be alerted as if you had missed a check-in.";

/**
 * A text message's words (the channel adds the acknowledgement code, the link and a number).
 * No patient data and no address: a text can be read on a locked phone, by anyone holding it.
 * Who, what and since when only.
 */
export function textFor(a: AlertRow, ctx: Pick<MessageContext, "workerName">, step: number, toWorker: boolean, tz: string): { title: string; body: string } {
  const since = hhmm(a.baseAt, tz);
  const drill = a.drill ? "DRILL (a test, not a real alarm). " : "";
  if (a.drill && toWorker) return { title: "Dutyline drill", body: `${drill}Dutyline: ${DRILL_TO_WORKER}` };
  if (toWorker) return { title: "Check in now", body: `${drill}Dutyline: your check-in was due at ${since}. Open Dutyline and check in, or your manager will be alerted.` };
  const what = ((): string => {
    switch (a.reason) {
      case "panic":
        return `PANIC alarm from ${ctx.workerName} since ${since}.`;
      case "duress":
        return `Silent DURESS alarm from ${ctx.workerName} since ${since}. Do not call their phone openly.`;
      case "no_manager_on_duty":
        return `No duty manager on the rota for an alert about ${ctx.workerName} since ${since}.`;
      default:
        return `Missed check-in by ${ctx.workerName} since ${since}.`;
    }
  })();
  const police = isPoliceStep(a.policy, step) ? "Consider police (999): nobody has acknowledged. " : "";
  return { title: "Dutyline alert", body: `${drill}${police}Dutyline: ${what}` };
}

/** The acknowledger's reminder: acknowledged, not resolved. */
export function reminderFor(ctx: MessageContext): { title: string; body: string } {
  return { title: `Still open: ${ctx.workerName}`, body: "You acknowledged this alert but it is not resolved. Resolve it with the outcome when the worker is safe." };
}
