// The lone-working report: visits, missed check-ins, alerts and how fast people
// acknowledged them, beside the BS 8484 alarm-handling marks (10 s and 40 s).
// Its reads are the loneWorking reader of the reports store (src/reports/store.ts).
import type { Db } from "../../db/connection.js";
import type { CurrentUser } from "../../deps.js";
import { reportScope } from "../../hr/access.js";
import { reportsStore, type AlertRow } from "../../reports/store.js";
import { workerMaySee } from "./rules.js";
import { ackStats, monthlyTable, type ChannelCounts } from "./monthly.js";

export { ackStats, percentile } from "./monthly.js";

function secondsToAck(a: AlertRow): number | null {
  if (!a.acknowledgedAt || !a.acknowledgedBy) return null;
  const from = a.managersToldAt && a.managersToldAt < a.acknowledgedAt ? a.managersToldAt : a.raisedAt;
  return (a.acknowledgedAt.getTime() - from.getTime()) / 1000;
}

/**
 * Scoped like every report (HR, admin and senior managers: everyone; a manager: their
 * team), and never showing anyone an alarm about themselves they may not see: a manager
 * who was under duress on a visit must not find it here.
 */
/**
 * `tz`: the service's zone (config TZ_LOCAL), whose calendar months the monthly table
 * counts in (one row per month of the window and kind of alarm; monthly.ts).
 */
export async function loneWorkingReport(db: Db, viewer: CurrentUser, from: Date, to: Date, tz: string) {
  const data = await reportsStore(db).loneWorking(reportScope(viewer), from, to);
  const team = data.teamStaff ? new Set(data.teamStaff) : undefined;
  const inScope = (staffId: string | null) => !team || (staffId !== null && team.has(staffId));
  const vs = data.visits.filter((v) => inScope(v.staffId));
  const as = data.alerts.filter((a) => inScope(a.staffId) && (a.staffId !== viewer.id || workerMaySee(a.reason)));
  const byReason: Record<string, number> = {};
  for (const a of as) byReason[a.reason] = (byReason[a.reason] ?? 0) + 1;
  // BS 8484 times alarm handling from when the alarm reaches those who must act: here, the
  // first notification to a manager (for panic and duress, at once). From raising is shown too.
  const acked = as.filter((a) => a.acknowledgedAt && a.acknowledgedBy);
  const ackSeconds = acked.map((a) => secondsToAck(a)!);
  const fromRaised = acked.map((a) => (a.acknowledgedAt!.getTime() - a.raisedAt.getTime()) / 1000);
  const rows = as.map((a) => ({
    alertId: a.id,
    visitId: a.visitId,
    staffId: a.staffId,
    reason: a.reason,
    status: a.status,
    raisedAt: a.raisedAt,
    highestStep: a.step,
    acknowledgedAt: a.acknowledgedAt,
    managersToldAt: a.managersToldAt,
    secondsToAcknowledge: secondsToAck(a),
    resolvedAt: a.resolvedAt,
    outcome: a.outcome,
  }));
  const channels = new Map<string, ChannelCounts[]>();
  for (const n of data.notifications) {
    const list = channels.get(n.alertId) ?? [];
    list.push({ channel: n.channel, sent: Number(n.sent), shown: Number(n.shown), delivered: Number(n.delivered) });
    channels.set(n.alertId, list);
  }
  const monthly = monthlyTable(
    as.map((a) => ({ ...a, secondsToAcknowledge: secondsToAck(a), channels: channels.get(a.id) ?? [] })),
    from,
    to,
    tz,
  );
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    visits: vs.length,
    missedCheckIns: byReason.missed_check_in ?? 0,
    alerts: { total: as.length, byReason, unacknowledged: as.filter((a) => !a.acknowledgedAt).length },
    timeToAcknowledge: ackStats(ackSeconds),
    timeToAcknowledgeFromRaised: ackStats(fromRaised),
    rows,
    monthly,
  };
}
