// Crash test for texts (GOV.UK Notify) against the real process: many alerts fall due, the
// fake Notify accepts texts but their answers are held back (and a few requests hang), and
// the service is killed -9 with texts in every state: recorded as sent, accepted by Notify but
// not yet heard of, asked and never answered, claimed and waiting their turn in the sender,
// queued (some waiting for smsAfterSeconds), and not yet raised. After the restart each text
// is sent at most once more, and only if it was in flight at the kill; counted per
// notification at the fake, by the `reference` (our notify_messages id) each request carried.
import { afterEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { notifyMessages } from "../../src/lone-working/delivery/channels/notify/schema.js";
import { staff } from "../../src/staff/schema.js";
import { toCurrentUser } from "../../src/auth/service.js";
import { startVisit } from "../../src/lone-working/visits/commands.js";
import { cleanup, giveMobile, kill9, makeWorld, sleep, startServer, subscribe, textCounts, type World } from "./harness.js";

// One step: every manager (the duty manager and the senior list), by push and text. The
// manager has no push subscription, so is texted at once; the senior has one (never shown:
// the receiver sends no receipts), so is texted smsAfterSeconds (4 s) later: queued at the kill.
const LADDER = [{ afterSeconds: 0, notify: "all_managers" as const, channels: ["push" as const, "sms" as const] }];
const GROUPS = 3; // visits fall due in three waves ...
const PER_GROUP = 40; // ... of this many (120 alerts, 240 texts)
const WAVE_MS = 700;
const HOLD_MS = 400; // Notify's answers held back this long: with 20 in flight, ~50 texts a second
const HUNG = 4; // the first few requests never answer at all

let world: World | undefined;
afterEach(async () => {
  if (world) await cleanup(world);
  world = undefined;
});

async function waitForEvery(everyMs: number, cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(everyMs);
  }
  return cond();
}
const waitFor = (cond: () => boolean, ms: number) => waitForEvery(100, cond, ms);

type Kind = "recorded" | "in_flight" | "queued" | "not_yet";

