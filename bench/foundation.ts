// Foundation figures: appending to and verifying a large audit chain (years of a
// council's writes), and what one sign-in costs (Argon2id). Prints; asserts nothing.
// Run: TZ=UTC npx tsx bench/foundation.ts
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { FakeClock } from "../src/clock.js";
import { writeTx } from "../src/db/connection.js";
import { appendAudit, verifyChain, verifyChainAsync } from "../src/audit/store.js";
import { hashPassword, checkPassword } from "../src/auth/password.js";
import { withStallProbe } from "./stall.js";

const ROWS = 100_000;
const clock = new FakeClock("2026-11-24T12:00:00Z");
const deps = openDeps(loadConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" }), { clock, log: pino({ level: "silent" }) });

const ms = (t0: number) => (performance.now() - t0).toFixed(0).padStart(7) + " ms";

let t0 = performance.now();
const BATCH = 1000;
for (let i = 0; i < ROWS; i += BATCH) {
  writeTx(deps.db, (tx) => {
    for (let j = 0; j < BATCH; j++) {
      appendAudit(tx, { type: "staff", id: "bench" }, { action: "update", entity: "sickness", entityId: `rec-${i + j}`, data: { lastDay: "2026-11-20", n: i + j } }, clock.advance(1000));
    }
  });
}
console.log(`append ${ROWS} audit rows (in batches of ${BATCH}): ${ms(t0)}`);

t0 = performance.now();
writeTx(deps.db, (tx) => appendAudit(tx, { type: "staff", id: "bench" }, { action: "create", entity: "x", entityId: "y" }, clock.now()));
console.log(`append one more row (own transaction):          ${ms(t0)}`);

t0 = performance.now();
const r = verifyChain(deps.db);
console.log(`verify ${r.entries} rows (ok=${r.ok}):                 ${ms(t0)}`);

// The API's variant: the longest the event loop waits is one page.
t0 = performance.now();
const { stall } = await withStallProbe(() => verifyChainAsync(deps.db));
console.log(`verify via the API path (async):                ${ms(t0)}, longest event-loop stall ${stall.toFixed(0)} ms`);

const hash = await hashPassword("a long demo passphrase");
t0 = performance.now();
const N = 10;
for (let i = 0; i < N; i++) await checkPassword(hash, "a long demo passphrase");
console.log(`one password check (Argon2id, mean of ${N}):         ${((performance.now() - t0) / N).toFixed(0).padStart(7)} ms`);
