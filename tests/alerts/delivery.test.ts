// Delivery of notifications: each person hears of an alarm once per firing (issue 9 "the
// same step is pushed twice after a restart"), a notification is claimed by one
// conditional statement, a live process never sends one of its rows twice, and a send it
// claimed always goes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { alertSteps, schedulerRuns } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { advance } from "../../src/lone-working/escalation/pass.js";
import { raiseAlert } from "../../src/lone-working/escalation/store.js";
import { RUN_ID, deliveryStore, enqueue, reachable, readClaimable, registerChannel, sendQueued, takeClaims, type Channel } from "../../src/lone-working/delivery/index.js";
import { pushSubscriptions } from "../../src/lone-working/delivery/channels/push/schema.js";
import { writeTx } from "../../src/db/connection.js";
import type { PushOutcome, PushPayload, SendOptions } from "../../src/lone-working/delivery/channels/push/types.js";
import { createPushSender } from "../../src/lone-working/delivery/channels/push/sender.js";
import { loadOrCreateVapidKeys } from "../../src/lone-working/delivery/channels/push/vapid.js";
import { startPushReceiver, type PushReceiver } from "../push/push-receiver.js";
import { testEnv } from "../helpers.js";
import { escalationSetup } from "./setup.js";

describe("one push per person per firing", () => {
  it("an outage that leaves several steps due tells the duty manager once (the later step), not once per step", async () => {
    const s = await escalationSetup();
    await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "1 Outage Rd" }, expectedEnd: s.at(10) });
    // Down from before the visit fell due until after step 2 (15 min): steps 0, 1 and 2 are due at once.
    s.e.clock.advanceMinutes(10 + 16);
    await s.run();
    const steps = s.e.deps.db.select().from(alertSteps).all();
    expect(steps.map((x) => x.step).sort()).toEqual([0, 1, 2]); // every step still fires (and is audited) ...
    expect(steps.find((x) => x.step === 1)!.targets).toEqual([s.m1.id]);
    // ... but each phone gets one push for the alert: m1 (steps 1 and 2) only step 2's.
    expect(s.push.to(s.m1.id)).toHaveLength(1);
    expect(s.push.to(s.senior.id)).toHaveLength(1);
    expect(s.push.to(s.worker.id)).toHaveLength(1);
    const m1Rows = s.e.deps.db.select().from(notifications).where(eq(notifications.staffId, s.m1.id)).all();
    expect(m1Rows.map((n) => n.step)).toEqual([2]);
    // A later pass at the same moment sends nothing more.
    await s.run();
    expect(s.push.sent).toHaveLength(3);
  });

  it("steps due at different passes still each reach the manager (one push per firing, not per alert)", async () => {
    const s = await escalationSetup();
    await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "2 Outage Rd" }, expectedEnd: s.at(10) });
    s.e.clock.advanceMinutes(15);
    await s.run(); // steps 0 and 1
    s.e.clock.advanceMinutes(10);
    await s.run(); // step 2
    expect(s.push.to(s.m1.id).map((x) => x.payload.title)).toHaveLength(2);
  });
});

