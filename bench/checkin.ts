// Check-in throughput and latency at 100 keep-alive connections against the real
// service on loopback (file database, WAL, synchronous=FULL), beside two references:
// a bare Hono route (what HTTP alone costs here) and SQLite's own rate of durable
// commits (one row per transaction, WAL, synchronous=FULL). Goal: check-ins at
// least 0.6 of the SQLite commit rate. Prints figures; asserts nothing.
//
//   TZ=UTC npx tsx bench/checkin.ts [--seconds 5] [--connections 100]
//   env: BENCH_LOG_LEVEL (default info, as production), BENCH_CPU_PROF=<dir> (V8 profile of
//   the service), BENCH_NO_SCHEDULER=1 (service without the in-process scheduler)
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { createStaff } from "../src/staff/service.js";
import { sessionCookie } from "../tests/helpers.js";
import { freePort } from "../tests/support/ports.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg("seconds", 5);
const CONNECTIONS = arg("connections", 100);
const MAX_REQUESTS = 200_000;


async function waitUp(url: string, proc: ChildProcess) {
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`${url}: process exited`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not start`);
}

interface Load {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

// One agent for warm-up and measurement, so connection set-up is not in the figures.
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/** CONNECTIONS loops over keep-alive sockets, each sending its next request when the last is answered. */
async function load(port: number, make: (conn: number, n: number) => { path: string; headers: Record<string, string>; body: string }, seconds = SECONDS): Promise<Load> {
  const lat: number[] = [];
  let errors = 0;
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  const one = (conn: number, n: number) =>
    new Promise<void>((resolve) => {
      const r = make(conn, n);
      const t0 = performance.now();
      const req = request({ host: "127.0.0.1", port, method: "POST", path: r.path, agent, headers: { ...r.headers, "content-type": "application/json", "content-length": Buffer.byteLength(r.body) } }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) errors++;
          lat.push(performance.now() - t0);
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, conn) => {
      for (let n = 0; performance.now() < end && sent < MAX_REQUESTS; n++) {
        sent++;
        await one(conn, n);
      }
    }),
  );
  const took = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const at = (p: number) => lat[Math.min(lat.length - 1, Math.ceil((p / 100) * lat.length) - 1)] ?? NaN;
  return { requests: lat.length, errors, seconds: took, perSecond: lat.length / took, p50: at(50), p99: at(99) };
}

/** SQLite's own rate of durable commits: one small row per transaction, WAL, synchronous=FULL. */
function sqliteCommitRate(dir: string, file = "commits.db"): { perSecond: number; commits: number } {
  const db = new Database(join(dir, file));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, at INTEGER NOT NULL, note TEXT)");
  const ins = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
  const tx = db.transaction((i: number) => ins.run(crypto.randomUUID(), i, "check-in"));
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  let n = 0;
  while (performance.now() < end && n < MAX_REQUESTS) tx(n++);
  const s = (performance.now() - t0) / 1000;
  db.close();
  return { perSecond: n / s, commits: n };
}

/** User + system CPU seconds of a process so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

const BARE_HONO = `
import { Hono } from "hono";
import { serve } from "@hono/node-server";
const app = new Hono();
app.post("/check-in", async (c) => { await c.req.json(); return c.json({ nextCheckInDue: new Date().toISOString() }); });
app.get("/", (c) => c.text("ok"));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" });
`;

const fmt = (x: number) => x.toFixed(1);
const line = (label: string, r: Load) =>
  console.log(`${label.padEnd(40)} ${fmt(r.perSecond).padStart(9)} req/s   p50 ${fmt(r.p50).padStart(7)} ms   p99 ${fmt(r.p99).padStart(7)} ms   (${r.requests} in ${fmt(r.seconds)} s, ${r.errors} errors)`);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "dutyline-bench-checkin-"));
  const procs: ChildProcess[] = [];
  try {
    console.log(`check-in benchmark: ${CONNECTIONS} keep-alive connections, ${SECONDS} s per target, loopback`);

    const sqlite = sqliteCommitRate(dir);
    console.log(`${"SQLite durable commits (WAL, sync=FULL)".padEnd(40)} ${fmt(sqlite.perSecond).padStart(9)} commits/s (${sqlite.commits})`);

    const barePort = await freePort();
    const bare = spawn(process.execPath, ["--input-type=module", "-e", BARE_HONO], { env: { ...process.env, PORT: String(barePort) }, stdio: ["ignore", "inherit", "inherit"] });
    procs.push(bare);
    await waitUp(`http://127.0.0.1:${barePort}/`, bare);
    const bareReq = () => ({ path: "/check-in", headers: {}, body: "{}" });
    await load(barePort, bareReq, 1); // warm-up (JIT, lazy imports), not measured
    const bareCpu0 = cpuSeconds(bare.pid!);
    const bareLoad = await load(barePort, bareReq);
    const bareCpu = cpuSeconds(bare.pid!) - bareCpu0;
    line("bare Hono route", bareLoad);
    if (!Number.isNaN(bareCpu)) console.log(`${"".padEnd(40)} (server CPU ${((bareCpu / bareLoad.requests) * 1e6).toFixed(0)} µs per request)`);
    bare.kill("SIGKILL");

    // The real service on a file database, with one worker and one visit per connection.
    const dbPath = join(dir, "dutyline.db");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const deps = openDeps(loadConfig({ DATABASE_PATH: dbPath, PUBLIC_URL: url, LOG_LEVEL: "silent" }), { log: pino({ level: "silent" }) });
    const worker = await createStaff(deps, { type: "system", job: "bench" }, { name: "Bench Worker", email: "bench@bench.example", roles: ["amhp"] });
    const cookie = sessionCookie(deps, worker.id);
    // node --import tsx: one process, so killing it kills the service (the tsx wrapper would leave an orphan).
    // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the service (on SIGTERM) there.
    const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
    const server = spawn(process.execPath, [...prof, "--import", "tsx", "src/server.ts"], {
      // It logs as in production (info: a line per request) into a pipe this process drains,
      // as a log collector would; the lines are counted, not shown.
      env: { ...process.env, TZ: "UTC", DATABASE_PATH: dbPath, PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: url, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info", ...(process.env.BENCH_NO_SCHEDULER ? { RUN_SCHEDULER: "false" } : {}) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    procs.push(server);
    let logLines = 0;
    server.stdout!.on("data", (b: Buffer) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) logLines++;
    });
    await waitUp(`${url}/healthz`, server);
    const headers = { origin: url, cookie };
    const visitIds: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const r = await fetch(`${url}/api/visits`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ purpose: "home_visit", location: { address: `${i} Bench St` }, expectedEnd: new Date(Date.now() + 86_400_000).toISOString(), checkInEveryMinutes: 30 }),
      });
      visitIds.push(((await r.json()) as { id: string }).id);
    }
    const checkInReq = (conn: number, n: number) => {
      const id = crypto.randomUUID();
      return { path: `/api/visits/${visitIds[conn]}/check-in`, headers: { ...headers, "idempotency-key": id }, body: JSON.stringify({ id, note: `n${n}` }) };
    };
    await load(port, checkInReq, 1); // warm-up, not measured
    const linesBefore = logLines;
    const cpuBefore = cpuSeconds(server.pid!);
    const real = await load(port, checkInReq);
    const cpu = cpuSeconds(server.pid!) - cpuBefore;
    line("Dutyline check-in (idempotent, audited)", real);
    // CPU the service spent per answered check-in: steadier than the rate on a busy machine.
    if (!Number.isNaN(cpu)) console.log(`${"".padEnd(40)} (service CPU ${((cpu / real.requests) * 1e6).toFixed(0)} µs per check-in)`);
    deps.db.$client.close();
    if (prof.length) {
      agent.destroy();
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }

    console.log(`${"".padEnd(40)} (${logLines - linesBefore} log lines written meanwhile, at ${process.env.BENCH_LOG_LEVEL ?? "info"})`);

    // The machine is shared: measure the reference again after the service, and compare
    // against the better of the two, so a busy moment never flatters the ratio.
    const sqliteAfter = sqliteCommitRate(dir, "commits-after.db");
    console.log(`${"SQLite durable commits, again".padEnd(40)} ${fmt(sqliteAfter.perSecond).padStart(9)} commits/s (${sqliteAfter.commits})`);
    const reference = Math.max(sqlite.perSecond, sqliteAfter.perSecond);

    console.log("");
    console.log(`check-ins / SQLite durable commits: ${(real.perSecond / reference).toFixed(2)} (goal >= 0.6; the better SQLite figure)`);
    console.log(`check-ins / bare Hono route:        ${(real.perSecond / bareLoad.perSecond).toFixed(2)}`);
  } finally {
    agent.destroy();
    for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
