// Who a report covers: HR, admin and senior managers see everyone; a manager their team
// (hr/access.ts reportScope). The people in scope are read by each report's reader in
// store.ts; this holds what the reports share in memory.
export type { ReportPerson } from "./store.js";

/** Group rows by a key, once, in memory. */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
