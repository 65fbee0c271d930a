// What the API answers about alerts: the alert, its notifications and, for managers, its card.
import type { Deps, CurrentUser } from "../../deps.js";
import type { AlertStatus } from "../escalation/schema.js";
import { alarmCards, type AlarmCard } from "./card.js";
import { workerMaySee } from "./rules.js";
import { alertsStore, type AlertRow } from "./store.js";

export interface AlertView {
  id: string;
  visitId: string | null;
  staffId: string | null;
  parentAlertId: string | null;
  reason: AlertRow["reason"];
  /** A drill (POST /api/drills): a test alert through the real ladder, not a real alarm. */
  drill: boolean;
  status: AlertStatus;
  step: number;
  raisedAt: string;
  dueAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  outcome?: string;
  workerCheckedInAt?: string;
  /** Who acknowledged it, by name (the worker's visit page says who is dealing with it). */
  acknowledgedByName?: string;
  notifications: { id: string; staffId: string; channel: string; status: string; step: number; repeat: number; purpose: string; sentAt: string | null; shownAt: string | null; receipt: string | null }[];
}

/** What managers get: the alert and its card (see card.ts). */
export type ManagerAlertView = AlertView & AlarmCard;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

export function alertViews(deps: Deps, rows: AlertRow[]): Promise<AlertView[]>;
export function alertViews(deps: Deps, rows: AlertRow[], opts: { card: true }): Promise<ManagerAlertView[]>;
/** With `card`, each alert carries its card: for managers only, never for the worker's own view. */
export async function alertViews(deps: Deps, rows: AlertRow[], opts: { card?: boolean } = {}): Promise<AlertView[]> {
  if (rows.length === 0) return [];
  const store = alertsStore(deps.db);
  const notes = await store.notificationsOf(rows.map((r) => r.id));
  const ackers = await store.people(rows.flatMap((a) => (a.acknowledgedBy ? [a.acknowledgedBy] : [])));
  const cards = opts.card ? alarmCards(rows, notes, await store.cardFacts(rows, notes)) : undefined;
  return rows.map((a) => ({
    id: a.id,
    visitId: a.visitId,
    staffId: a.staffId,
    parentAlertId: a.parentAlertId,
    reason: a.reason,
    drill: a.drill,
    status: a.status,
    step: a.step,
    raisedAt: a.raisedAt.toISOString(),
    dueAt: a.baseAt.toISOString(),
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy ?? undefined,
    resolvedAt: iso(a.resolvedAt),
    resolvedBy: a.resolvedBy ?? undefined,
    outcome: a.outcome ?? undefined,
    workerCheckedInAt: iso(a.workerCheckedInAt),
    acknowledgedByName: a.acknowledgedBy ? ackers.get(a.acknowledgedBy)?.name : undefined,
    ...cards?.get(a.id),
    notifications: notes
      .filter((n) => n.alertId === a.id)
      .map((n) => ({ id: n.id, staffId: n.staffId, channel: n.channel, status: n.status, step: n.step, repeat: n.repeat, purpose: n.purpose, sentAt: n.sentAt?.toISOString() ?? null, shownAt: n.shownAt?.toISOString() ?? null, receipt: n.receipt })),
  }));
}

/** Alerts a manager may see: all except a duress alarm about themselves. */
export async function listAlerts(deps: Deps, user: CurrentUser, status?: AlertStatus): Promise<ManagerAlertView[]> {
  const rows = (await alertsStore(deps.db).list(status)).filter((a) => a.staffId !== user.id || workerMaySee(a.reason));
  return alertViews(deps, rows, { card: true });
}
