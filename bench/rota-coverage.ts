// Coverage for a year of three rotas (AMHP days, AMHP nights/weekends, manager
// cover) staffed by 30 people through rotation, on an in-memory database: the
// time to compute each rota's gaps and conflicts for the whole year, and the cost
// of the on-duty lookup the escalation ladder makes. Prints figures; asserts nothing.
//
//   TZ=UTC npx tsx bench/rota-coverage.ts
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { FakeClock } from "../src/clock.js";
import { writeTx } from "../src/db/connection.js";
import { staff } from "../src/staff/schema.js";
import { amhpApprovals, trainingRecords } from "../src/hr/schema.js";
import { addPattern, coverage, createRota, rotation } from "../src/rota/service.js";
import { onDutyAt, uncoveredIntervals } from "../src/rota/store/tx.js";
import { rotaStore } from "../src/rota/store/rotas.js";

const config = loadConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" });
const deps = openDeps(config, { clock: new FakeClock("2026-01-01T12:00:00Z"), log: pino({ level: "silent" }) });
const actor = { type: "system", job: "bench" } as const;
const tz = config.TZ_LOCAL;
const now = deps.clock.now();

// 30 staff: 20 AMHPs (with approvals and training) and 10 managers.
const ids = writeTx(deps.db, (tx) =>
  Array.from({ length: 30 }, (_, i) => {
    const isAmhp = i < 20;
    const row = tx
      .insert(staff)
      .values({ name: `Person ${i}`, email: `p${i}@bench.example`, roles: isAmhp ? ["amhp"] : ["manager"], createdAt: now })
      .returning()
      .get();
    if (isAmhp) {
      tx.insert(amhpApprovals).values({ staffId: row.id, validFrom: "2025-06-01", validUntil: "2030-05-31", recordedAt: now, recordedBy: "bench" }).run();
      tx.insert(trainingRecords).values({ staffId: row.id, date: "2026-02-01", hours: 20, topic: "law", recordedAt: now, recordedBy: "bench" }).run();
    }
    return row.id;
  }),
);
const amhps = ids.slice(0, 20);
const managers = ids.slice(20);

const days = await createRota(deps, actor, { name: "AMHP days", kind: "amhp_duty", requiredStaff: 2 });
await addPattern(deps, actor, days.id, { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", startTime: "09:00", durationMinutes: 480, startsOn: "2026-01-01", skipBankHolidays: true });
const nights = await createRota(deps, actor, { name: "AMHP nights", kind: "amhp_duty" });
await addPattern(deps, actor, nights.id, { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 960, startsOn: "2026-01-01" });
await addPattern(deps, actor, nights.id, { rrule: "FREQ=WEEKLY;BYDAY=SA,SU", startTime: "09:00", durationMinutes: 480, startsOn: "2026-01-01", addBankHolidays: true });
const cover = await createRota(deps, actor, { name: "Manager cover", kind: "manager_cover" });
await addPattern(deps, actor, cover.id, { rrule: "FREQ=DAILY", startTime: "17:00", durationMinutes: 960, startsOn: "2026-01-01" });
await addPattern(deps, actor, cover.id, { rrule: "FREQ=WEEKLY;BYDAY=SA,SU", startTime: "09:00", durationMinutes: 480, startsOn: "2026-01-01", addBankHolidays: true });

const from = new Date("2026-01-01T00:00:00Z");
const to = new Date("2027-01-01T00:00:00Z");
let t = performance.now();
let made = 0;
made += (await rotation(deps, actor, days.id, { from, to, staffIds: amhps.slice(0, 10) })).assignments.length;
made += (await rotation(deps, actor, nights.id, { from, to, staffIds: amhps.slice(10) })).assignments.length;
made += (await rotation(deps, actor, cover.id, { from, to, staffIds: managers })).assignments.length;
console.log(`rotation: ${made} assignments for a year of 3 rotas in ${(performance.now() - t).toFixed(0)} ms`);

for (let run = 0; run < 3; run++) {
  t = performance.now();
  let gaps = 0;
  let conflicts = 0;
  for (const r of [days, nights, cover]) {
    const c = await coverage(deps.db, r.id, from, to, tz);
    gaps += c.gaps.length;
    conflicts += c.conflicts.length;
  }
  console.log(`coverage (run ${run + 1}): a year of 3 rotas, 30 staff: ${(performance.now() - t).toFixed(1)} ms (${gaps} gaps, ${conflicts} conflicts)`);
}

t = performance.now();
const gaps = uncoveredIntervals(deps.db, "manager_cover", from, to);
console.log(`uncoveredIntervals(manager_cover, a year): ${(performance.now() - t).toFixed(1)} ms (${gaps.length} intervals)`);

const N = 10_000;
t = performance.now();
for (let i = 0; i < N; i++) onDutyAt(deps.db, new Date(from.getTime() + ((i * 7_919_000) % (to.getTime() - from.getTime()))));
console.log(`onDutyAt: ${(((performance.now() - t) / N) * 1000).toFixed(1)} µs per lookup (${N} lookups)`);

// The same lookup through the rota store's async method (what GET /api/on-duty calls).
const store = rotaStore(deps.db);
t = performance.now();
for (let i = 0; i < N; i++) await store.onDutyAt(new Date(from.getTime() + ((i * 7_919_000) % (to.getTime() - from.getTime()))));
console.log(`rotaStore.onDutyAt (async): ${(((performance.now() - t) / N) * 1000).toFixed(1)} µs per lookup (${N} lookups)`);