describe("claims", () => {
  it("a row is claimed by one conditional UPDATE: one that another live process claimed after our read is not sent", async () => {
    const s = await escalationSetup();
    await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "3 Claim St" }, expectedEnd: s.at(10) });
    s.e.clock.advanceMinutes(10);
    // Queue without claiming (as a web tier would), then read what is claimable.
    const { advanceDue, sweepMissed } = await import("../../src/lone-working/escalation/pass.js");
    await sweepMissed(s.e.deps, s.e.clock.now(), { fire: { onDutyAt: s.rota.onDutyAt } });
    await advanceDue(s.e.deps, s.e.clock.now(), { onDutyAt: s.rota.onDutyAt });
    const now = s.e.clock.now();
    const seen = readClaimable(s.e.deps, now, 100);
    expect(seen).toHaveLength(1);
    // Another process (alive: it beats) claims it between our read and our claim.
    s.e.deps.db.insert(schedulerRuns).values({ id: "other-run", pid: 1, startedAt: now, heartbeatAt: now }).run();
    s.e.deps.db.update(notifications).set({ status: "sending", claimedBy: "other-run", claimedAt: now, attempts: 1 }).where(eq(notifications.id, seen[0]!.n.id)).run();
    expect(takeClaims(s.e.deps, seen, now)).toEqual([]);
    const row = s.e.deps.db.select().from(notifications).where(eq(notifications.id, seen[0]!.n.id)).get()!;
    expect(row).toMatchObject({ status: "sending", claimedBy: "other-run", attempts: 1 });
    // A claim of a process that stopped beating is taken back, once.
    s.e.clock.advance(20_000);
    const later = s.e.clock.now();
    const again = readClaimable(s.e.deps, later, 100);
    expect(again.map((r) => r.n.id)).toEqual([row.id]);
    expect(takeClaims(s.e.deps, again, later).map((r) => r.n.id)).toEqual([row.id]);
    expect(takeClaims(s.e.deps, again, later)).toEqual([]); // the same read claims nothing twice
    expect(s.e.deps.db.select().from(notifications).where(eq(notifications.id, row.id)).get()).toMatchObject({ claimedBy: RUN_ID, attempts: 2 });
  });

  it("a dead process's claim on an alert acknowledged since is cancelled by the same conditional statement, not sent", async () => {
    const s = await escalationSetup();
    await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "3a Claim St" }, expectedEnd: s.at(10) });
    s.e.clock.advanceMinutes(16);
    const { advance } = await import("../../src/lone-working/escalation/pass.js");
    await advance(s.e.deps, { onDutyAt: s.rota.onDutyAt }); // queued, not sent
    const n = s.e.deps.db.select().from(notifications).where(eq(notifications.staffId, s.m1.id)).get()!;
    // A process claimed it and died mid-send; then m1 acknowledged.
    s.e.deps.db.update(notifications).set({ status: "sending", claimedBy: "dead-run", claimedAt: s.e.clock.now(), attempts: 1 }).where(eq(notifications.id, n.id)).run();
    const alertId = n.alertId;
    expect((await s.m1.client.post(`/api/alerts/${alertId}/acknowledge`)).status).toBe(200);
    const now = s.e.clock.now();
    const seen = readClaimable(s.e.deps, now, 100).filter((r) => r.n.id === n.id);
    expect(seen).toHaveLength(1);
    expect(takeClaims(s.e.deps, seen, now)).toEqual([]);
    expect(s.e.deps.db.select().from(notifications).where(eq(notifications.id, n.id)).get()!.status).toBe("cancelled");
  });

  it("a row this live process claimed is never sent again by it, however long its result takes to record", async () => {
    const s = await escalationSetup();
    await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "4 Claim St" }, expectedEnd: s.at(10) });
    s.e.clock.advanceMinutes(16);
    await s.run();
    const n = s.e.deps.db.select().from(notifications).where(eq(notifications.staffId, s.m1.id)).get()!;
    // As if its results write had failed for good: still "sending", claimed by us (alive).
    s.e.deps.db.update(notifications).set({ status: "sending", claimedBy: RUN_ID, claimedAt: s.e.clock.now(), sentAt: null }).where(eq(notifications.id, n.id)).run();
    s.push.clear();
    for (const ms of [1000, 30_000, 120_000]) {
      s.e.clock.advance(ms);
      await s.run();
    }
    expect(s.push.to(s.m1.id).filter((x) => x.payload.notificationId === n.id)).toHaveLength(0);
  });

  it("a send whose claim another process took back (this one stalled past its heartbeat) is not made", async () => {
    const s = await escalationSetup();
    const made: string[] = [];
    s.e.deps.push = {
      async sendToStaff(staffId: string, payload: PushPayload, opts?: SendOptions): Promise<PushOutcome> {
        if (staffId === s.m1.id) {
          // While this send waited its turn, the event loop stalled and another process took the claim.
          s.e.deps.db.update(notifications).set({ claimedBy: "taker", claimedAt: s.e.clock.now() }).where(eq(notifications.id, payload.notificationId!)).run();
          await Promise.resolve();
        }
        if (opts?.stillWanted && !opts.stillWanted()) return { accepted: 0, failed: 1, removed: 0, noSubscription: false };
        made.push(staffId);
        return { accepted: 1, failed: 0, removed: 0, noSubscription: false };
      },
    };
    await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "5 Claim St" }, expectedEnd: s.at(10) });
    s.e.clock.advanceMinutes(16);
    await s.run();
    expect(made).not.toContain(s.m1.id);
    expect(made).toContain(s.worker.id); // the other sends of the batch went
    // Its result is the taker's to record: this process leaves the row alone.
    const row = s.e.deps.db.select().from(notifications).where(eq(notifications.staffId, s.m1.id)).get()!;
    expect(row).toMatchObject({ status: "sending", claimedBy: "taker" });
  });
});

