// Report times for a large council: 2,000 staff with 10 years of HR history.
// Prints figures (the goal is well under a second each); asserts nothing.
// Run: TZ=UTC npx tsx bench/reports.ts
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { FakeClock } from "../src/clock.js";
import { createApp } from "../src/app.js";
import { addDays } from "../src/calendar/days.js";
import { addMonths } from "../src/hr/rules/dates.js";
import type { CurrentUser } from "../src/deps.js";
import { approvalsReport, ohReport, sicknessReport, supervisionReport } from "../src/reports/hr-reports.js";
import { integrityReport } from "../src/reports/integrity.js";
import { sessionCookie } from "../tests/helpers.js";

const STAFF = 2000;
const YEARS = 10;
const ASOF = "2026-11-24";
const START = addMonths(ASOF, -12 * YEARS);

const clock = new FakeClock(`${ASOF}T12:00:00Z`);
const deps = openDeps(loadConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }), { clock, log: pino({ level: "silent" }) });
const sqlite = deps.db.$client;

// A deterministic pseudo-random sequence, so runs compare.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const uid = () => crypto.randomUUID();

console.log(`Seeding ${STAFF} staff with ${YEARS} years of history...`);
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
console.log(`  ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
console.log(`  seeded in ${Math.round(performance.now() - t0)} ms\n`);

const hr: CurrentUser = { id: recorder, name: "HR", email: "hr@bench.example", roles: ["hr"], teamId: null, category: "other" };
const tz = deps.config.TZ_LOCAL;
const reports: [string, () => unknown[]][] = [
  ["supervision", () => supervisionReport(deps.db, hr, ASOF)],
  ["sickness", () => sicknessReport(deps.db, hr, ASOF)],
  ["oh-referrals", () => ohReport(deps.db, hr, ASOF)],
  ["amhp-approvals", () => approvalsReport(deps.db, hr, ASOF)],
  ["integrity (12 months)", () => integrityReport(deps.db, hr, addDays(addMonths(ASOF, -12), 1), ASOF, tz)],
  ["integrity (10 years)", () => integrityReport(deps.db, hr, START, ASOF, tz)],
];

function time(fn: () => unknown): { ms: number; n: number } {
  const runs: number[] = [];
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    const out = fn() as unknown[];
    runs.push(performance.now() - s);
    n = out.length;
  }
  runs.sort((a, b) => a - b);
  return { ms: runs[2]!, n };
}

console.log("report                      rows    median of 5");
for (const [name, fn] of reports) {
  const { ms, n } = time(fn);
  console.log(`${name.padEnd(26)} ${String(n).padStart(6)} ${ms.toFixed(1).padStart(10)} ms`);
}

// End to end over HTTP, CSV included, as an HR user would pull it.
const app = createApp(deps);
const { createStaff } = await import("../src/staff/service.js");
const me = await createStaff(deps, { type: "system", job: "bench" }, { name: "HR Bench", email: "hr-bench@bench.example", roles: ["hr"] });
const cookie = sessionCookie(deps, me.id);
console.log("\nover HTTP                   bytes   median of 5");
for (const path of ["supervision", "sickness", "oh-referrals", "amhp-approvals", "integrity"]) {
  for (const fmt of ["json", "csv"]) {
    let bytes = 0;
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const res = await app.request(`/api/reports/${path}?format=${fmt}`, { headers: { Cookie: cookie, Origin: deps.config.PUBLIC_URL } });
      bytes = (await res.arrayBuffer()).byteLength;
      runs.push(performance.now() - s);
    }
    runs.sort((a, b) => a - b);
    console.log(`${`${path} ${fmt}`.padEnd(26)} ${String(bytes).padStart(8)} ${runs[2]!.toFixed(1).padStart(8)} ms`);
  }
}
