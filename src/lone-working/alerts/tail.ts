// When the escalation worker runs in its own process (`npm run worker`), its
// alert changes never pass through this process's event bus. The web tier then
// follows the audit chain instead: every alert change is an audit row written in
// the same transaction, so new alert rows in it are exactly what the live board
// must hear about. Polling one indexed range a second costs next to nothing.
import type { Deps } from "../../deps.js";
import { alertsStore } from "./store.js";

export interface AlertTail {
  /** Publish what changed since the last look; resolves to how many events went out. */
  poll(): Promise<number>;
  stop(): void;
}

export function followAlertChanges(deps: Deps, everyMs = 1000): AlertTail {
  const store = alertsStore(deps.db);
  // From the chain's head now: only what changes after the tail starts is news.
  let last = 0;
  const started = store.lastSeq().then((seq) => {
    last = seq;
  });

  const poll = async (): Promise<number> => {
    await started;
    const { last: seen, changes } = await store.systemChangesSince(last);
    last = seen;
    for (const { action, ...a } of changes) {
      deps.events.publish({ type: "alert", data: { ...a, change: action === "raise" ? "raised" : "escalated" } });
    }
    return changes.length;
  };

  const timer = setInterval(() => {
    poll().catch((e) => deps.log.error({ err: e }, "alert tail: could not read the audit log"));
  }, everyMs);
  timer.unref();
  return { poll, stop: () => clearInterval(timer) };
}
