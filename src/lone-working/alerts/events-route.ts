// GET /api/events: server-sent events for the live board. Managers see every
// change; anyone else only changes to their own visits; the worker an alert is
// about never hears of a duress alarm or what follows from it.
import { streamSSE } from "hono/streaming";
import type { Context } from "hono";
import type { AppEnv } from "../../deps.js";
import type { LiveEvent } from "../../events.js";
import { isManager, workerMaySee } from "./rules.js";

export function eventStream(c: Context<AppEnv>) {
  const deps = c.get("deps");
  const user = c.get("user")!;
  const manager = isManager(user);
  const visible = (e: LiveEvent) => {
    const aboutMe = e.data.staffId === user.id;
    if (e.type !== "alert") return manager || aboutMe;
    if (aboutMe) return workerMaySee(e.data.reason as string | undefined);
    return manager;
  };
  return streamSSE(c, async (stream) => {
    const queue: LiveEvent[] = [];
    let wake: (() => void) | undefined;
    const off = deps.events.subscribe((e) => {
      if (!visible(e)) return;
      queue.push(e);
      wake?.();
    });
    stream.onAbort(() => {
      off();
      wake?.();
    });
    await stream.writeSSE({ event: "ready", data: "{}" });
    let n = 0;
    while (!stream.aborted && !stream.closed) {
      const e = queue.shift();
      if (e) {
        await stream.writeSSE({ event: e.type, data: JSON.stringify(e.data), id: String(++n) });
        continue;
      }
      // Wait for an event, or 25 s for a heartbeat that keeps proxies from closing the stream.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 25_000);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
      if (queue.length === 0 && !stream.aborted) await stream.write(": ping\n\n");
    }
    off();
  });
}
