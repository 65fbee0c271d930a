// Outside review of issue 9's claim code: a send claimed in a pass's own transaction is
// this live process's for good (no one takes a live claim back), so nothing between the
// commit and the start of the send may stop it from going.
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { advance } from "../../src/alerts/engine.js";
import { notifications } from "../../src/alerts/schema.js";
import { escalationSetup } from "./setup.js";

it("a live-board listener that throws does not leave the pass's claimed sends unsent for the life of the process", async () => {
  const s = await escalationSetup();
  await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "1 Listener Rd" }, expectedEnd: s.at(10) });
  s.e.clock.advanceMinutes(16); // worker, duty manager and step 2 due
  const off = s.e.deps.events.subscribe(() => {
    throw new Error("a subscriber's bug");
  });
  const sends: Promise<number>[] = [];
  try {
    // As the scheduler runs a pass: what each chunk queues is claimed in its transaction.
    advance(s.e.deps, { onDutyAt: s.rota.onDutyAt }, (done) => sends.push(done));
  } catch {
    /* the scheduler logs a failed pass and goes on */
  } finally {
    off();
  }
  await Promise.all(sends);
  // Later passes of the same (live) process.
  for (let i = 0; i < 3; i++) {
    s.e.clock.advance(15_000);
    await s.run();
  }
  expect(s.push.to(s.m1.id).length).toBeGreaterThan(0);
  expect(s.e.deps.db.select().from(notifications).where(eq(notifications.status, "sending")).all()).toEqual([]);
});
