// Reports never hold up escalation (issue 9, "What it must show" 2). The real app on
// a database FILE seeded with the bench's 2,000 staff × 10 years of HR history, a
// real HTTP server, the real escalation scheduler and push sender, a local HTTPS push
// service: while fifteen of the heaviest reports are asked for at once, a visit falls
// due, and its first push must leave and arrive within 1 s of its due time; /healthz
// must keep answering meanwhile.
//
// Real time on purpose (a process-level test): the scheduler's timer and the event
// loop are what is measured. Before the fix the reports ran on the event loop back to
// back (~3 s of synchronous work here), so the push waited for them. To see that:
//   EVENT_LOOP_TEST_IN_PROCESS=1 TZ=UTC npx vitest run tests/reports/event-loop.test.ts
// runs the reports in-process, as before, and this test fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import { systemClock } from "../../src/clock.js";
import { createApp } from "../../src/app.js";
import type { CurrentUser, Deps } from "../../src/deps.js";
import { createStaff } from "../../src/staff/service.js";
import { visits } from "../../src/lone-working/visits/schema.js";
import { pushSubscriptions } from "../../src/lone-working/delivery/channels/push/schema.js";
import { createPushSender, type HttpPushSender } from "../../src/lone-working/delivery/channels/push/sender.js";
import { loadOrCreateVapidKeys } from "../../src/lone-working/delivery/channels/push/vapid.js";
import { startScheduler, type Scheduler } from "../../src/lone-working/escalation/scheduler.js";
import { closeReportThreads, reportsInFlight, reportsRunIn, runReport, setReportThreadMode } from "../../src/reports/run-report.js";
import { approvalsReport, ohReport, sicknessReport, supervisionReport } from "../../src/reports/hr-reports.js";
import { integrityReport } from "../../src/reports/integrity.js";
import { startPushReceiver, type PushReceiver } from "../push/push-receiver.js";
import { ORIGIN, sessionCookie } from "../helpers.js";
import { seedHrHistory, type HrSeed } from "../../bench/seed-hr.js";

const IN_PROCESS = process.env.EVENT_LOOP_TEST_IN_PROCESS === "1";