describe("the sender asks before the first request, not only before retries", () => {
  let rx: PushReceiver;
  beforeAll(async () => {
    rx = await startPushReceiver();
  });
  afterAll(async () => {
    await rx.close();
  });

  it("stillWanted false when its turn comes: nothing leaves", async () => {
    const env = await testEnv({ PUSH_ALLOWED_HOSTS: `127.0.0.1:${rx.port}` });
    const p = await env.person({ roles: ["manager"] });
    expect((await p.client.post("/api/push/subscriptions", rx.makeSubscription())).status).toBe(201);
    const sender = createPushSender(env.deps, { keys: loadOrCreateVapidKeys(env.deps), ca: rx.ca, sleep: async () => {} });
    try {
      const before = rx.requests.length;
      const out = await sender.sendToStaff(p.id, { title: "t", body: "b", url: "http://localhost:3000/" }, { stillWanted: () => false });
      expect(out.accepted).toBe(0);
      expect(rx.requests.length).toBe(before);
      await sender.sendToStaff(p.id, { title: "t", body: "b", url: "http://localhost:3000/" }, { stillWanted: () => true });
      expect(rx.requests.length).toBe(before + 1);
    } finally {
      sender.close();
    }
  });
});

// From the outside review of issue 9's claim code: a send claimed in a pass's own transaction
// is this live process's for good (no one takes a live claim back), so nothing between the
// commit and the start of the send may stop it from going.
describe("a claimed send always goes", () => {
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
      await advance(s.e.deps, { onDutyAt: s.rota.onDutyAt }, (done) => sends.push(done));
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
});

