// Issue 9: killed before a visit fell due (nothing in flight), started after the manager
// steps' times: each phone must get the alarm exactly once. Counted at the push receiver
// per notification row and per (phone, alert): the duplicate seen was two rows, the duty
// manager step and the all-managers step fired in the same catch-up pass, each pushing
// the same text to the same phone (same Topic) within milliseconds.
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { api, cleanup, kill9, makeWorld, sleep, startServer, subscribeAll, type World } from "./harness.js";
import { decryptFor } from "../push/push-receiver.js";

const LADDER = [
  { afterSeconds: 0, notify: "worker" as const },
  { afterSeconds: 2, notify: "duty_manager" as const },
  { afterSeconds: 3, notify: "all_managers" as const },
  { afterSeconds: 60, notify: "senior" as const, repeatEverySeconds: 60 },
];

let world: World | undefined;
afterEach(async () => {
  if (world) await cleanup(world);
  world = undefined;
});

describe("restart after a visit fell due", () => {
  it("each step's push leaves once per phone, with nothing in flight at the kill", async () => {
    const w = (world = await makeWorld(LADDER));
    let server = await startServer(w);
    await subscribeAll(w);
    const due = new Date(Date.now() + 2000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api(w, w.worker, "POST", "/api/visits", { purpose: "mha_assessment", location: { address: `${i} Restart Row` }, expectedEnd: due.toISOString() });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    await kill9(server); // before anything is due: no alert, nothing sending
    expect(w.deps.db.select().from(notifications).all()).toEqual([]);
    await sleep(Math.max(0, due.getTime() + 4000 - Date.now())); // past both manager steps
    server = await startServer(w);
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline && w.deps.db.select().from(notifications).where(eq(notifications.status, "sent")).all().length < ids.length * 3) await sleep(100);
    await sleep(1500); // a second copy, if any, arrives within this (seen 4-830 ms apart)

    const rows = w.deps.db.select().from(notifications).all();
    // The worker (step 0), the duty manager and the senior list (step 2, which also covers step 1) per visit.
    expect(rows).toHaveLength(ids.length * 3);
    const perRow = new Map<string, number>();
    const perPhoneAlert = new Map<string, number[]>();
    for (const r of w.receiver.requests) {
      const p = decryptFor(r.path, r.body);
      perRow.set(p.notificationId, (perRow.get(p.notificationId) ?? 0) + 1);
      const k = `${r.path} ${r.headers.topic}`;
      perPhoneAlert.set(k, [...(perPhoneAlert.get(k) ?? []), r.at]);
    }
    expect([...perRow.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...perPhoneAlert.entries()].filter(([, at]) => at.length !== 1).map(([k, at]) => `${k}: ${at.map((t) => t - at[0]!).join(", ")} ms`)).toEqual([]);
    expect(rows.map((r) => perRow.get(r.id) ?? 0)).toEqual(rows.map(() => 1));
  }, 45_000);
});
