// One process of a race (see file-db.ts raceProcesses): its own connection to the file
// database, its own RUN_ID. Waits for "go", then either appends N audit rows, each in its
// own write transaction, or runs one startSends pass with a push sender that records what
// it was asked to send. Sends its result to the parent over IPC.
import pino from "pino";
import { FakeClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import { writeTx } from "../../src/db/connection.js";
import { appendAudit } from "../../src/audit/store.js";
import { heartbeat } from "../../src/lone-working/escalation/pass.js";
import { startSends } from "../../src/lone-working/delivery/index.js";
import type { PushOutcome, PushPayload } from "../../src/lone-working/delivery/channels/push/types.js";

const [mode, path, label, nText, start] = process.argv.slice(2) as [string, string, string, string, string];
const deps = openDeps(loadConfig({ DATABASE_PATH: path, LOG_LEVEL: "silent", PUBLIC_URL: "http://localhost:3000" }), {
  clock: new FakeClock(start),
  log: pino({ level: "silent" }),
});
const sent: string[] = [];
deps.push = {
  async sendToStaff(_staffId: string, payload: PushPayload): Promise<PushOutcome> {
    sent.push(payload.notificationId!);
    return { accepted: 1, failed: 0, removed: 0, noSubscription: false };
  },
};
// Both claimers beat first: each sees the other's claims as a live process's, never as a dead one's to take back.
if (mode === "claim") heartbeat(deps);

process.on("message", async () => {
  const ids: (string | number)[] = [];
  if (mode === "append") {
    const n = Number(nText);
    for (let i = 0; i < n; i++) {
      writeTx(deps.db, (tx) => appendAudit(tx, { type: "system", job: label }, { action: "race", entity: "test", entityId: `${label}-${i}` }, deps.clock.now()));
    }
  } else {
    await (await startSends(deps)).done;
    ids.push(...sent);
  }
  deps.db.$client.close();
  process.send!({ result: { label, ids } }, () => process.exit(0));
});
process.send!({ ready: true });
