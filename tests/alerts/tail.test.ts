// With the worker in its own process, the web tier hears of escalations by
// following the audit chain: two connections to one database file stand in for
// the two processes.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import { createApp } from "../../src/app.js";
import { FakeClock } from "../../src/clock.js";
import { tick } from "../../src/lone-working/escalation/pass.js";
import { followAlertChanges } from "../../src/lone-working/alerts/tail.js";
import { createStaff } from "../../src/staff/service.js";
import type { LiveEvent } from "../../src/events.js";
import { Client, sessionCookie } from "../helpers.js";
import { RecordingPush } from "./fakes.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("following alert changes made by another process", () => {
  it("publishes the worker's raise and escalation on the web tier's bus, once each", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dutyline-tail-"));
    dirs.push(dir);
    const config = loadConfig({ DATABASE_PATH: join(dir, "db.sqlite"), LOG_LEVEL: "silent", PUBLIC_URL: "http://localhost:3000" });
    const clock = new FakeClock("2026-11-24T12:00:00Z");
    const log = pino({ level: "silent" });
    const web = openDeps(config, { clock, log });
    const worker = openDeps(config, { clock, log });
    worker.push = new RecordingPush();

    const amhp = await createStaff(web, { type: "system", job: "test" }, { name: "Sam Field", email: "sam@test.example", roles: ["amhp"] });
    const client = new Client(createApp(web), sessionCookie(web, amhp.id));
    const tail = followAlertChanges(web, 60_000);
    const heard: LiveEvent[] = [];
    web.events.subscribe((e) => heard.push(e));

    const v = await client.post("/api/visits", { purpose: "home_visit", location: { address: "1 High St" }, expectedEnd: "2026-11-24T12:10:00Z" });
    expect(v.status).toBe(201);
    heard.length = 0;
    expect(await tail.poll()).toBe(0);

    clock.advanceMinutes(11);
    await tick(worker, {}); // the worker process raises the alert and fires step 0
    expect(await tail.poll()).toBe(1);
    expect(heard).toEqual([{ type: "alert", data: expect.objectContaining({ visitId: v.body.id, staffId: amhp.id, reason: "missed_check_in" }) }]);
    expect(await tail.poll()).toBe(0); // nothing twice
    tail.stop();
    web.db.$client.close();
    worker.db.$client.close();
  });
});
