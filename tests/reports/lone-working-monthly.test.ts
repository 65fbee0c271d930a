// The lone-working report's monthly table (BS 8484 style), through the real API and the
// real ladder: alarms per month and kind, how they turned out, police, time to
// acknowledge and whether push and texts got through; JSON and CSV, scoped.
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeReportThreads, reportsRunIn, runReport } from "../../src/reports/run-report.js";
import { loneWorkingReport } from "../../src/lone-working/alerts/report.js";
import { writeTx } from "../../src/db/connection.js";
import { alerts } from "../../src/lone-working/escalation/schema.js";
import { notifications } from "../../src/lone-working/delivery/schema.js";
import { insertAlertRecord, raiseAlert } from "../../src/lone-working/escalation/store.js";
import { defaultPolicy } from "../../src/lone-working/escalation/policy.js";
import { escalationSetup, LADDER } from "../alerts/setup.js";

type Row = Record<string, unknown> & { month: string; kind: string };

describe("lone-working report: the monthly table", () => {
  it("counts alarms by local month and kind, with outcomes, police, acknowledgement and channels; CSV on ?table=monthly", async () => {
    const s = await escalationSetup();
    const { e, worker, m1, run } = s;
    const db = e.deps.db;
    const ladder = { ...defaultPolicy(), steps: LADDER } as never;

    // A missed check-in that climbs to the consider-police step, then is acknowledged and resolved "contacted".
    const v = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "1 High St" }, expectedEnd: s.at(240), checkInEveryMinutes: 30 })).body;
    e.clock.advanceMinutes(30);
    await run();
    for (let i = 0; i < 7; i++) {
      e.clock.advanceMinutes(5);
      await run();
    }
    const missed = db.select().from(alerts).where(eq(alerts.visitId, v.id)).get()!;
    expect(missed.step).toBe(3);
    // m1 saw one push (the receipt), then acknowledged: 30 min 20 s after managers were first told (step 1, at 35 min).
    const m1Push = s.push.to(m1.id)[0]!.payload.notificationId!;
    expect((await m1.client.post("/api/push/receipts", { notificationId: m1Push })).status).toBe(204);
    e.clock.advance(20_000);
    expect((await m1.client.post(`/api/alerts/${missed.id}/acknowledge`)).status).toBe(200);
    expect((await m1.client.post(`/api/alerts/${missed.id}/resolve`, { outcome: "contacted" })).status).toBe(200);

    // A panic: managers told at once, acknowledged in 8 s, resolved "police".
    const v2 = (await worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "2 High St" }, expectedEnd: s.at(60) })).body;
    const panic = { id: (await worker.client.post(`/api/visits/${v2.id}/alarm`)).body.alertId as string };
    await run();
    e.clock.advance(8_000);
    expect((await m1.client.post(`/api/alerts/${panic.id}/acknowledge`)).status).toBe(200);
    expect((await m1.client.post(`/api/alerts/${panic.id}/resolve`, { outcome: "police" })).status).toBe(200);

    // A drill of a panic, through the real ladder: counted as a drill, left unresolved.
    const drill = writeTx(db, (tx) => raiseAlert(tx, { reason: "panic", drill: true, triggerKey: "drill:test:1", visitId: null, staffId: worker.id, baseAt: e.clock.now() }, e.clock.now()))!;
    await run();
    expect(db.select().from(alerts).where(eq(alerts.id, drill.id)).get()!.step).toBeGreaterThanOrEqual(0);

    // History: October alarms resolved with outcomes (one 00:30 on 1 October in London,
    // which is still 30 September in UTC), a manager gap that is no alarm, and texts.
    const old = (over: Partial<typeof alerts.$inferInsert>) =>
      writeTx(db, (tx) =>
        insertAlertRecord(tx, {
          id: crypto.randomUUID(),
          triggerKey: `history:${crypto.randomUUID()}`,
          visitId: null,
          staffId: worker.id,
          reason: "duress",
          status: "resolved",
          policy: ladder,
          startStep: 2,
          baseAt: new Date("2026-10-10T10:00:00Z"),
          raisedAt: new Date("2026-10-10T10:00:00Z"),
          step: 2,
          managersToldAt: new Date("2026-10-10T10:00:00Z"),
          acknowledgedAt: new Date("2026-10-10T10:00:30Z"),
          acknowledgedBy: m1.id,
          resolvedAt: new Date("2026-10-10T10:30:00Z"),
          resolvedBy: m1.id,
          outcome: "Pressed by accident",
          ...over,
        }),
      );
    const accidental = old({ raisedAt: new Date("2026-09-30T23:30:00Z"), baseAt: new Date("2026-09-30T23:30:00Z"), managersToldAt: new Date("2026-09-30T23:30:00Z"), acknowledgedAt: new Date("2026-09-30T23:30:05Z") });
    old({ reason: "duress", outcome: "false_alarm", step: 3 });
    old({ reason: "no_manager_on_duty", staffId: null, outcome: "police" });
    old({ reason: "missed_check_in", status: "open", outcome: null, resolvedAt: null, resolvedBy: null, acknowledgedAt: null, acknowledgedBy: null, step: 1 });
    old({ raisedAt: new Date("2026-09-30T22:30:00Z"), baseAt: new Date("2026-09-30T22:30:00Z") }); // 23:30 on 30 September in London: before the window
    const text = (status: string, receipt: string | null, staffId: string) =>
      db.insert(notifications).values({ alertId: accidental.id, purpose: "ladder", step: 2, repeat: 0, staffId, channel: "sms", status: status as never, title: "t", body: "b", createdAt: accidental.raisedAt, receipt, attempts: 1, sentAt: accidental.raisedAt }).run();
    text("delivered", "delivered", m1.id);
    text("sent", null, s.senior.id);
    text("failed", "permanent-failure", s.admin.id);

    const hr = await e.person({ roles: ["hr"] });
    const q = "from=2026-10-01&to=2026-11-30";
    const r = await hr.client.get(`/api/reports/lone-working?${q}`);
    expect(r.status).toBe(200);
    // The existing fields are all still there.
    expect(Object.keys(r.body)).toEqual(["report", "from", "to", "visits", "missedCheckIns", "alerts", "timeToAcknowledge", "timeToAcknowledgeFromRaised", "monthly", "rows"]);
    expect(r.body.alerts.total).toBe(7);
    const monthly: Row[] = r.body.monthly;
    expect(monthly.map((x) => `${x.month} ${x.kind}`)).toEqual([
      "2026-10 missed_check_in",
      "2026-10 panic",
      "2026-10 duress",
      "2026-10 drill",
      "2026-11 missed_check_in",
      "2026-11 panic",
      "2026-11 duress",
      "2026-11 drill",
    ]);
    const row = (month: string, kind: string) => monthly.find((x) => x.month === month && x.kind === kind)!;
    expect(row("2026-10", "duress")).toMatchObject({ alarms: 2, accidental: 1, false: 1, genuine: 0, other: 0, unresolved: 0, escalatedToPolice: 1, acknowledged: 2, medianSecondsToAcknowledge: 5, p90SecondsToAcknowledge: 30, shareAcknowledgedWithin10s: 0.5, shareAcknowledgedWithin40s: 1, textsSent: 3, textsDelivered: 1, pushSent: 0 });
    expect(row("2026-10", "missed_check_in")).toMatchObject({ alarms: 1, unresolved: 1, escalatedToPolice: 0, acknowledged: 0, medianSecondsToAcknowledge: null });
    expect(row("2026-10", "panic")).toMatchObject({ alarms: 0 });

    const nov = row("2026-11", "missed_check_in");
    const missedPush = db.select().from(notifications).where(eq(notifications.alertId, missed.id)).all().filter((n) => n.channel === "push");
    expect(nov).toMatchObject({ alarms: 1, false: 1, escalatedToPolice: 1, acknowledged: 1, medianSecondsToAcknowledge: 1820, shareAcknowledgedWithin10s: 0, shareAcknowledgedWithin40s: 0, pushShown: 1, textsSent: 0 });
    expect(nov.pushSent).toBe(missedPush.filter((n) => ["sent", "shown"].includes(n.status)).length);
    expect(nov.pushSent).toBeGreaterThan(3);
    expect(row("2026-11", "panic")).toMatchObject({ alarms: 1, genuine: 1, escalatedToPolice: 1, acknowledged: 1, medianSecondsToAcknowledge: 8, shareAcknowledgedWithin10s: 1 });
    expect(row("2026-11", "drill")).toMatchObject({ alarms: 1, unresolved: 1, acknowledged: 0 });
    expect(row("2026-11", "drill").pushSent).toBeGreaterThan(0);
    expect(row("2026-11", "panic").pushSent).toBeGreaterThan(0);
    expect(row("2026-11", "duress")).toMatchObject({ alarms: 0, pushSent: 0 });

    // The CSV of the alerts is as it was; ?table=monthly gives the monthly table.
    const csv = await hr.client.get(`/api/reports/lone-working?${q}&format=csv`);
    expect(csv.text.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe("alertId,visitId,staffId,reason,status,raisedAt,highestStep,managersToldAt,acknowledgedAt,secondsToAcknowledge,resolvedAt,outcome");
    const mcsv = await hr.client.get(`/api/reports/lone-working?${q}&format=csv&table=monthly`);
    expect(mcsv.status).toBe(200);
    expect(mcsv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(mcsv.headers.get("content-disposition")).toMatch(/filename="lone-working-monthly-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = mcsv.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("month,kind,alarms,genuine,false,accidental,other,unresolved,escalatedToPolice,acknowledged,medianSecondsToAcknowledge,p90SecondsToAcknowledge,shareAcknowledgedWithin10s,shareAcknowledgedWithin40s,pushSent,pushShown,textsSent,textsDelivered");
    expect(lines).toHaveLength(9);
    expect(lines[3]).toBe("2026-10,duress,2,0,1,1,0,0,1,2,5,30,0.5,1,0,0,3,1");
    expect(lines[2]).toBe("2026-10,panic,0,0,0,0,0,0,0,0,,,,,0,0,0,0");
    // JSON ignores ?table: it always holds both.
    expect((await hr.client.get(`/api/reports/lone-working?${q}&table=monthly`)).body.rows).toHaveLength(7);
    expect((await hr.client.get(`/api/reports/lone-working?${q}&format=csv&table=weekly`)).status).toBe(400);
  });

  it("keeps the report's scope: a manager sees their team, nobody their own duress alarm", async () => {
    const s = await escalationSetup();
    const { e } = s;
    const north = await e.person({ roles: ["manager", "amhp"], team: "North" });
    const northAmhp = await e.person({ roles: ["amhp"], team: "North" });
    const south = await e.person({ roles: ["manager"], team: "South" });
    const hr = await e.person({ roles: ["hr"] });
    await north.client.put("/api/me/duress-pin", { pin: "9876" });
    const mine = (await north.client.post("/api/visits", { purpose: "home_visit", location: { address: "3 Mill Lane" }, expectedEnd: s.at(60) })).body;
    expect((await north.client.post(`/api/visits/${mine.id}/check-out`, { pin: "9876" })).status).toBe(200);
    const theirs = (await northAmhp.client.post("/api/visits", { purpose: "home_visit", location: { address: "4 Mill Lane" }, expectedEnd: s.at(60) })).body;
    await northAmhp.client.post(`/api/visits/${theirs.id}/alarm`);
    await s.run();
    const q = `from=${encodeURIComponent(s.at(-60))}&to=${encodeURIComponent(s.at(1))}`;
    const counts = (b: { monthly: Row[] }) => Object.fromEntries(b.monthly.filter((x) => Number(x.alarms) > 0).map((x) => [x.kind, x.alarms]));
    expect(counts((await hr.client.get(`/api/reports/lone-working?${q}`)).body)).toEqual({ panic: 1, duress: 1 });
    expect(counts((await north.client.get(`/api/reports/lone-working?${q}`)).body)).toEqual({ panic: 1 });
    const other = (await south.client.get(`/api/reports/lone-working?${q}`)).body;
    expect(other.monthly).toHaveLength(4);
    expect(counts(other)).toEqual({});
    const csv = (await north.client.get(`/api/reports/lone-working?${q}&format=csv&table=monthly`)).text;
    expect(csv).toMatch(/2026-11,duress,0,/);
    expect(csv).toMatch(/2026-11,panic,1,/);
  });

  it("crosses the report thread (a database file) with the same monthly table as in-process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dutyline-lw-monthly-"));
    try {
      const s = await escalationSetup({}, { DATABASE_PATH: join(dir, "dutyline.db") });
      expect(reportsRunIn(s.e.deps)).toBe("worker");
      const v = (await s.worker.client.post("/api/visits", { purpose: "home_visit", location: { address: "5 High St" }, expectedEnd: s.at(60) })).body;
      await s.worker.client.post(`/api/visits/${v.id}/alarm`);
      await s.run();
      const viewer = { id: s.admin.id, name: "Admin", email: s.admin.email, roles: ["admin" as const], teamId: null, category: "other" };
      const from = new Date("2026-11-01T00:00:00Z");
      const to = new Date("2026-12-01T00:00:00Z");
      const threaded = await runReport(s.e.deps, "loneWorking", viewer as never, from, to, "Europe/London");
      expect(threaded.monthly).toEqual((await loneWorkingReport(s.e.deps.db, viewer as never, from, to, "Europe/London")).monthly);
      expect(threaded.monthly.find((r) => r.kind === "panic")).toMatchObject({ month: "2026-11", alarms: 1, unresolved: 1 });
      await closeReportThreads();
      s.e.deps.db.$client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
