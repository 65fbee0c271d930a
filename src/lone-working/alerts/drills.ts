// Drills and test messages: a manager starts a drill alert for one of their people, which
// climbs the real ladder marked DRILL in every message (escalation/messages.ts), and anyone
// sends themselves a test push, text or email to see that alerts reach them. Who may drill
// whom follows how HR scopes managers (hr/access.ts): a senior manager anyone, a manager
// their own team; never themselves (a test message is for that).
import type { CurrentUser, Deps } from "../../deps.js";
import { hasAny, ALERT_RESPONDERS } from "../../staff/roles.js";
import { notifyState, sendTest } from "../delivery/channels/notify/index.js";
import { alertViews } from "./queries.js";
import type { Reached } from "./card.js";
import { drillsStore } from "./drills-store.js";

export const TEST_CHANNELS = ["push", "sms", "email"] as const;
export type TestChannel = (typeof TEST_CHANNELS)[number];

/** A person a drill may be for. */
export interface DrillTarget {
  id: string;
  name: string;
  teamId: string | null;
  active: boolean;
}

/** May this manager drill that person? Senior managers: anyone; managers: their own team; nobody themselves (pure). */
export function mayDrill(u: Pick<CurrentUser, "id" | "roles" | "teamId">, p: Pick<DrillTarget, "id" | "teamId">): boolean {
  if (!hasAny(u, ALERT_RESPONDERS) || u.id === p.id) return false;
  if (u.roles.includes("senior_manager")) return true;
  return u.roles.includes("manager") && u.teamId !== null && u.teamId === p.teamId;
}

export interface DrillView {
  alertId: string;
  staffId: string;
  name: string;
  startedBy: { id: string; name: string } | null;
  startedAt: string;
  status: string;
  acknowledgedAt: string | null;
  acknowledgedBy: { id: string; name: string } | null;
  secondsToAcknowledge: number | null;
  resolvedAt: string | null;
  outcome: string | null;
  reach: Reached[];
}

/** Start a drill for this person's phone; the scheduler fires its first step at once. */
export async function startDrill(deps: Deps, user: CurrentUser, staffId: string): Promise<{ alertId: string }> {
  const a = await drillsStore(deps.db).start(staffId, user, (p) => mayDrill(user, p), deps.clock.now());
  deps.events.publish({ type: "alert", data: { id: a.id, visitId: null, staffId: a.staffId, reason: a.reason, drill: true, change: "raised" } });
  deps.wakeScheduler();
  return { alertId: a.id };
}

/** People this manager may drill (the page's select), by name. */
export async function drillable(deps: Deps, user: CurrentUser): Promise<{ id: string; name: string }[]> {
  return (await drillsStore(deps.db).people()).filter((p) => mayDrill(user, p)).map((p) => ({ id: p.id, name: p.name }));
}

/** Recent drills this manager may see (of people they may drill, or started by them), newest first. */
export async function recentDrills(deps: Deps, user: CurrentUser, limit = 50): Promise<DrillView[]> {
  const store = drillsStore(deps.db);
  const all = await store.recent(200);
  const people = new Map((await store.people([...new Set(all.flatMap((d) => [d.alert.staffId, d.startedBy, d.alert.acknowledgedBy].filter((x): x is string => !!x)))])).map((p) => [p.id, p]));
  const mine = all.filter((d) => d.startedBy === user.id || (d.alert.staffId && people.has(d.alert.staffId) && mayDrill(user, people.get(d.alert.staffId)!))).slice(0, limit);
  const views = await alertViews(deps, mine.map((d) => d.alert), { card: true });
  const who = (id: string | null | undefined) => (id ? { id, name: people.get(id)?.name ?? "a member of staff" } : null);
  return mine.map((d, i) => {
    const a = d.alert;
    return {
      alertId: a.id,
      staffId: a.staffId!,
      name: people.get(a.staffId!)?.name ?? "a member of staff",
      startedBy: who(d.startedBy),
      startedAt: a.raisedAt.toISOString(),
      status: a.status,
      acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
      acknowledgedBy: who(a.acknowledgedBy),
      secondsToAcknowledge: a.acknowledgedAt ? Math.round((a.acknowledgedAt.getTime() - a.raisedAt.getTime()) / 1000) : null,
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      outcome: a.outcome,
      reach: views[i]!.reach,
    };
  });
}

export const TEST_STATUSES = ["sent", "off", "no_subscription", "no_address", "bad_address", "failed"] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

export interface TestOutcome {
  channel: TestChannel;
  status: TestStatus;
  /** What happened and what to expect, in a sentence a person reads. */
  detail: string;
  messageId?: string;
}

const WORDS: Record<TestChannel, string> = { push: "push notification", sms: "text message", email: "email" };

/** What a test message came to and what to expect, in words (the API's `detail`, and the me page's notice). */
export function testDetail(channel: TestChannel, status: TestStatus, why: string | null): string {
  const what = WORDS[channel];
  switch (status) {
    case "sent":
      return channel === "push"
        ? "Test push sent. It should appear on every phone or browser where you enabled alerts within a minute. If it does not, enable alerts again on that device."
        : `Test ${what} sent. It should arrive within a few minutes. If it does not, check the ${channel === "sms" ? "mobile number" : "email address"} on this page.`;
    case "off":
      return `${channel === "sms" ? "Text messages are" : "Email is"} not set up on this service, so nothing was sent. ${why ?? ""}`.trim();
    case "no_subscription":
      return "No device of yours is set up for alerts, so nothing was sent. Open the live board or your duty page on your phone and press \"Enable alerts\".";
    case "no_address":
      return channel === "sms" ? "You have no mobile number recorded, so nothing was sent. Add it above." : "You have no email address recorded, so nothing was sent.";
    case "bad_address":
      return channel === "sms" ? "GOV.UK Notify could not deliver to your mobile number before, so it is no longer used. Check it and save it again, or ask an administrator." : "GOV.UK Notify could not deliver to your email address before, so it is no longer used.";
    case "failed":
      return `The test ${what} could not be sent just now. Try again in a few minutes; if it keeps failing, tell an administrator.`;
  }
}

/**
 * Send the caller a test message on one channel (counted against their allowance and
 * audited). A Notify channel that is off answers status "off" (nothing sent, nothing counted).
 */
export async function sendTestMessage(deps: Deps, user: CurrentUser, channel: TestChannel): Promise<TestOutcome> {
  const store = drillsStore(deps.db);
  const state = notifyState(deps);
  if (channel !== "push" && (!state[channel] || !deps.notify)) return { channel, status: "off", detail: testDetail(channel, "off", state.why) };
  await store.reserveTest(user.id, channel, deps.clock.now());
  let status: TestStatus;
  let messageId: string | undefined;
  if (channel === "push") {
    const url = `${deps.config.PUBLIC_URL.replace(/\/$/, "")}/me`;
    const r = await deps.push.sendToStaff(user.id, { title: "Dutyline test", body: "A test from your details page: if you can read this, lone-working alerts reach this device. No action needed.", url, tag: "dutyline-test" });
    status = r.accepted > 0 ? "sent" : r.noSubscription ? "no_subscription" : "failed";
  } else {
    const r = await sendTest(deps, user.id, channel);
    status = r.status;
    messageId = r.messageId;
  }
  await store.testResult(user.id, channel, status, deps.clock.now());
  return { channel, status, detail: testDetail(channel, status, state.why), ...(messageId ? { messageId } : {}) };
}
