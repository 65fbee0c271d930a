// Integrity report: per recorder, records entered, late entries, voids and
// corrections in a period — the numbers that show whether records are being
// backdated, voided away or rewritten. One grouped query per table. A late entry is
// counted against whoever made it late: the recorder when the record was entered
// late, the corrector when a correction moved its date back into one.
import { and, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { CurrentUser } from "../deps.js";
import type { Db } from "../db/connection.js";
import { staff } from "../staff/schema.js";
import { recordVersions } from "../hr/schema.js";
import { KINDS, RECORD_KINDS } from "../hr/records.js";
import { reportScope } from "../hr/access.js";
import { addDays, startOfLocalDay } from "../calendar/days.js";

export interface IntegrityRow {
  recorderId: string;
  name: string;
  entries: number;
  /** Records entered late, plus corrections that made a record a late entry. */
  lateEntries: number;
  /** Of lateEntries: the corrections. */
  lateCorrections: number;
  voids: number;
  corrections: number;
  updates: number;
}

/**
 * Records late as first entered are those flagged late now, less those a correction made
 * late (their version 1, kept in record_versions, says not late). The flag is summed from
 * the covering index; only corrected records are looked up (a lookup per late row made
 * the ten-year report four times slower).
 */

export function integrityReport(db: Db, user: CurrentUser, from: string, to: string, tz: string): IntegrityRow[] {
  const start = startOfLocalDay(from, tz);
  const end = startOfLocalDay(addDays(to, 1), tz);
  const scope = reportScope(user);
  const teamStaff = scope.all ? null : db.select({ id: staff.id }).from(staff).where(eq(staff.teamId, scope.teamId ?? "\u0000none"));
  const rows = new Map<string, IntegrityRow>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { recorderId: id, name: "", entries: 0, lateEntries: 0, lateCorrections: 0, voids: 0, corrections: 0, updates: 0 }));
    return r;
  };
  const inScope = (t: (typeof KINDS)[keyof typeof KINDS]["table"]): SQL | undefined => (teamStaff ? inArray(t.staffId, teamStaff) : undefined);
  for (const kind of RECORD_KINDS) {
    const t = KINDS[kind].table as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const r of db
      .select({ by: t.recordedBy, n: sql<number>`count(*)`, late: sql<number>`coalesce(sum(${t.late}), 0)` })
      .from(t)
      .where(and(gte(t.recordedAt, start), lt(t.recordedAt, end), inScope(t)))
      .groupBy(t.recordedBy)
      .all() as { by: string; n: number; late: number }[]) {
      row(r.by).entries += r.n;
      row(r.by).lateEntries += r.late;
    }
    // Driven from the (few) first versions that were not late, not from every record.
    for (const r of db
      .select({ by: t.recordedBy, n: sql<number>`count(*)` })
      .from(recordVersions)
      .innerJoin(t, eq(t.id, recordVersions.recordId))
      .where(and(eq(recordVersions.kind, kind), eq(recordVersions.version, 1), sql`json_extract(${recordVersions.data}, '$.late') = 0`, eq(t.late, true), gte(t.recordedAt, start), lt(t.recordedAt, end), inScope(t)))
      .groupBy(t.recordedBy)
      .all() as { by: string; n: number }[]) {
      row(r.by).lateEntries -= r.n;
    }
    for (const r of db
      .select({ by: t.voidedBy, n: sql<number>`count(*)` })
      .from(t)
      .where(and(gte(t.voidedAt, start), lt(t.voidedAt, end), inScope(t)))
      .groupBy(t.voidedBy)
      .all() as { by: string; n: number }[]) {
      row(r.by).voids += r.n;
    }
  }
  const versionScope = teamStaff
    ? sql`${recordVersions.recordId} in (${sql.join(
        RECORD_KINDS.map((k) => sql`select id from ${KINDS[k].table} where staff_id in (select id from staff where team_id = ${scope.all ? "" : scope.teamId})`),
        sql` union all `,
      )})`
    : undefined;
  for (const r of db
    .select({ by: recordVersions.changedBy, correction: recordVersions.correction, n: sql<number>`count(*)`, late: sql<number>`coalesce(sum(${recordVersions.late}), 0)` })
    .from(recordVersions)
    .where(and(gte(recordVersions.changedAt, start), lt(recordVersions.changedAt, end), versionScope))
    .groupBy(recordVersions.changedBy, recordVersions.correction)
    .all()) {
    if (r.correction) row(r.by).corrections += r.n;
    else row(r.by).updates += r.n;
    row(r.by).lateEntries += r.late;
    row(r.by).lateCorrections += r.late;
  }
  const ids = [...rows.keys()];
  const names = new Map(
    ids.length ? db.select({ id: staff.id, name: staff.name }).from(staff).where(inArray(staff.id, ids)).all().map((s) => [s.id, s.name]) : [],
  );
  return [...rows.values()]
    .map((r) => ({ ...r, name: names.get(r.recorderId) ?? r.recorderId }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
