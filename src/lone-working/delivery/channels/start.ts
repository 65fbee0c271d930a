// Every channel a sending process needs, started from the configuration: web push always,
// text and email when Notify is configured. The web process and the worker both call this, so
// a worker (RUN_SCHEDULER=false beside `npm run worker`) texts exactly as the web process would.
import type { Deps } from "../../../deps.js";
import { startNotify } from "./notify/index.js";
import { startPush } from "./push/start.js";

export async function startChannels(deps: Deps): Promise<void> {
  await startPush(deps);
  startNotify(deps);
}