// Issue 10: channels behind one interface. Each row goes by the channel its `channel` column
// names; the unique key includes the channel; what a person "has" is each channel's answer.
describe("channels", () => {
  /** A second channel that records what it was given and answers as told. */
  function fakeChannel(name: string, answer: (staffId: string) => "sent" | "failed" | "never" = () => "sent") {
    const got: { staffId: string; url: string; title: string }[] = [];
    const reach = new Set<string>();
    const channel: Channel = {
      name,
      reaches: (_tx, ids) => new Set(ids.filter((id) => reach.has(id))),
      async send(_deps, batch, done) {
        for (const m of batch) {
          got.push({ staffId: m.n.staffId, url: m.url, title: m.n.title });
          const a = answer(m.n.staffId);
          if (a !== "never") done({ id: m.n.id, status: a });
        }
      },
    };
    return { channel, got, reach };
  }

  async function panicWithRows(channels: string[]) {
    const s = await escalationSetup();
    const now = s.e.clock.now();
    const alert = writeTx(s.e.deps.db, (tx) => {
      const a = raiseAlert(tx, { reason: "panic", triggerKey: `channels:${channels.join()}`, visitId: null, staffId: s.worker.id, baseAt: now, startStep: 3 }, now)!;
      for (const channel of channels) enqueue(tx, { alertId: a.id, purpose: "ladder", step: 3, repeat: 0, staffIds: [s.m1.id], title: "Panic", body: "b", channel }, now);
      return a;
    });
    return { s, alert };
  }

  it("a row goes by its own channel, and one person may be told of one step by two channels (the unique key includes the channel)", async () => {
    const fake = fakeChannel("text");
    const off = registerChannel(fake.channel);
    try {
      const { s, alert } = await panicWithRows(["push", "text", "push", "text"]);
      const rows = s.e.deps.db.select().from(notifications).where(eq(notifications.alertId, alert.id)).all();
      expect(rows.map((r) => r.channel).sort()).toEqual(["push", "text"]); // once per channel
      expect(await sendQueued(s.e.deps)).toBe(2);
      expect(s.push.to(s.m1.id)).toHaveLength(1);
      expect(fake.got).toEqual([{ staffId: s.m1.id, url: `${s.e.deps.config.PUBLIC_URL.replace(/\/$/, "")}/alerts/${alert.id}`, title: "Panic" }]);
      const after = s.e.deps.db.select().from(notifications).where(eq(notifications.alertId, alert.id)).all();
      expect(after.map((r) => r.status)).toEqual(["sent", "sent"]);
    } finally {
      off();
    }
  });

  it("a channel's failure is its rows' alone; a row naming no known channel fails (recorded) and stops nothing", async () => {
    const fake = fakeChannel("text", () => "failed");
    const off = registerChannel(fake.channel);
    try {
      const { s, alert } = await panicWithRows(["push", "text", "pigeon"]);
      expect(await sendQueued(s.e.deps)).toBe(3);
      const by = Object.fromEntries(s.e.deps.db.select().from(notifications).where(eq(notifications.alertId, alert.id)).all().map((r) => [r.channel, r.status]));
      expect(by).toEqual({ push: "sent", text: "failed", pigeon: "failed" });
      expect(s.e.deps.db.select().from(notifications).where(eq(notifications.status, "sending")).all()).toEqual([]);
    } finally {
      off();
    }
  });

  it("a row a channel never answers counts as failed when the channel's promise settles", async () => {
    const fake = fakeChannel("text", () => "never");
    const off = registerChannel(fake.channel);
    try {
      const { s, alert } = await panicWithRows(["text"]);
      expect(await sendQueued(s.e.deps)).toBe(1);
      expect(s.e.deps.db.select().from(notifications).where(eq(notifications.alertId, alert.id)).get()!.status).toBe("failed");
    } finally {
      off();
    }
  });

  it("reach: who a person can be reached by is the channels' answer, aggregated", async () => {
    const env = await testEnv();
    const a = await env.person({ roles: ["manager"] });
    const b = await env.person({ roles: ["manager"] });
    const c = await env.person({ roles: ["manager"] });
    env.deps.db.insert(pushSubscriptions).values({ staffId: a.id, endpoint: "https://push.example/a", p256dh: "k", auth: "a", createdAt: new Date(), updatedAt: new Date() }).run();
    env.deps.db.insert(pushSubscriptions).values({ staffId: c.id, endpoint: "https://push.example/c", p256dh: "k", auth: "a", createdAt: new Date(), updatedAt: new Date(), failedPermanentlyAt: new Date() }).run();
    expect([...(await deliveryStore(env.deps.db).reachable([a.id, b.id, c.id]))]).toEqual([a.id]);
    const fake = fakeChannel("text");
    fake.reach.add(b.id);
    const off = registerChannel(fake.channel);
    try {
      expect([...reachable(env.deps.db, [a.id, b.id, c.id])].sort()).toEqual([a.id, b.id].sort());
      const per = await deliveryStore(env.deps.db).reachByChannel([a.id, b.id, c.id]);
      expect([...per.get("push")!]).toEqual([a.id]);
      expect([...per.get("text")!]).toEqual([b.id]);
    } finally {
      off();
    }
  });
});
