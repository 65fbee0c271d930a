// What a duty manager needs on an alarm card, read for many alerts at once: where the
// worker is, how to phone them, the risks they gave, how long since they were last
// heard from, whether this is the police step, and who was actually reached, by which
// channel. Managers only: the worker's own view of a visit never carries any of it.
// Pure: alerts/store.ts cardFacts reads what a card is built from.
import { isPoliceStep } from "../escalation/policy.js";
import type { AlertRow, CardFacts, NoteRow } from "./store.js";

/** One person told by the ladder, on one channel, at the best that happened to any send. */
export interface Reached {
  staffId: string;
  name: string;
  channel: string;
  /** shown, sent (accepted by the push service, no receipt yet), sending, queued, failed, no_subscription, cancelled (or what a channel adds). */
  status: string;
  /** When that happened (shown: the receipt; otherwise the send's result), or null while waiting. */
  at: string | null;
  sends: number;
  /** The worker the alert is about (told to check in), not a manager. */
  isWorker: boolean;
}

export interface AlarmCard {
  worker: { id: string; name: string; mobile: string | null } | null;
  /** Where the visit is, as given at its start. */
  location: { address: string; lat?: number; lng?: number } | null;
  /** The latest position a check-in (or the start) carried. */
  lastKnownPosition: { lat: number; lng: number; at: string } | null;
  riskNotes: string | null;
  /** The worker's latest check-in of any kind (the start, a check-in, an extension, the alarm itself). */
  lastSignOfLife: { at: string; kind: string } | null;
  /** The highest step fired is the "consider police (999)" one. */
  considerPolice: boolean;
  /** For an alert raised by another (no manager on duty): that alert's reason, e.g. duress. */
  parentReason: string | null;
  reach: Reached[];
}

// Better first: someone whose phone showed it was reached, whatever else failed.
const RANK: Record<string, number> = { shown: 9, delivered: 8, sent: 7, sending: 6, queued: 5, failed: 3, no_subscription: 2, cancelled: 1 };
const rank = (s: string) => RANK[s] ?? 4;

/** Who the ladder's sends reached, per person and channel (reminders and announcements are not the ladder). */
export function reachOf(notes: NoteRow[], names: Map<string, string>, worker: string | null): Reached[] {
  const by = new Map<string, Reached>();
  for (const n of notes) {
    if (n.purpose !== "ladder") continue;
    const key = `${n.staffId}\u0000${n.channel}`;
    const at = (n.status === "shown" ? n.shownAt : n.sentAt)?.toISOString() ?? null;
    const r = by.get(key);
    if (!r) {
      by.set(key, { staffId: n.staffId, name: names.get(n.staffId) ?? "a member of staff", channel: n.channel, status: n.status, at, sends: 1, isWorker: n.staffId === worker });
      continue;
    }
    r.sends++;
    if (rank(n.status) > rank(r.status) || (n.status === r.status && at && (!r.at || at < r.at))) {
      r.status = n.status;
      r.at = at;
    }
  }
  // Managers first, those not reached before those reached (they need a phone call), then by name.
  return [...by.values()].sort((a, b) => Number(a.isWorker) - Number(b.isWorker) || rank(a.status) - rank(b.status) || a.name.localeCompare(b.name));
}

/** The cards for these alerts, from their notifications and what the store read for them. */
export function alarmCards(rows: AlertRow[], notes: NoteRow[], facts: CardFacts): Map<string, AlarmCard> {
  const names = new Map([...facts.people].map(([id, p]) => [id, p.name]));
  const out = new Map<string, AlarmCard>();
  for (const a of rows) {
    const v = a.visitId ? facts.visits.get(a.visitId) : undefined;
    const ins = a.visitId ? (facts.checkIns.get(a.visitId) ?? []) : [];
    const last = ins[0];
    const pos = ins.find((c) => c.lat != null && c.lng != null);
    const w = a.staffId ? facts.people.get(a.staffId) : undefined;
    out.set(a.id, {
      worker: a.staffId && w ? { id: a.staffId, name: w.name, mobile: w.mobile } : null,
      location: v ? { address: v.address, lat: v.lat ?? undefined, lng: v.lng ?? undefined } : null,
      lastKnownPosition: pos ? { lat: pos.lat!, lng: pos.lng!, at: pos.at.toISOString() } : null,
      riskNotes: v?.riskNotes || null,
      lastSignOfLife: last ? { at: last.at.toISOString(), kind: last.kind } : v ? { at: v.startedAt.toISOString(), kind: "start" } : null,
      considerPolice: a.step >= 0 && isPoliceStep(a.policy, a.step),
      parentReason: a.parentAlertId ? (facts.parentReasons.get(a.parentAlertId) ?? null) : null,
      reach: reachOf(notes.filter((n) => n.alertId === a.id), names, a.staffId),
    });
  }
  return out;
}