let dir: string;
let deps: Deps;
let seed: HrSeed;
let rx: PushReceiver;
let sender: HttpPushSender;
let server: ServerType;
let base: string;
let scheduler: Scheduler | undefined;
let cookie: string;
let hr: CurrentUser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dutyline-event-loop-"));
  rx = await startPushReceiver();
  const config = loadConfig({ DATABASE_PATH: join(dir, "dutyline.db"), LOG_LEVEL: "silent", PUBLIC_URL: ORIGIN, PUSH_ALLOWED_HOSTS: `127.0.0.1:${rx.port}` });
  deps = openDeps(config, { clock: systemClock, log: pino({ level: "silent" }) });
  seed = seedHrHistory(deps.db.$client, { staff: 2000, years: 10 });
  const me = await createStaff(deps, { type: "system", job: "test" }, { name: "HR Reader", email: "hr-reader@test.example", roles: ["hr"] });
  hr = { id: me.id, name: me.name, email: me.email, roles: ["hr"], teamId: null, category: "other" };
  cookie = sessionCookie(deps, me.id);
  sender = createPushSender(deps, { keys: loadOrCreateVapidKeys(deps), ca: rx.ca });
  deps.push = sender;
  if (IN_PROCESS) setReportThreadMode("in-process");
  const app = createApp(deps);
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => (server.listening ? r() : server.once("listening", () => r())));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  scheduler?.stop();
  await scheduler?.idle();
  await new Promise((r) => server?.close(r));
  sender?.close();
  await closeReportThreads();
  setReportThreadMode("auto");
  await rx?.close();
  deps?.db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${base}${path}`, { headers: { Cookie: cookie, Origin: ORIGIN } });

describe("reports off the event loop", () => {
  it("runs reports on a database file in a worker thread, with the same answers as in-process", async () => {
    expect(reportsRunIn(deps)).toBe(IN_PROCESS ? "in-process" : "worker");
    const { asOf, start } = seed;
    // A line manager's scope too, so a scoped answer crosses the thread the same way.
    const manager: CurrentUser = { ...hr, roles: ["manager"], teamId: (deps.db.$client.prepare("select team_id as t from staff where team_id is not null limit 1").get() as { t: string }).t };
    for (const user of [hr, manager]) {
      expect(await runReport(deps, "supervision", user, asOf)).toEqual(await supervisionReport(deps.db, user, asOf));
      expect(await runReport(deps, "sickness", user, asOf)).toEqual(await sicknessReport(deps.db, user, asOf));
      expect(await runReport(deps, "ohReferrals", user, asOf)).toEqual(await ohReport(deps.db, user, asOf));
      expect(await runReport(deps, "amhpApprovals", user, asOf)).toEqual(await approvalsReport(deps.db, user, asOf));
      expect(await runReport(deps, "integrity", user, start, asOf, deps.config.TZ_LOCAL)).toEqual(await integrityReport(deps.db, user, start, asOf, deps.config.TZ_LOCAL));
    }
  }, 60_000);

  it.skipIf(IN_PROCESS)("a report thread that dies fails the reports it was running (a 500, not a hung request); the next report starts a new thread", async () => {
    const running = runReport(deps, "integrity", hr, seed.start, seed.asOf, deps.config.TZ_LOCAL);
    await closeReportThreads();
    await expect(running).rejects.toThrow(/closed/);
    expect((await runReport(deps, "amhpApprovals", hr, seed.asOf)).length).toBeGreaterThan(600);
    // And over HTTP a failed report is a 500 problem, not a hung request.
    const inFlight = get(`/api/reports/integrity?from=${seed.start}&to=${seed.asOf}`);
    while (reportsInFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    await closeReportThreads();
    const res = await inFlight;
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  }, 60_000);

  it("a visit falling due gets its first push within 1 s while fifteen heavy reports run, and /healthz answers throughout", async () => {
    const { asOf, start } = seed;
    // The worker on the visit, with a phone at the local push service.
    const worker = await createStaff(deps, { type: "system", job: "test" }, { name: "Lone Worker", email: "lone-worker@test.example", roles: ["amhp"] });
    const sub = rx.makeSubscription("event-loop-worker");
    const now = new Date();
    deps.db.insert(pushSubscriptions).values({ staffId: worker.id, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, createdAt: now, updatedAt: now }).run();
    scheduler = startScheduler(deps);
    deps.wakeScheduler = () => scheduler!.wake();

    const dueAt = Date.now() + 2500;
    deps.db
      .insert(visits)
      .values({ staffId: worker.id, purpose: "mha_assessment", address: "1 Test Street", expectedEnd: new Date(dueAt + 3_600_000), status: "active", startedAt: new Date(dueAt - 1_800_000), nextCheckInDue: new Date(dueAt), checkInEveryMinutes: 60 })
      .run();
    deps.wakeScheduler();

    // Just before it falls due: three of each heavy report, all at once (~3 s of CPU in all).
    await new Promise((r) => setTimeout(r, dueAt - 300 - Date.now()));
    const paths = ["supervision", "sickness", "oh-referrals", "amhp-approvals", `integrity?from=${start}&to=${asOf}`].map((p) => `/api/reports/${p}${p.includes("?") ? "&" : "?"}asOf=${asOf}`);
    let reportsDone = 0;
    const reports = Promise.all(
      [...paths, ...paths, ...paths].map(async (p) => {
        const res = await get(p);
        await res.arrayBuffer();
        reportsDone++;
        return res.status;
      }),
    );

    // /healthz every 50 ms while the reports run.
    const health: { ms: number; whileReports: boolean }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t = performance.now();
        const res = await fetch(`${base}/healthz`);
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        health.push({ ms: performance.now() - t, whileReports: reportsDone < 15 });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const arrived = () => rx.requests.find((q) => q.path === new URL(sub.endpoint).pathname);
    while (!arrived() && Date.now() < dueAt + 15_000) await new Promise((r) => setTimeout(r, 10));
    const statuses = await reports;
    polling = false;
    await poller;

    expect(statuses).toEqual(Array(15).fill(200));
    const push = arrived();
    expect(push, "the first push never arrived").toBeDefined();
    const lag = push!.at - dueAt;
    expect(lag, `first push arrived ${lag.toFixed(0)} ms after the due time`).toBeLessThan(1000);
    const during = health.filter((h) => h.whileReports);
    expect(during.length, "/healthz answered while reports ran").toBeGreaterThan(3);
    const slowest = Math.max(...during.map((h) => h.ms));
    expect(slowest, `slowest /healthz while reports ran: ${slowest.toFixed(0)} ms`).toBeLessThan(500);
  }, 60_000);
});
