// Readiness: hours in which step 1 would find no duty manager, managers who could not be
// reached by push, and managers due on the manager-cover rota soon (or on the senior list)
// whom no working channel reaches at all, each with a sentence saying why, flagged before
// their next shift; and which channels are on.
import type { Deps } from "../../deps.js";
import type { Db } from "../../db/connection.js";
import { assignmentsOfKind, uncoveredIntervals, nextShiftOf } from "../../rota/store/tx.js";
import { deliveryStore } from "../delivery/index.js";
import { notifyState } from "../delivery/channels/notify/index.js";
import { notifyStore } from "../delivery/channels/notify/store.js";
import { stepChannels, type Policy, type StepChannel } from "../escalation/policy.js";
import { currentPolicy } from "../escalation/policy-store.js";
import { LINE_MANAGERS, hasAny } from "../../staff/roles.js";
import { fmtMobile } from "../../staff/mobile.js";
import { alertsStore } from "./store.js";

/** How far ahead a manager's cover makes their reachability urgent. */
export const UNREACHABLE_AHEAD_MS = 14 * 86_400_000;

/** Why the ladder's last resort is not the senior list as set, or null when it is fine (pure). */
export function seniorListProblemOf(policy: Policy, activeIds: Set<string>): string | null {
  if (policy.seniorStaffIds.length === 0) return "The senior escalation list is not set: senior steps go to every active senior manager (or managers, then admins).";
  if (!policy.seniorStaffIds.some((id) => activeIds.has(id))) return "No one on the senior escalation list is active: senior steps fall back to senior managers, managers, then admins.";
  return null;
}

/** Why the ladder's last resort is not the senior list as set, or null when it is fine. */
export async function seniorListProblem(db: Db): Promise<string | null> {
  const people = await alertsStore(db).activeStaff();
  return seniorListProblemOf(currentPolicy(db), new Set(people.map((p) => p.id)));
}

export interface ChannelState {
  push: true;
  sms: boolean;
  email: boolean;
  why: string | null;
}

/** What a person lacks on each channel, as readiness read it. */
export interface ReachFacts {
  push: boolean;
  sms: boolean;
  email: boolean;
  mobile: string | null;
  /** Notify refused their number for good, and when. */
  badMobileAt: Date | null;
}

const dayMonth = (d: Date, tz: string) => new Intl.DateTimeFormat("en-GB", { timeZone: tz, day: "numeric", month: "short" }).format(d);

/** The channels the ladder's manager steps use (a channel the policy never names reaches nobody). */
export function managerChannels(policy: Pick<Policy, "steps">): Set<StepChannel> {
  return new Set(policy.steps.filter((s) => s.notify !== "worker").flatMap((s) => stepChannels(s)));
}

/**
 * Why nobody can reach this person, as a manager reads it, or null when some working channel
 * does (pure). A channel works when it is on, the ladder's manager steps use it, and it
 * reaches them.
 */
export function unreachableWhy(f: ReachFacts, channels: ChannelState, used: Set<StepChannel>, tz: string): string | null {
  if ((used.has("push") && f.push) || (used.has("sms") && channels.sms && f.sms) || (used.has("email") && channels.email && f.email)) return null;
  if (!used.has("push")) return "The escalation policy's manager steps use no push, and no text or email reaches them";
  if (!used.has("sms")) return "No push subscription on any phone, and the escalation policy's manager steps send no texts";
  if (!channels.sms) {
    const off = /NOTIFY_API_KEY/.test(channels.why ?? "") ? "NOTIFY_API_KEY not set" : "NOTIFY_SMS_TEMPLATE_ID not set";
    return `Text messages are off (${off}) and no push subscription on any phone`;
  }
  if (f.badMobileAt && f.mobile) return `Notify could not deliver to ${fmtMobile(f.mobile)} (marked bad on ${dayMonth(f.badMobileAt, tz)}): no working push either`;
  if (!f.mobile) return "No push subscription on any phone, and no mobile number recorded";
  return `No push subscription on any phone, and texts cannot reach ${fmtMobile(f.mobile)}`;
}

export async function readiness(deps: Pick<Deps, "db" | "config" | "clock">, from: Date, to: Date) {
  const db = deps.db;
  const now = deps.clock.now();
  const uncovered = uncoveredIntervals(db, "manager_cover", from, to).map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() }));
  const policy = currentPolicy(db);
  const senior = new Set(policy.seniorStaffIds);
  const store = alertsStore(db);
  const people = await store.activeStaff();
  const managers = people.filter((p) => hasAny(p, LINE_MANAGERS) || senior.has(p.id));
  // Who a channel reaches is the channels' business (a working push subscription today).
  const delivery = deliveryStore(db);
  const reached = await delivery.reachable(managers.map((p) => p.id));
  const managersWithoutPush = managers
    .filter((p) => !reached.has(p.id))
    .map((p) => ({ id: p.id, name: p.name, nextShift: nextShiftOf(db, p.id, from)?.start.toISOString() ?? null, senior: senior.has(p.id) }));

  // Managers on the manager-cover rota from now for 14 days (their first such shift), and the senior list.
  const soon = new Map<string, Date>();
  for (const a of assignmentsOfKind(db, ["manager_cover"], now, new Date(now.getTime() + UNREACHABLE_AHEAD_MS))) {
    const at = soon.get(a.staffId);
    if (!at || a.start < at) soon.set(a.staffId, a.start);
  }
  const active = new Map(people.map((p) => [p.id, p]));
  const watched = [...new Set([...soon.keys(), ...policy.seniorStaffIds])].filter((id) => active.has(id));
  const state = notifyState(deps);
  const channels: ChannelState = { push: true, sms: state.sms, email: state.email, why: state.why };
  const used = managerChannels(policy);
  const byChannel = await delivery.reachByChannel(watched);
  const [contacts, bad] = await Promise.all([store.people(watched), notifyStore(db).badFor(watched)]);
  const has = (ch: string, id: string) => byChannel.get(ch)?.has(id) ?? false;
  const managersUnreachable = watched.flatMap((id) => {
    const b = bad.get(id);
    const why = unreachableWhy(
      { push: has("push", id), sms: has("sms", id), email: has("email", id), mobile: contacts.get(id)?.mobile ?? null, badMobileAt: b?.kind === "sms" ? b.markedAt : null },
      channels,
      used,
      deps.config.TZ_LOCAL,
    );
    if (!why) return [];
    const next = soon.get(id) ?? nextShiftOf(db, id, now)?.start ?? null;
    return [{ id, name: active.get(id)!.name, nextShift: next?.toISOString() ?? null, senior: senior.has(id), why }];
  });
  managersUnreachable.sort((a, b) => (a.nextShift ?? "~").localeCompare(b.nextShift ?? "~") || a.name.localeCompare(b.name));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    uncoveredManagerHours: uncovered,
    managersWithoutPush,
    managersUnreachable,
    channels,
    seniorListProblem: seniorListProblemOf(policy, new Set(people.map((p) => p.id))),
  };
}
