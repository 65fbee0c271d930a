// The escalation worker as its own process (`npm run worker`), so the web tier
// can restart without pausing alerts. Safe beside the scheduler inside `npm start`
// and beside other workers: each step's unique key lets only one of them fire it.
import { loadConfigOrExit } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { startPush } from "../src/push/start.js";
import { startScheduler } from "../src/alerts/scheduler.js";

async function main() {
  const config = loadConfigOrExit();
  const deps = openDeps(config);
  await startPush(deps);
  const scheduler = startScheduler(deps);
  deps.wakeScheduler = () => scheduler.wake();
  deps.log.info({ pid: process.pid }, "escalation worker running");
  const shutdown = () => {
    scheduler.stop();
    void scheduler.idle().then(() => {
      deps.db.$client.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

void main();
