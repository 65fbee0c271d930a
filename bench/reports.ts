// Report times for a large council: 2,000 staff with 10 years of HR history, in a
// database file (WAL), as in production. For each report: the function alone, then
// over HTTP with the report in-process (as before) and in its worker thread (now),
// each with the longest event-loop stall it caused: the time the escalation
// scheduler, /healthz and check-ins would have waited. Prints figures; asserts nothing.
// Run: TZ=UTC npx tsx bench/reports.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { closeReportThreads, setReportThreadMode } from "../src/reports/run-report.js";
import { sessionCookie } from "../tests/helpers.js";
import { seedHrHistory } from "./seed-hr.js";
import { withStallProbe } from "./stall.js";

const dir = mkdtempSync(join(tmpdir(), "dutyline-bench-reports-"));
const ASOF = "2026-11-24";
const clock = new FakeClock(`${ASOF}T12:00:00Z`);
const deps = openDeps(loadConfig({ DATABASE_PATH: join(dir, "reports.db"), LOG_LEVEL: "silent" }), { clock, log: pino({ level: "silent" }) });

console.log(`Reports bench — Node ${process.version}. Seeding 2000 staff with 10 years of history into a database file...`);
const seeded = seedHrHistory(deps.db.$client, { staff: 2000, years: 10, asOf: ASOF });
const START = seeded.start;
console.log(`  ${Object.entries(seeded.counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
console.log(`  seeded in ${Math.round(seeded.ms)} ms\n`);

const hr: CurrentUser = { id: seeded.recorder, name: "HR", email: "hr@bench.example", roles: ["hr"], teamId: null, category: "other" };
const tz = deps.config.TZ_LOCAL;
const reports: [string, () => Promise<unknown[]>][] = [
  ["supervision", () => supervisionReport(deps.db, hr, ASOF)],
  ["sickness", () => sicknessReport(deps.db, hr, ASOF)],
  ["oh-referrals", () => ohReport(deps.db, hr, ASOF)],
  ["amhp-approvals", () => approvalsReport(deps.db, hr, ASOF)],
  ["integrity (12 months)", () => integrityReport(deps.db, hr, addDays(addMonths(ASOF, -12), 1), ASOF, tz)],
  ["integrity (10 years)", () => integrityReport(deps.db, hr, START, ASOF, tz)],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log("report function (main thread)  rows    median of 5");
for (const [name, fn] of reports) {
  const runs: number[] = [];
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    n = (await fn()).length;
    runs.push(performance.now() - s);
  }
  console.log(`${name.padEnd(29)} ${String(n).padStart(6)} ${median(runs).toFixed(1).padStart(10)} ms`);
}

// End to end over HTTP, CSV included, as an HR user would pull it.
const app = createApp(deps);
const { createStaff } = await import("../src/staff/service.js");
const me = await createStaff(deps, { type: "system", job: "bench" }, { name: "HR Bench", email: "hr-bench@bench.example", roles: ["hr"] });
const headers = { Cookie: sessionCookie(deps, me.id), Origin: deps.config.PUBLIC_URL };
const PATHS = ["supervision", "sickness", "oh-referrals", "amhp-approvals", `integrity?from=${START}&to=${ASOF}`];
const url = (path: string, fmt: string) => `/api/reports/${path}${path.includes("?") ? "&" : "?"}format=${fmt}`;


for (const mode of ["in-process", "auto"] as const) {
  setReportThreadMode(mode);
  const label = mode === "in-process" ? "report in-process (before)" : "report in a worker thread (now)";
  for (const p of PATHS) await (await app.request(url(p, "json"), { headers })).arrayBuffer(); // warm (and start the thread)
  console.log(`\nover HTTP, ${label}`);
  console.log("                                 bytes   median of 5   longest event-loop stall");
  for (const path of PATHS) {
    for (const fmt of ["json", "csv"]) {
      let bytes = 0;
      const runs: number[] = [];
      let stall = 0;
      for (let i = 0; i < 5; i++) {
        const r = await withStallProbe(async () => {
          const s = performance.now();
          const res = await app.request(url(path, fmt), { headers });
          if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
          const b = (await res.arrayBuffer()).byteLength;
          return { ms: performance.now() - s, b };
        });
        runs.push(r.out.ms);
        bytes = r.out.b;
        stall = Math.max(stall, r.stall);
      }
      const name = `${path.split("?")[0]}${path.includes("?") ? " (10y)" : ""} ${fmt}`;
      console.log(`${name.padEnd(28)} ${String(bytes).padStart(9)} ${median(runs).toFixed(1).padStart(10)} ms ${stall.toFixed(0).padStart(10)} ms`);
    }
  }
  // Everyone at once: every report twice, concurrently (a Monday morning).
  const burst = await withStallProbe(async () => {
    const s = performance.now();
    await Promise.all([...PATHS, ...PATHS].map(async (p) => (await app.request(url(p, "json"), { headers })).arrayBuffer()));
    return performance.now() - s;
  });
  console.log(`${"all five twice, at once".padEnd(28)} ${"".padStart(9)} ${burst.out.toFixed(1).padStart(10)} ms ${burst.stall.toFixed(0).padStart(10)} ms  (wall time for all ten)`);
}

await closeReportThreads();
deps.db.$client.close();
rmSync(dir, { recursive: true, force: true });
