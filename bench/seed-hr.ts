// A large council's HR history, for the report bench and the event-loop test:
// 2,000 staff with 10 years of supervisions, sickness (with return-to-work and OH
// referrals), AMHP approvals and training, and leave. Deterministic (a fixed
// pseudo-random sequence), written straight into the tables in one transaction.
import type Database from "better-sqlite3";
import { addDays } from "../src/calendar/days.js";
import { addMonths } from "../src/hr/rules/dates.js";

export interface HrSeed {
  /** The day the history runs up to (and the day the reports are asked for). */
  asOf: string;
  /** Its first day (asOf less `years`). */
  start: string;
  /** The staff id recorded as having entered every record. */
  recorder: string;
  /** Rows written, by table. */
  counts: Record<string, number>;
  ms: number;
}

export function seedHrHistory(sqlite: Database.Database, opts: { staff?: number; years?: number; asOf?: string } = {}): HrSeed {
  const STAFF = opts.staff ?? 2000;
  const YEARS = opts.years ?? 10;
  const ASOF = opts.asOf ?? "2026-11-24";
  const START = addMonths(ASOF, -12 * YEARS);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const uid = () => crypto.randomUUID();

  const t0 = performance.now();
  const at = Date.parse(`${ASOF}T12:00:00Z`);
  const counts: Record<string, number> = {};
  const ins = (table: string, cols: string[]) => {
    const st = sqlite.prepare(`INSERT INTO ${table} (${cols.join(",")}) VALUES (${cols.map(() => "?").join(",")})`);
    return (...v: unknown[]) => {
      counts[table] = (counts[table] ?? 0) + 1;
      st.run(...v);
    };
  };
  const rec = ["recorded_at", "recorded_by", "late", "late_entry_reason", "version"];
  const team = ins("teams", ["id", "name", "created_at"]);
  const person = ins("staff", ["id", "name", "email", "roles", "team_id", "category", "start_date", "fte", "active", "created_at"]);
  const sup = ins("supervisions", ["id", "staff_id", "supervisor_id", "held_on", "kind", "supervisee_confirmed_at", "supervisor_confirmed_at", ...rec]);
  const sick = ins("sickness_episodes", ["id", "staff_id", "first_day", "last_day", "cause", ...rec]);
  const rtw = ins("return_to_work", ["id", "sickness_id", "staff_id", "held_on", ...rec]);
  const oh = ins("oh_referrals", ["id", "staff_id", "sickness_id", "referred_on", "reason", "appointment_on", "report_received_on", "outcome", ...rec]);
  const appr = ins("amhp_approvals", ["id", "staff_id", "valid_from", "valid_until", ...rec]);
  const train = ins("training_records", ["id", "staff_id", "date", "hours", "topic", ...rec]);
  const leave = ins("leave_records", ["id", "staff_id", "from_day", "to_day", "kind", ...rec]);
  const causes = ["stress_anxiety_depression", "musculoskeletal", "infection", "injury", "surgery", "other"];

  const recorder = "bench-recorder";
  sqlite.transaction(() => {
    const teams = Array.from({ length: 40 }, (_, i) => {
      const id = uid();
      team(id, `Team ${i}`, at);
      return id;
    });
    const ids: string[] = [];
    for (let i = 0; i < STAFF; i++) {
      const id = uid();
      ids.push(id);
      const amhp = i % 3 === 0;
      person(id, `Person ${String(i).padStart(4, "0")}`, `p${i}@bench.example`, JSON.stringify(amhp ? ["amhp"] : ["social_worker"]), teams[i % teams.length], i % 20 === 0 ? "asye" : "qualified", START, i % 4 === 0 ? 0.6 : 1, 1, at);
    }
    for (const [i, id] of ids.entries()) {
      const supervisor = ids[(i + 1) % ids.length];
      const r = (day: string) => [Date.parse(`${day}T17:00:00Z`), recorder, 0, null, 1];
      for (let d = START; d <= ASOF; d = addMonths(d, 1)) {
        const day = addDays(d, Math.floor(rand() * 20));
        if (day > ASOF) break;
        const confirmed = rand() < 0.95 ? Date.parse(`${day}T17:00:00Z`) : null;
        sup(uid(), id, supervisor, day, "individual", Date.parse(`${day}T17:00:00Z`), confirmed, ...r(day));
      }
      for (let d = START; d <= ASOF; d = addDays(d, 60 + Math.floor(rand() * 120))) {
        const len = rand() < 0.05 ? 30 + Math.floor(rand() * 60) : 1 + Math.floor(rand() * 6);
        const last = addDays(d, len - 1);
        const eid = uid();
        const open = last >= ASOF;
        sick(eid, id, d, open ? null : last, pick(causes), ...r(d));
        if (!open) rtw(uid(), eid, id, addDays(last, 3), ...r(addDays(last, 3)));
        if (len > 20) oh(uid(), id, eid, addDays(d, 5), "bench", addDays(d, 20), addDays(d, 30), "fit with adjustments", ...r(addDays(d, 5)));
        d = addDays(last, 1);
      }
      if (i % 3 === 0) {
        for (let y = 0; y < YEARS; y += 5) {
          const from = addMonths(START, 12 * y);
          appr(uid(), id, from, addDays(addMonths(from, 60), -1), ...r(from));
        }
        for (let d = START; d <= ASOF; d = addMonths(d, 3)) train(uid(), id, d, 5, "AMHP update", ...r(d));
      }
      for (let d = START; d <= ASOF; d = addMonths(d, 2)) leave(uid(), id, d, addDays(d, 4), "annual", ...r(d));
    }
  })();
  // A file database: fold the seeding's WAL back into the file, as a running service's checkpoints would.
  if (!sqlite.memory) sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return { asOf: ASOF, start: START, recorder, counts, ms: performance.now() - t0 };
}
