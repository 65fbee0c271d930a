// Process-level harness: the real service (and workers) as child processes on a
// SQLite file in a temp dir, the local HTTPS push receiver in this process
// counting what really left, and kill -9 in between.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import type { Deps } from "../../src/deps.js";
import { createStaff } from "../../src/staff/service.js";
import { sessionCookie } from "../helpers.js";
import { putSetting } from "../../src/db/settings.js";
import { POLICY_KEY, defaultPolicy, type PolicyStep } from "../../src/lone-working/escalation/policy.js";
import { rotaAssignments, rotas } from "../../src/rota/schema.js";
import { startPushReceiver, decryptFor, type PushReceiver } from "../push/push-receiver.js";
import { freePort } from "../support/ports.js";


export interface Person {
  id: string;
  cookie: string;
}

export interface World {
  dir: string;
  dbPath: string;
  port: number;
  url: string;
  receiver: PushReceiver;
  deps: Deps;
  worker: Person;
  manager: Person;
  senior: Person;
  env: Record<string, string>;
  procs: ChildProcess[];
}

/** A database with a worker, a duty manager on the rota now, a senior manager and a seconds-long ladder. */
export async function makeWorld(steps: PolicyStep[]): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "dutyline-crash-"));
  const dbPath = join(dir, "dutyline.db");
  const receiver = await startPushReceiver({ certDir: dir });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    TZ: "UTC",
    DATABASE_PATH: dbPath,
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: url,
    PUSH_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}`,
    NODE_EXTRA_CA_CERTS: receiver.caPath,
    LOG_LEVEL: "warn",
  } as Record<string, string>;
  const deps = openDeps(loadConfig({ DATABASE_PATH: dbPath, PUBLIC_URL: url, LOG_LEVEL: "silent" }), { log: pino({ level: "silent" }) });
  const sys = { type: "system" as const, job: "crash-test" };
  const mk = async (name: string, roles: ("amhp" | "manager" | "senior_manager")[]) => {
    const v = await createStaff(deps, sys, { name, email: `${name.replace(/\W/g, "").toLowerCase()}@crash.example`, roles });
    return { id: v.id, cookie: sessionCookie(deps, v.id) };
  };
  const worker = await mk("Wendy Worker", ["amhp"]);
  const manager = await mk("Max Manager", ["manager"]);
  const senior = await mk("Sue Senior", ["senior_manager"]);
  const now = new Date();
  putSetting(deps.db, POLICY_KEY, { ...defaultPolicy([senior.id]), steps, panicStartsAtStep: 1, receiptTimeoutSeconds: 3600 }, now);
  const rota = deps.db.insert(rotas).values({ name: "Manager cover", kind: "manager_cover", createdAt: now, createdBy: "crash-test" }).returning().get();
  deps.db
    .insert(rotaAssignments)
    .values({ rotaId: rota.id, staffId: manager.id, start: new Date(now.getTime() - 3600_000), end: new Date(now.getTime() + 3600_000), source: "manual", createdAt: now, createdBy: "crash-test" } as typeof rotaAssignments.$inferInsert)
    .run();
  return { dir, dbPath, port, url, receiver, deps, worker, manager, senior, env, procs: [] };
}

export async function api(w: World, who: Person, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(w.url + path, {
    method,
    headers: { Origin: w.url, Cookie: who.cookie, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function spawnTsx(w: World, script: string, extraEnv: Record<string, string> = {}): ChildProcess {
  // node --import tsx: ONE process, so SIGKILL really kills the service (the tsx
  // wrapper would die alone and leave the server running as an orphan).
  const p = spawn(process.execPath, ["--import", "tsx", script], { env: { ...w.env, ...extraEnv }, stdio: ["ignore", "ignore", "pipe"] });
  p.stderr?.on("data", (d: Buffer) => {
    if (process.env.CRASH_DEBUG) process.stderr.write(d);
  });
  w.procs.push(p);
  return p;
}

/** Start the real service and wait until it answers. */
export async function startServer(w: World, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const p = spawnTsx(w, "src/server.ts", extraEnv);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (p.exitCode !== null) throw new Error(`server exited with ${p.exitCode}`);
    try {
      const r = await fetch(`${w.url}/healthz`);
      if (r.ok) return p;
    } catch {
      /* not yet */
    }
    await sleep(50);
  }
  throw new Error("server did not start");
}

export function startWorker(w: World): ChildProcess {
  return spawnTsx(w, "workers/escalation.ts");
}

export async function kill9(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => p.once("exit", () => resolve()));
  p.kill("SIGKILL");
  await gone;
}

export async function cleanup(w: World): Promise<void> {
  for (const p of w.procs) await kill9(p);
  w.deps.db.$client.close();
  await w.receiver.close();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Notification ids the receiver decrypted, with how many times each arrived. */
export function deliveries(w: World): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of w.receiver.requests) {
    try {
      const p = decryptFor(r.path, r.body);
      if (p?.notificationId) counts.set(p.notificationId, (counts.get(p.notificationId) ?? 0) + 1);
    } catch {
      /* not one of ours */
    }
  }
  return counts;
}

/** Subscribe each person's "phone" at the receiver, through the real API. */
export async function subscribeAll(w: World): Promise<void> {
  for (const [name, who] of [["worker", w.worker], ["manager", w.manager], ["senior", w.senior]] as const) {
    const sub = w.receiver.makeSubscription(name);
    const r = await api(w, who, "POST", "/api/push/subscriptions", sub);
    if (r.status !== 201 && r.status !== 200) throw new Error(`subscribe ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
