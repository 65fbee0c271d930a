// The reports' reads: one reader per report, each one read transaction (one snapshot),
// returning the rows the report's pure rules need. Reads only: the tables belong to
// staff/, hr/ and lone-working/ (this module owns none). Each reader loads what it needs
// in a few set-based queries (never one per person); grouping and the rules stay in the
// report files (hr-reports.ts, integrity.ts, lone-working/alerts/report.ts).
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, max, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/connection.js";
import { storeFor } from "../db/store-kit.js";
import { RECORD_KINDS } from "../hr/kinds.js";
import { KINDS } from "../hr/store/kinds.js";
import { amhpApprovals, ohReferrals, recordVersions, returnToWork, sicknessEpisodes, supervisions, trainingRecords } from "../hr/schema.js";
import { staff, teams } from "../staff/schema.js";
import { visits } from "../lone-working/visits/schema.js";
import { alerts } from "../lone-working/escalation/schema.js";
import { notifications } from "../lone-working/delivery/schema.js";

/** Who a report covers (hr/access.ts reportScope): everyone, or one team (none when null). */
export type ReportScope = { all: true } | { all: false; teamId: string | null };

export interface ReportPerson {
  id: string;
  name: string;
  team: string | null;
  teamId: string | null;
  category: string;
  startDate: string | null;
  fte: number;
  roles: string[];
}

export interface SupervisionData {
  people: ReportPerson[];
  /** Per person, the last confirmed (by both), unvoided session held by asOf. */
  lastConfirmed: { staffId: string; last: string | null }[];
  /** Per person, unvoided, undisputed sessions awaiting a confirmation. */
  pending: { staffId: string; n: number }[];
  /** Per person, unvoided sessions held in [since, asOf] that a party disputed (they never count). */
  disputed: { staffId: string; n: number }[];
}

export interface SicknessRows {
  /** Unvoided episodes begun by asOf, open or ending on or after `from`; the cause only when asked for (else null). */
  eps: { id: string; staffId: string; firstDay: string; lastDay: string | null; cause: string | null }[];
  /** Unvoided referrals made from `from` to asOf. */
  refs: { id: string; staffId: string; sicknessId: string | null; referredOn: string }[];
  /** Unvoided return-to-work interviews held on or after `from`. */
  rtws: { sicknessId: string; heldOn: string }[];
}

export type OhReferralRow = typeof ohReferrals.$inferSelect;

export interface SicknessData {
  people: ReportPerson[];
  sickness: SicknessRows;
}

export interface OhData {
  people: ReportPerson[];
  /** Unvoided referrals made by asOf, from `from` on or with no report received yet. */
  referrals: OhReferralRow[];
  sickness: SicknessRows;
}

export interface ApprovalsData {
  people: ReportPerson[];
  approvals: { staffId: string; validFrom: string; validUntil: string }[];
  /** Unvoided training from `since` to asOf. */
  training: { staffId: string; date: string; hours: number }[];
}

export interface IntegrityCounts {
  /** Per kind of record (RECORD_KINDS order), grouped by who did it. */
  kinds: {
    /** Records entered in the period, and how many of them are flagged late now. */
    entered: { by: string; n: number; late: number }[];
    /** Records entered in the period, late now, whose first version was not late (a correction made them late). */
    madeLate: { by: string; n: number }[];
    /** Records voided in the period. */
    voids: { by: string; n: number }[];
  }[];
  /** Versions kept in the period (updates and corrections), and how many made a late entry. */
  versions: { by: string; correction: boolean; n: number; late: number }[];
  /** The names of everyone counted above. */
  names: { id: string; name: string }[];
}

export type AlertRow = typeof alerts.$inferSelect;

export interface LoneWorkingData {
  /** Staff of the team in scope; null when the scope is everyone. */
  teamStaff: string[] | null;
  /** Visits started in the period. */
  visits: { staffId: string }[];
  /** Alerts raised in the period. */
  alerts: AlertRow[];
  /**
   * Their notifications, counted per alert and channel: sent (the channel took it: sent,
   * shown or delivered, or a receipt came back), shown on a device (push), delivered (a
   * text whose receipt said so).
   */
  notifications: { alertId: string; channel: string; sent: number; shown: number; delivered: number }[];
}

