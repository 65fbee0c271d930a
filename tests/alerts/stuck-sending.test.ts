// Review D5: send results that fail to save must not stay "sending" for the life of
// the process: the write is tried again, and a claim older than STALE_CLAIM_MS is taken
// back whoever holds it.
import { expect, it } from "vitest";
import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { notifications } from "../../src/alerts/schema.js";
import { RUN_ID, STALE_CLAIM_MS } from "../../src/alerts/engine.js";
import type { PushOutcome, PushPayload } from "../../src/push/types.js";
import { escalationSetup } from "./setup.js";

it("the results write fails once (another process holds the lock): it is tried again and nothing stays sending", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "dutyline-stuck-")), "db.sqlite");
  const s = await escalationSetup({}, { DATABASE_PATH: path });
  s.e.deps.db.$client.pragma("busy_timeout = 50"); // fail fast instead of waiting 5 s
  let lockOnce = true;
  s.e.deps.push = {
    async sendToStaff(staffId: string, _payload: PushPayload): Promise<PushOutcome> {
      if (staffId === s.m1.id && lockOnce) {
        lockOnce = false;
        const other = new Database(path);
        other.exec("BEGIN IMMEDIATE");
        setTimeout(() => {
          other.exec("COMMIT");
          other.close();
        }, 100);
      }
      return { accepted: 1, failed: 0, removed: 0, noSubscription: false };
    },
  };
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "x" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(16);
  await s.run();
  const rows = s.e.deps.db.select().from(notifications).all();
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.filter((n) => n.status === "sending")).toEqual([]);
  expect(lockOnce).toBe(false);
}, 15_000);

it("a row left sending by this live process is taken back after STALE_CLAIM_MS and sent again", async () => {
  const s = await escalationSetup();
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "x" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(16);
  await s.run();
  const n = s.e.deps.db.select().from(notifications).where(eq(notifications.staffId, s.m1.id)).get()!;
  // As if its results write had failed for good: still "sending", claimed by us (alive).
  s.e.deps.db.update(notifications).set({ status: "sending", claimedBy: RUN_ID, claimedAt: s.e.clock.now(), sentAt: null }).where(eq(notifications.id, n.id)).run();
  s.push.clear();
  s.e.clock.advance(STALE_CLAIM_MS - 1000);
  await s.run();
  expect(s.push.to(s.m1.id).filter((x) => x.payload.notificationId === n.id)).toHaveLength(0);
  s.e.clock.advance(2000);
  await s.run();
  expect(s.push.to(s.m1.id).filter((x) => x.payload.notificationId === n.id)).toHaveLength(1);
  expect(s.e.deps.db.select().from(notifications).where(eq(notifications.id, n.id)).get()!.status).toBe("sent");
});
