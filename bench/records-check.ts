// Records against the chain (src/audit/records-check.ts) over a large history:
// 100,000 HR records each created and a tenth of them corrected, then the chain walk
// alone, the records check alone, and both through the API's async path with its
// longest event-loop stall. Prints; asserts nothing.
// Run: TZ=UTC npx tsx bench/records-check.ts
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { FakeClock } from "../src/clock.js";
import { writeTx } from "../src/db/connection.js";
import { verifyChain } from "../src/audit/store.js";
import { checkRecords, verifyAuditAndRecordsAsync } from "../src/audit/records-check.js";
import type { RecordRow } from "../src/hr/records.js";
import { insertRecord, updateRecord } from "../src/hr/store/records.js";
import { createStaff } from "../src/staff/service.js";
import { withStallProbe } from "./stall.js";

const ROWS = Number(process.env.ROWS ?? 100_000);
const clock = new FakeClock("2026-11-24T12:00:00Z");
const deps = openDeps(loadConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }), { clock, log: pino({ level: "silent" }) });
const ms = (t0: number) => (performance.now() - t0).toFixed(0).padStart(7) + " ms";

const person = await createStaff(deps, { type: "system", job: "bench" }, { name: "Bench Person", email: "bench@example.org", roles: ["amhp"], team: "North" });
const actor = { type: "staff" as const, id: person.id };
let t0 = performance.now();
const BATCH = 1000;
for (let i = 0; i < ROWS; i += BATCH) {
  writeTx(deps.db, (tx) => {
    for (let j = 0; j < BATCH; j++) {
      const now = clock.advance(1000);
      const row = insertRecord<RecordRow>(tx, "training", { staffId: person.id, date: "2026-11-20", hours: 2, topic: `Course ${i + j}`, recordedAt: now, recordedBy: person.id, late: false, lateEntryReason: null }, actor, now);
      if ((i + j) % 10 === 0) updateRecord(tx, "training", row, { hours: 3 }, { reason: "Ran an hour over", today: "2026-11-24" }, actor, now);
    }
  });
}
console.log(`write ${ROWS} records (+${ROWS / 10} corrections):       ${ms(t0)}`);

t0 = performance.now();
const chain = verifyChain(deps.db);
console.log(`chain walk alone, ${chain.entries} entries:            ${ms(t0)}`);
t0 = performance.now();
const rec = checkRecords(deps.db, chain.head!.seq);
console.log(`records check alone, ${rec.checked} rows (${rec.mismatchCount} mismatches): ${ms(t0)}`);

t0 = performance.now();
const { out: all, stall } = await withStallProbe(() => verifyAuditAndRecordsAsync(deps.db));
console.log(`both via the API path (async, ok=${all.ok}):          ${ms(t0)}, longest event-loop stall ${stall.toFixed(0)} ms`);