export interface ReportsStore {
  /** `since`: the first day of the window whose disputed sessions are counted. */
  supervision(scope: ReportScope, asOf: string, since: string): Promise<SupervisionData>;
  sickness(scope: ReportScope, q: { asOf: string; from: string; withCause: boolean }): Promise<SicknessData>;
  ohReferrals(scope: ReportScope, q: { asOf: string; from: string; withCause: boolean }): Promise<OhData>;
  approvals(scope: ReportScope, q: { asOf: string; since: string }): Promise<ApprovalsData>;
  /** Records entered, late, voided and changed from `start` (inclusive) to `end` (exclusive). */
  integrity(scope: ReportScope, start: Date, end: Date): Promise<IntegrityCounts>;
  loneWorking(scope: ReportScope, from: Date, to: Date): Promise<LoneWorkingData>;
  /** Sickness spells (days only, never the cause) of the people in scope overlapping [from, asOf]: one query, for the HR page's chart. */
  sicknessSpells(scope: ReportScope, from: string, asOf: string): Promise<{ firstDay: string; lastDay: string | null }[]>;
}

export const reportsStore = storeFor<ReportsStore>((db) => {
  /** One snapshot per report: every query of a reader sees the same database. */
  const read = <T>(fn: () => T): T => db.transaction(() => fn(), { behavior: "deferred" });

  /**
   * The active people the caller may report on, by name. One query. As of a day, only
   * those who had started by then (no start date: counted from the beginning).
   */
  const people = (scope: ReportScope, asOf: string): ReportPerson[] => {
    const conds = [eq(staff.active, true), or(isNull(staff.startDate), lte(staff.startDate, asOf))!];
    if (!scope.all) conds.push(scope.teamId ? eq(staff.teamId, scope.teamId) : eq(staff.id, "\u0000none"));
    return db
      .select({ id: staff.id, name: staff.name, team: teams.name, teamId: staff.teamId, category: staff.category, startDate: staff.startDate, fte: staff.fte, roles: staff.roles })
      .from(staff)
      .leftJoin(teams, eq(teams.id, staff.teamId))
      .where(and(...conds))
      .orderBy(asc(staff.name))
      .all();
  };

  const asOfP = sql.placeholder("asOf");
  const fromP = sql.placeholder("from");
  const lastConfirmed = db
    .select({ staffId: supervisions.staffId, last: max(supervisions.heldOn) })
    .from(supervisions)
    .where(
      and(
        isNull(supervisions.voidedAt),
        isNull(supervisions.disputedAt),
        isNotNull(supervisions.superviseeConfirmedAt),
        isNotNull(supervisions.supervisorConfirmedAt),
        lte(supervisions.heldOn, asOfP),
      ),
    )
    .groupBy(supervisions.staffId)
    .prepare();
  const pending = db
    .select({ staffId: supervisions.staffId, n: sql<number>`count(*)` })
    .from(supervisions)
    .where(and(isNull(supervisions.voidedAt), isNull(supervisions.disputedAt), or(isNull(supervisions.superviseeConfirmedAt), isNull(supervisions.supervisorConfirmedAt))))
    .groupBy(supervisions.staffId)
    .prepare();
  const disputed = db
    .select({ staffId: supervisions.staffId, n: sql<number>`count(*)` })
    .from(supervisions)
    .where(and(isNull(supervisions.voidedAt), isNotNull(supervisions.disputedAt), gte(supervisions.heldOn, sql.placeholder("since")), lte(supervisions.heldOn, asOfP)))
    .groupBy(supervisions.staffId)
    .prepare();

  const episodes = (withCause: boolean) =>
    db
      .select({
        id: sicknessEpisodes.id,
        staffId: sicknessEpisodes.staffId,
        firstDay: sicknessEpisodes.firstDay,
        lastDay: sicknessEpisodes.lastDay,
        cause: withCause ? sicknessEpisodes.cause : sql<string | null>`null`,
      })
      .from(sicknessEpisodes)
      // "+first_day" keeps SQLite off the first_day index (which would walk all of history)
      // and onto last_day: open episodes plus those ending inside the window.
      .where(and(isNull(sicknessEpisodes.voidedAt), lte(sql`+${sicknessEpisodes.firstDay}`, asOfP), or(isNull(sicknessEpisodes.lastDay), gte(sicknessEpisodes.lastDay, fromP))))
      .prepare();
  const episodesWithCause = episodes(true);
  const episodesNoCause = episodes(false);
  const referralsInWindow = db
    .select({ id: ohReferrals.id, staffId: ohReferrals.staffId, sicknessId: ohReferrals.sicknessId, referredOn: ohReferrals.referredOn })
    .from(ohReferrals)
    .where(and(isNull(ohReferrals.voidedAt), lte(ohReferrals.referredOn, asOfP), gte(ohReferrals.referredOn, fromP)))
    .prepare();
  const rtwsSince = db
    .select({ sicknessId: returnToWork.sicknessId, heldOn: returnToWork.heldOn })
    .from(returnToWork)
    .where(and(isNull(returnToWork.voidedAt), gte(returnToWork.heldOn, fromP)))
    .prepare();
  const sickness = (asOf: string, from: string, withCause: boolean): SicknessRows => ({
    eps: (withCause ? episodesWithCause : episodesNoCause).all({ asOf, from }),
    refs: referralsInWindow.all({ asOf, from }),
    rtws: rtwsSince.all({ from }),
  });

  const openOrRecentReferrals = db
    .select()
    .from(ohReferrals)
    .where(and(isNull(ohReferrals.voidedAt), lte(ohReferrals.referredOn, asOfP), or(gte(ohReferrals.referredOn, fromP), isNull(ohReferrals.reportReceivedOn))))
    .prepare();

  const approvalsAll = db
    .select({ staffId: amhpApprovals.staffId, validFrom: amhpApprovals.validFrom, validUntil: amhpApprovals.validUntil })
    .from(amhpApprovals)
    .where(isNull(amhpApprovals.voidedAt))
    .prepare();
  const trainingBetween = db
    .select({ staffId: trainingRecords.staffId, date: trainingRecords.date, hours: trainingRecords.hours })
    .from(trainingRecords)
    .where(and(isNull(trainingRecords.voidedAt), gte(trainingRecords.date, sql.placeholder("since")), lte(trainingRecords.date, asOfP)))
    .prepare();

  return {
    async supervision(scope, asOf, since) {
      return read(() => ({ people: people(scope, asOf), lastConfirmed: lastConfirmed.all({ asOf }), pending: pending.all(), disputed: disputed.all({ since, asOf }) }));
    },

    async sickness(scope, { asOf, from, withCause }) {
      return read(() => ({ people: people(scope, asOf), sickness: sickness(asOf, from, withCause) }));
    },

    async ohReferrals(scope, { asOf, from, withCause }) {
      return read(() => ({ people: people(scope, asOf), referrals: openOrRecentReferrals.all({ asOf, from }), sickness: sickness(asOf, from, withCause) }));
    },

    async approvals(scope, { asOf, since }) {
      return read(() => ({ people: people(scope, asOf), approvals: approvalsAll.all(), training: trainingBetween.all({ since, asOf }) }));
    },

    async integrity(scope, start, end) {
      return read(() => {
        const teamStaff = scope.all ? null : db.select({ id: staff.id }).from(staff).where(eq(staff.teamId, scope.teamId ?? "\u0000none"));
        const inScope = (t: (typeof KINDS)[keyof typeof KINDS]["table"]): SQL | undefined => (teamStaff ? inArray(t.staffId, teamStaff) : undefined);
        const kinds = RECORD_KINDS.map((kind) => {
          const t = KINDS[kind].table as any; // eslint-disable-line @typescript-eslint/no-explicit-any
          const entered = db
            .select({ by: t.recordedBy, n: sql<number>`count(*)`, late: sql<number>`coalesce(sum(${t.late}), 0)` })
            .from(t)
            .where(and(gte(t.recordedAt, start), lt(t.recordedAt, end), inScope(t)))
            .groupBy(t.recordedBy)
            .all() as { by: string; n: number; late: number }[];
          // Driven from the (few) first versions that were not late, not from every record.
          const madeLate = db
            .select({ by: t.recordedBy, n: sql<number>`count(*)` })
            .from(recordVersions)
            .innerJoin(t, eq(t.id, recordVersions.recordId))
            .where(and(eq(recordVersions.kind, kind), eq(recordVersions.version, 1), sql`json_extract(${recordVersions.data}, '$.late') = 0`, eq(t.late, true), gte(t.recordedAt, start), lt(t.recordedAt, end), inScope(t)))
            .groupBy(t.recordedBy)
            .all() as { by: string; n: number }[];
          const voids = db
            .select({ by: t.voidedBy, n: sql<number>`count(*)` })
            .from(t)
            .where(and(gte(t.voidedAt, start), lt(t.voidedAt, end), inScope(t)))
            .groupBy(t.voidedBy)
            .all() as { by: string; n: number }[];
          return { entered, madeLate, voids };
        });
        const versionScope = teamStaff
          ? sql`${recordVersions.recordId} in (${sql.join(
              RECORD_KINDS.map((k) => sql`select id from ${KINDS[k].table} where staff_id in (select id from staff where team_id = ${scope.all ? "" : scope.teamId})`),
              sql` union all `,
            )})`
          : undefined;
        const versions = db
          .select({ by: recordVersions.changedBy, correction: recordVersions.correction, n: sql<number>`count(*)`, late: sql<number>`coalesce(sum(${recordVersions.late}), 0)` })
          .from(recordVersions)
          .where(and(gte(recordVersions.changedAt, start), lt(recordVersions.changedAt, end), versionScope))
          .groupBy(recordVersions.changedBy, recordVersions.correction)
          .all();
        const ids = [...new Set([...kinds.flatMap((k) => [...k.entered, ...k.madeLate, ...k.voids]), ...versions].map((r) => r.by))];
        const names = ids.length ? db.select({ id: staff.id, name: staff.name }).from(staff).where(inArray(staff.id, ids)).all() : [];
        return { kinds, versions, names };
      });
    },

    async sicknessSpells(scope, from, asOf) {
      const conds = [isNull(sicknessEpisodes.voidedAt), lte(sicknessEpisodes.firstDay, asOf), or(isNull(sicknessEpisodes.lastDay), gte(sicknessEpisodes.lastDay, from))];
      if (!scope.all) conds.push(eq(staff.teamId, scope.teamId ?? "\u0000none"));
      return db
        .select({ firstDay: sicknessEpisodes.firstDay, lastDay: sicknessEpisodes.lastDay })
        .from(sicknessEpisodes)
        .innerJoin(staff, eq(staff.id, sicknessEpisodes.staffId))
        .where(and(...conds))
        .all();
    },
    async loneWorking(scope, from, to) {
      return read(() => ({
        teamStaff: scope.all ? null : db.select({ id: staff.id }).from(staff).where(eq(staff.teamId, scope.teamId ?? "")).all().map((r) => r.id),
        visits: db.select({ staffId: visits.staffId }).from(visits).where(and(gte(visits.startedAt, from), lt(visits.startedAt, to))).all(),
        alerts: db.select().from(alerts).where(and(gte(alerts.raisedAt, from), lt(alerts.raisedAt, to))).all(),
        // One grouped query for every alert of the window (notifications_once leads with alert_id).
        notifications: db
          .select({
            alertId: notifications.alertId,
            channel: notifications.channel,
            sent: sql<number>`coalesce(sum(${notifications.status} in ('sent', 'shown', 'delivered') or ${notifications.shownAt} is not null or ${notifications.receipt} is not null), 0)`,
            shown: sql<number>`coalesce(sum(${notifications.status} = 'shown' or ${notifications.shownAt} is not null), 0)`,
            delivered: sql<number>`coalesce(sum(${notifications.status} = 'delivered' or coalesce(${notifications.receipt} = 'delivered', 0)), 0)`,
          })
          .from(notifications)
          .innerJoin(alerts, eq(alerts.id, notifications.alertId))
          .where(and(gte(alerts.raisedAt, from), lt(alerts.raisedAt, to)))
          .groupBy(notifications.alertId, notifications.channel)
          .all(),
      }));
    },
  };
});