describe("crash: kill -9 while texts are queued and in flight", () => {
  it("after the restart each text goes at most once more, and only if it was in flight at the kill", async () => {
    const w = (world = await makeWorld(LADDER, { notify: true, policy: { smsAfterSeconds: 4 } }));
    const tap = w.notify!;
    const db = w.deps.db;
    let server = await startServer(w);
    await giveMobile(w, w.manager, "+447700900123");
    await giveMobile(w, w.senior, "+447700900456");
    await subscribe(w, w.senior, "senior");

    // The visits are made through the visits use case from this process, not over HTTP: on a
    // busy machine 120 requests to the child can take longer than the time before the first
    // falls due. The child's sweep (every second) finds them due all the same.
    const T = Date.now() + 2500;
    const workerUser = toCurrentUser(db.select().from(staff).where(eq(staff.id, w.worker.id)).get()!);
    const visits: string[] = [];
    for (let g = 0; g < GROUPS; g++) {
      for (let i = 0; i < PER_GROUP; i++) {
        const r = await startVisit(w.deps, workerUser, { purpose: "mha_assessment", location: { address: `${g}-${i} Crash Lane` }, expectedEnd: new Date(T + g * WAVE_MS).toISOString() });
        visits.push(r.body.id);
      }
    }
    expect(Date.now(), "visits made before the first falls due").toBeLessThan(T);
    tap.holdMs = HOLD_MS;
    tap.fake.hangNext(HUNG);

    // Killed once some texts are recorded as sent while others are queued (the senior's wait
    // smsAfterSeconds) and Notify is still answering some, and before the hung requests time
    // out (5 s) and go again. Polled, not timed: a busy machine must not move the kill out of
    // the window it is meant for.
    const sms = () => db.select().from(notifications).where(eq(notifications.channel, "sms")).all();
    await sleep(T + WAVE_MS - Date.now());
    const hungUntil = () => (tap.requests[0]?.at ?? T + 2000) + 4000;
    let ripe = false;
    while (!ripe && Date.now() < hungUntil()) {
      const st = sms().map((n) => n.status);
      ripe = st.filter((x) => x === "sent").length >= 10 && st.includes("queued") && st.includes("sending");
      if (!ripe) await sleep(20);
    }
    expect(ripe, "texts recorded, queued and in flight at once, before the hung requests time out").toBe(true);
    const killedAt = Date.now();
    await kill9(server);
    await sleep(300); // what the dead process had put on the wire reaches Notify
    const atKill = new Map(sms().map((n) => [n.id, n.status]));
    const before = textCounts(w);
    const askedAtKill = tap.requests.length;
    if (process.env.CRASH_DEBUG) {
      console.log(`kill at T+${killedAt - T} ms; requests at T+`, tap.requests.map((r) => r.at - T).join(","));
      const rel = (d: Date | null) => (d ? d.getTime() - T : "-");
      console.log("sms rows at the kill (status created claimed sent, ms after T):", sms().map((n) => `${n.status} ${rel(n.createdAt)} ${rel(n.claimedAt)} ${rel(n.sentAt)}`).join("; "));
    }

    tap.holdMs = 0;
    tap.fake.clearFaults(); // the hung requests stay hung: their texts were never accepted
    server = await startServer(w);
    // A text claimed by the killed process goes again once its heartbeat is stale (10 s).
    const expected = visits.length * 2;
    const done = await waitFor(() => {
      const rows = sms();
      return rows.length === expected && rows.every((n) => n.status === "sent");
    }, 20_000);
    await sleep(500); // nothing more is on its way
    const after = textCounts(w);

    // Every visit raised one alert, and each alert one text to each manager.
    const as = db.select().from(alerts).where(and(inArray(alerts.visitId, visits), eq(alerts.reason, "missed_check_in"))).all();
    expect(as).toHaveLength(visits.length);
    const rows = sms();
    expect(rows.map((n) => `${n.alertId}:${n.staffId}`).sort()).toEqual(as.flatMap((a) => [`${a.id}:${w.manager.id}`, `${a.id}:${w.senior.id}`]).sort());
    expect(
      rows.filter((n) => n.status !== "sent").map((n) => `${n.id}:${n.status}`),
      "every text recorded as sent",
    ).toEqual([]);
    expect(done).toBe(true);
    expect(after.strays, "every request to Notify names a recorded message").toEqual([]);

    // Per notification: what it was at the kill, and what Notify took before and after.
    const kindOf = (id: string): Kind => {
      const s = atKill.get(id);
      if (s === undefined) return "not_yet";
      if (s === "queued") return "queued";
      if (s === "sending") return "in_flight";
      return "recorded";
    };
    const wrong: string[] = [];
    const tally: Record<string, number> = {};
    for (const n of rows) {
      const kind = kindOf(n.id);
      const a0 = before.accepted.get(n.id) ?? 0;
      const q0 = before.asked.get(n.id) ?? 0;
      const a1 = after.accepted.get(n.id) ?? 0;
      const q1 = after.asked.get(n.id) ?? 0;
      const sub = kind === "in_flight" ? (a0 > 0 ? "accepted" : q0 > 0 ? "unanswered" : "waiting") : "";
      tally[kind + (sub ? `/${sub}` : "")] = (tally[kind + (sub ? `/${sub}` : "")] ?? 0) + 1;
      const say = (why: string) => wrong.push(`${n.id} (${kind}${sub ? `/${sub}` : ""}, status at kill ${atKill.get(n.id) ?? "none"}): ${why}; accepted ${a0} then ${a1}, asked ${q0} then ${q1}`);
      switch (kind) {
        case "recorded":
          // Notify accepted it and the service recorded so: never asked for again.
          if (atKill.get(n.id) !== "sent") say("recorded as something other than sent");
          if (a0 !== 1 || a1 !== 1) say("a recorded text must be accepted exactly once, before the kill");
          if (q1 !== q0) say("a recorded text was asked for again after the restart");
          break;
        case "queued":
        case "not_yet":
          // Nothing of it had left: sent exactly once, by the restarted process.
          if (q0 !== 0 || a0 !== 0) say("reached Notify before the kill though not claimed");
          if (a1 !== 1 || q1 !== 1) say("a queued text must be sent exactly once");
          break;
        case "in_flight":
          // Claimed by the killed process: Notify may or may not have taken it; once more at most.
          if (a0 > 1) say("accepted more than once before the kill");
          if (a1 < 1) say("an in-flight text was never sent");
          if (a1 - a0 > 1) say("an in-flight text was sent more than once more");
          if (q1 - q0 > 1) say("an in-flight text was asked for more than once more");
          break;
      }
    }
    expect(wrong).toEqual([]);
    expect(after.accepted.size).toBe(rows.length);

    // The kill landed with texts in every state (else this test proves less than it says).
    const got = (k: string) => tally[k] ?? 0;
    expect(got("recorded"), JSON.stringify(tally)).toBeGreaterThan(0);
    expect(got("in_flight/accepted"), JSON.stringify(tally)).toBeGreaterThan(0);
    expect(got("in_flight/unanswered"), JSON.stringify(tally)).toBeGreaterThan(0);
    expect(got("in_flight/waiting"), JSON.stringify(tally)).toBeGreaterThan(0);
    expect(got("queued") + got("not_yet"), JSON.stringify(tally)).toBeGreaterThan(0);
    expect(askedAtKill).toBeGreaterThan(0);

    // The channel's own record: one notify_messages row per time a text was handed to Notify.
    // Every row the restarted process made is settled, with Notify's id when it was accepted.
    const msgs = db.select().from(notifyMessages).where(inArray(notifyMessages.notificationId, rows.map((n) => n.id))).all();
    const acceptedRefs = new Map(tap.fake.sent.map((m) => [m.reference, m.id]));
    const unsettled = msgs.filter((m) => m.createdAt.getTime() > killedAt && !(m.status === "sent" && m.notifyId === acceptedRefs.get(m.id)));
    expect(unsettled.map((m) => `${m.id}:${m.status}:${m.notifyId}`), "the restarted process's message rows are settled").toEqual([]);
    // Rows the killed process made: Notify took some whose row was never settled (see the report).
    const leftSending = msgs.filter((m) => m.createdAt.getTime() <= killedAt && m.status === "sending" && acceptedRefs.has(m.id) && atKill.get(m.notificationId!) === "sent");
    // The channel settles each message as its send ends (coalesced over 20 ms), in its own
    // transaction beside delivery's result: a kill may land between the two for the last few,
    // never for a batch's worth (before that fix, 16 per run stayed "sending" for good).
    expect(leftSending.length, "messages Notify accepted, recorded as sent, left unsettled").toBeLessThanOrEqual(3);
    if (process.env.CRASH_DEBUG) console.log(`texts crash tally: ${JSON.stringify(tally)}; requests before the kill ${askedAtKill}, in all ${tap.requests.length}; recorded as sent before the kill but left "sending" in notify_messages: ${leftSending.length}`, leftSending.slice(0, 3));
  }, 45_000);
});
