// Two limits found in review: a flood of report requests is refused (429) rather than
// queued without end, and a write lock held by another connection is not a database
// that cannot be written (readiness would flap under load).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import { FakeClock } from "../../src/clock.js";
import type { CurrentUser, Deps } from "../../src/deps.js";
import { RateLimited } from "../../src/errors.js";
import { closeReportThreads, MAX_REPORTS_IN_FLIGHT, reportsRunIn, runReport } from "../../src/reports/run-report.js";
import { probeWrite } from "../../src/db/connection.js";

let dir: string;
let deps: Deps;
const hr: CurrentUser = { id: "hr-1", name: "HR", email: "hr@test.example", roles: ["hr"], teamId: null, category: "other" };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dutyline-limits-"));
  deps = openDeps(loadConfig({ DATABASE_PATH: join(dir, "dutyline.db"), LOG_LEVEL: "silent" }), { clock: new FakeClock("2026-11-24T12:00:00Z"), log: pino({ level: "silent" }) });
});
afterAll(async () => {
  await closeReportThreads();
  deps.db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("report threads", () => {
  it(`take at most ${MAX_REPORTS_IN_FLIGHT} reports at once; more are refused with 429 and a retry time, and the rest are answered`, async () => {
    expect(reportsRunIn(deps)).toBe("worker");
    const asked = Array.from({ length: MAX_REPORTS_IN_FLIGHT + 10 }, () => runReport(deps, "supervision", hr, "2026-11-24").then(() => "ok", (e: unknown) => e));
    const results = await Promise.all(asked);
    const refused = results.filter((r) => r instanceof RateLimited) as RateLimited[];
    expect(refused).toHaveLength(10);
    expect(refused[0]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(results.filter((r) => r === "ok")).toHaveLength(MAX_REPORTS_IN_FLIGHT);
    // Once answered, there is room again.
    expect(await runReport(deps, "supervision", hr, "2026-11-24")).toEqual([]);
  }, 30_000);
});

describe("the readiness write probe", () => {
  it("passes while another connection holds the write lock (busy is not read-only), and fails when the file cannot be written", () => {
    const other = new Database(join(dir, "dutyline.db"));
    other.pragma("busy_timeout = 0");
    other.exec("BEGIN IMMEDIATE");
    try {
      expect(() => probeWrite(deps.db, deps.config.DATABASE_PATH, new Date(), { busyTimeoutMs: 50 })).not.toThrow();
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    const ro = openDeps(loadConfig({ DATABASE_PATH: join(dir, "dutyline.db"), LOG_LEVEL: "silent" }), { clock: new FakeClock(), log: pino({ level: "silent" }) });
    try {
      ro.db.$client.pragma("query_only = ON");
      expect(() => probeWrite(ro.db, ro.config.DATABASE_PATH, new Date(), { busyTimeoutMs: 50 })).toThrow(/cannot be written|read-only|readonly/i);
    } finally {
      ro.db.$client.close();
    }
  });
});
