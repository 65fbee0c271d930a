// Review D5: send results that fail to save must not stay "sending" for the life of
// the process: the write is tried again, and results the database still refuses are kept
// and written by a later pass. Issue 9: a row is sent at most once by a live process, so
// its own claim is never taken back and sent again (only a dead process's is).
import { expect, it } from "vitest";
import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { RUN_ID } from "../../src/lone-working/delivery/index.js";
import type { PushOutcome, PushPayload } from "../../src/lone-working/delivery/channels/push/types.js";
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

it("results the database refuses for longer than the retries are kept and written by a later pass, never sent again", async () => {
  const s = await escalationSetup();
  const push = s.e.deps.push;
  s.e.deps.push = {
    async sendToStaff(staffId: string, payload: PushPayload): Promise<PushOutcome> {
      // The database goes read-only for this connection while the sends are out.
      s.e.deps.db.$client.pragma("query_only = ON");
      return push.sendToStaff(staffId, payload);
    },
  };
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "x" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(16);
  await s.run(); // every results write fails (4 tries); the run still ends
  s.e.deps.db.$client.pragma("query_only = OFF");
  const sending = s.e.deps.db.select().from(notifications).where(eq(notifications.status, "sending")).all();
  expect(sending.length).toBeGreaterThan(0);
  expect(sending.every((n) => n.claimedBy === RUN_ID)).toBe(true);
  s.e.deps.push = push;
  s.push.clear();
  s.e.clock.advance(120_000); // long past any claim timeout: still this live process's claim
  await s.run();
  const again = new Set(sending.map((n) => n.id));
  expect(s.push.sent.filter((x) => again.has(x.payload.notificationId!))).toEqual([]);
  expect(s.e.deps.db.select().from(notifications).where(eq(notifications.status, "sending")).all()).toEqual([]);
  for (const n of sending) expect(s.e.deps.db.select().from(notifications).where(eq(notifications.id, n.id)).get()!.status).toBe("sent");
}, 15_000);
