import { serve } from "@hono/node-server";
import { loadConfigOrExit } from "./config.js";
import { openDeps, ensureFirstAdmin } from "./bootstrap.js";
import { createApp } from "./app.js";
import { startScheduler } from "./alerts/scheduler.js";
import { startPush } from "./push/start.js";
import { followAlertChanges } from "./alerts/tail.js";

async function main() {
  const config = loadConfigOrExit();
  const deps = openDeps(config);
  await ensureFirstAdmin(deps);
  await startPush(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    deps.log.info({ port: info.port, url: config.PUBLIC_URL }, "Dutyline listening");
  });
  // The scheduler runs in this process unless RUN_SCHEDULER=false (then `npm run worker`).
  const scheduler = config.RUN_SCHEDULER ? startScheduler(deps) : undefined;
  if (scheduler) deps.wakeScheduler = () => scheduler.wake();
  // With the worker elsewhere, the live board learns of its escalations from the audit chain.
  const tail = scheduler ? undefined : followAlertChanges(deps);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    scheduler?.stop();
    tail?.stop();
    server.close(); // no new connections; open ones (the live board's streams) end with the process
    // Let sends in flight record their results, so they are not sent again after the restart.
    await Promise.race([scheduler?.idle(), new Promise((r) => setTimeout(r, 10_000).unref())]);
    deps.db.$client.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

void main();
