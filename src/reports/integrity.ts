// Integrity report: per recorder, records entered, late entries, voids and
// corrections in a period — the numbers that show whether records are being
// backdated, voided away or rewritten. One grouped query per table. A late entry is
// counted against whoever made it late: the recorder when the record was entered
// late, the corrector when a correction moved its date back into one.
import type { CurrentUser } from "../deps.js";
import type { Db } from "../db/connection.js";
import { reportScope } from "../hr/access.js";
import { addDays, startOfLocalDay } from "../calendar/days.js";
import { reportsStore } from "./store.js";

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
 * the ten-year report four times slower). The queries are the integrity reader in store.ts.
 */
export async function integrityReport(db: Db, user: CurrentUser, from: string, to: string, tz: string): Promise<IntegrityRow[]> {
  const start = startOfLocalDay(from, tz);
  const end = startOfLocalDay(addDays(to, 1), tz);
  const counts = await reportsStore(db).integrity(reportScope(user), start, end);
  const rows = new Map<string, IntegrityRow>();
  const row = (id: string) => {
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { recorderId: id, name: "", entries: 0, lateEntries: 0, lateCorrections: 0, voids: 0, corrections: 0, updates: 0 }));
    return r;
  };
  for (const kind of counts.kinds) {
    for (const r of kind.entered) {
      row(r.by).entries += r.n;
      row(r.by).lateEntries += r.late;
    }
    for (const r of kind.madeLate) row(r.by).lateEntries -= r.n;
    for (const r of kind.voids) row(r.by).voids += r.n;
  }
  for (const r of counts.versions) {
    if (r.correction) row(r.by).corrections += r.n;
    else row(r.by).updates += r.n;
    row(r.by).lateEntries += r.late;
    row(r.by).lateCorrections += r.late;
  }
  const names = new Map(counts.names.map((s) => [s.id, s.name]));
  return [...rows.values()]
    .map((r) => ({ ...r, name: names.get(r.recorderId) ?? r.recorderId }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
