// The escalation worker as its own process (`npm run worker`), so the web tier
// can restart without pausing alerts. Safe beside the scheduler inside `npm start`
// and beside other workers: each step's unique key lets only one of them fire it.
// A web tier with RUN_SCHEDULER=false watches this worker's heartbeat and takes over
// escalation when it stops.
import { loadConfigOrExit } from "../src/config.js";
import { openDepsOrExit } from "../src/bootstrap.js";
import { startChannels } from "../src/lone-working/delivery/channels/start.js";
import { startScheduler } from "../src/lone-working/escalation/scheduler.js";
import { retireHeartbeat } from "../src/lone-working/escalation/store.js";

async function main() {
  const config = loadConfigOrExit();
  const deps = openDepsOrExit(config);
  await startChannels(deps);
  const scheduler = startScheduler(deps);
  deps.wakeScheduler = () => scheduler.wake();
  deps.log.info({ pid: process.pid }, "escalation worker running");
  const shutdown = () => {
    scheduler.stop();
    void scheduler.idle().then(() => {
      try {
        retireHeartbeat(deps); // the web tier takes over at once rather than after the window
      } catch {
        /* the heartbeat goes stale by itself */
      }
      deps.db.$client.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

void main();
