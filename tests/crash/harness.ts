// Process-level harness: the real service (and workers) as child processes on a
// SQLite file in a temp dir, the local HTTPS push receiver in this process
// counting what really left, and kill -9 in between. With `{ notify: true }` the
// service also texts through a local fake GOV.UK Notify, behind a tap (NotifyTap) that
// records every request's reference and can hold Notify's answers back, so that a kill
// lands after Notify accepted a text but before the service heard so.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
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
import { POLICY_KEY, defaultPolicy, type Policy, type PolicyStep } from "../../src/lone-working/escalation/policy.js";
import { notifyMessages } from "../../src/lone-working/delivery/channels/notify/schema.js";
import { rotaAssignments, rotas } from "../../src/rota/schema.js";
import { startPushReceiver, decryptFor, type PushReceiver } from "../push/push-receiver.js";
import { freePort } from "../support/ports.js";
import { startFakeNotify, type FakeNotify } from "../support/fake-notify.js";


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
  /** Present with `{ notify: true }`: the fake Notify the service texts through, and the tap in front of it. */
  notify?: NotifyTap;
}

/** A send request the tap passed to Notify: its `reference` (our notify_messages id) and when it arrived. */
export interface TappedRequest {
  reference: string | null;
  at: number;
}

/**
 * A pass-through in front of the fake Notify (what NOTIFY_BASE_URL points at): each request
 * goes on to Notify at once (it accepts or refuses it as it arrives), and Notify's answer is
 * held back `holdMs` before it is passed on. A process killed meanwhile never hears that its
 * text was accepted. An answer whose caller is gone is dropped (Notify keeps what it took).
 */
export interface NotifyTap {
  fake: FakeNotify;
  url: string;
  /** Every request, in arrival order. */
  requests: TappedRequest[];
  /** How long each answer is held back (changeable at any time; default 0). */
  holdMs: number;
  close(): Promise<void>;
}

export async function startNotifyTap(fake: FakeNotify): Promise<NotifyTap> {
  const sockets = new Set<Socket>();
  const tap: NotifyTap = {
    fake,
    url: "",
    requests: [],
    holdMs: 0,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let reference: string | null = null;
      try {
        const r = JSON.parse(body.toString("utf8")).reference;
        if (typeof r === "string") reference = r;
      } catch {
        /* not JSON: Notify answers it */
      }
      tap.requests.push({ reference, at: Date.now() });
      const headers: Record<string, string> = {};
      for (const h of ["authorization", "content-type", "user-agent", "accept"]) {
        const v = req.headers[h];
        if (typeof v === "string") headers[h] = v;
      }
      void (async () => {
        try {
          const r = await fetch(fake.url + (req.url ?? "/"), { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body });
          const answer = Buffer.from(await r.arrayBuffer());
          if (tap.holdMs > 0) await sleep(tap.holdMs);
          if (res.destroyed) return;
          res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json", ...(r.headers.get("retry-after") ? { "retry-after": r.headers.get("retry-after")! } : {}) }).end(answer);
        } catch {
          res.destroy(); // Notify hung up (a hang fault at close)
        }
      })();
    });
  });
  server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tap.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return tap;
}

export interface WorldOptions {
  /** Text through a local fake GOV.UK Notify (behind a NotifyTap). */
  notify?: boolean;
  /** Policy fields over the default's (steps and the rest as makeWorld sets them). */
  policy?: Partial<Omit<Policy, "steps">>;
}

/** A database with a worker, a duty manager on the rota now, a senior manager and a seconds-long ladder. */
export async function makeWorld(steps: PolicyStep[], opts: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "dutyline-crash-"));
  const dbPath = join(dir, "dutyline.db");
  const receiver = await startPushReceiver({ certDir: dir });
  const notify = opts.notify ? await startNotifyTap(await startFakeNotify()) : undefined;
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
    ...(notify ? { NOTIFY_API_KEY: notify.fake.apiKey, NOTIFY_SMS_TEMPLATE_ID: notify.fake.smsTemplateId, NOTIFY_BASE_URL: notify.url } : {}),
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
  putSetting(deps.db, POLICY_KEY, { ...defaultPolicy([senior.id]), steps, panicStartsAtStep: 1, receiptTimeoutSeconds: 3600, ...opts.policy }, now);
  const rota = deps.db.insert(rotas).values({ name: "Manager cover", kind: "manager_cover", createdAt: now, createdBy: "crash-test" }).returning().get();
  deps.db
    .insert(rotaAssignments)
    .values({ rotaId: rota.id, staffId: manager.id, start: new Date(now.getTime() - 3600_000), end: new Date(now.getTime() + 3600_000), source: "manual", createdAt: now, createdBy: "crash-test" } as typeof rotaAssignments.$inferInsert)
    .run();
  return { dir, dbPath, port, url, receiver, deps, worker, manager, senior, env, procs: [], notify };
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
  const p = spawn(process.execPath, ["--import", "tsx", script], { env: { ...w.env, ...extraEnv }, stdio: ["ignore", process.env.CRASH_DEBUG ? "inherit" : "ignore", "pipe"] });
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
  if (w.notify) {
    await w.notify.close();
    await w.notify.fake.close();
  }
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

/** Subscribe one person's "phone" at the receiver, through the real API. */
export async function subscribe(w: World, who: Person, name: string): Promise<void> {
  const sub = w.receiver.makeSubscription(name);
  const r = await api(w, who, "POST", "/api/push/subscriptions", sub);
  if (r.status !== 201 && r.status !== 200) throw new Error(`subscribe ${name}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Subscribe each person's "phone" at the receiver, through the real API. */
export async function subscribeAll(w: World): Promise<void> {
  for (const [name, who] of [["worker", w.worker], ["manager", w.manager], ["senior", w.senior]] as const) await subscribe(w, who, name);
}

/** Give someone a mobile number through the real API, as they would (PATCH /api/me). */
export async function giveMobile(w: World, who: Person, mobile: string): Promise<void> {
  const r = await api(w, who, "PATCH", "/api/me", { mobile });
  if (r.status !== 200) throw new Error(`PATCH /api/me: ${r.status} ${JSON.stringify(r.body)}`);
}

/**
 * Texts per notification id: how many requests for it reached Notify (`asked`, retries
 * included) and how many Notify accepted (`accepted`). A request carries our notify_messages
 * id as `reference`, and that row names the notification; `strays` are references no row
 * explains (a text the service sent without recording it first).
 */
export function textCounts(w: World): { asked: Map<string, number>; accepted: Map<string, number>; strays: string[] } {
  if (!w.notify) throw new Error("textCounts: this world was made without { notify: true }");
  const owner = new Map(w.deps.db.select({ id: notifyMessages.id, n: notifyMessages.notificationId }).from(notifyMessages).all().map((m) => [m.id, m.n]));
  const asked = new Map<string, number>();
  const accepted = new Map<string, number>();
  const strays: string[] = [];
  const count = (into: Map<string, number>, ref: string | null) => {
    const n = ref ? owner.get(ref) : undefined;
    if (!n) return void strays.push(String(ref));
    into.set(n, (into.get(n) ?? 0) + 1);
  };
  for (const r of w.notify.requests) count(asked, r.reference);
  for (const m of w.notify.fake.sent) if (m.type === "sms") count(accepted, m.reference);
  return { asked, accepted, strays };
}
