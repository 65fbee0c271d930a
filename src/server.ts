import { serve } from "@hono/node-server";
import { loadConfigOrExit } from "./config.js";
import { openDepsOrExit, ensureFirstAdmin } from "./bootstrap.js";
import { createApp } from "./app.js";
import { startScheduler, startStandby } from "./lone-working/escalation/scheduler.js";
import { retireHeartbeat } from "./lone-working/escalation/store.js";
import { startChannels } from "./lone-working/delivery/channels/start.js";
import { followAlertChanges } from "./lone-working/alerts/tail.js";

async function main() {
  const config = loadConfigOrExit();
  const deps = openDepsOrExit(config);
  await ensureFirstAdmin(deps);
  await startChannels(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    deps.log.info({ port: info.port, url: config.PUBLIC_URL }, "Dutyline listening");
  });
  // The scheduler runs in this process unless RUN_SCHEDULER=false (then `npm run worker`);
  // even then this process stands by, and takes over when no worker's heartbeat is seen.
  const scheduler = config.RUN_SCHEDULER ? startScheduler(deps) : startStandby(deps, { staleMs: config.SCHEDULER_STALE_SECONDS * 1000 });
  deps.wakeScheduler = () => scheduler.wake();
  // With the worker elsewhere, the live board learns of its escalations from the audit chain
  // (still after a takeover: a worker that comes back escalates alongside this process).
  const tail = config.RUN_SCHEDULER ? undefined : followAlertChanges(deps);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    scheduler.stop();
    tail?.stop();
    server.close(); // no new connections; open ones (the live board's streams) end with the process
    // Let sends in flight record their results, so they are not sent again after the restart.
    await Promise.race([scheduler.idle(), new Promise((r) => setTimeout(r, 10_000).unref())]);
    try {
      retireHeartbeat(deps); // a standby elsewhere need not wait out the window
    } catch {
      /* the heartbeat goes stale by itself */
    }
    deps.db.$client.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

void main();
