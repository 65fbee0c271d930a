// Two connections on one SQLite file (WAL), each with its own deps and app: what two
// processes, or two instances of a server, share. Not :memory: (that is one connection's
// own database). On tmpfs when there is one: the tests race writers, not fsyncs.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { FakeClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import { createApp } from "../../src/app.js";
import type { Deps } from "../../src/deps.js";
import type { Role } from "../../src/staff/schema.js";
import { createStaff } from "../../src/staff/service.js";
import { Client, ORIGIN, sessionCookie } from "../helpers.js";

export const START = "2026-11-24T12:00:00Z";

export function tempDbFile(): { dir: string; path: string } {
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "dutyline-race-"));
  return { dir, path: join(dir, "dutyline.db") };
}

export interface Racer {
  deps: Deps;
  clock: FakeClock;
}

/** Two connections (a, b) on a fresh migrated file database, one fake clock between them. */
export function twoConnections() {
  const { dir, path } = tempDbFile();
  const config = loadConfig({ DATABASE_PATH: path, LOG_LEVEL: "silent", PUBLIC_URL: ORIGIN });
  const clock = new FakeClock(START);
  const log = pino({ level: "silent" });
  const a = openDeps(config, { clock, log });
  const b = openDeps(config, { clock, log });
  const appA = createApp(a);
  const appB = createApp(b);
  let n = 0;
  return {
    path,
    clock,
    a,
    b,
    /** A person with one session, and a client for it on each connection's app. */
    async person(roles: Role[]) {
      n++;
      const view = await createStaff(a, { type: "system", job: "test" }, { name: `Racer ${roles[0]} ${n}`, email: `racer-${n}@test.example`, roles });
      const cookie = sessionCookie(a, view.id);
      return { id: view.id, a: new Client(appA, cookie), b: new Client(appB, cookie) };
    },
    close() {
      a.db.$client.close();
      b.db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RacerResult {
  label: string;
  /** append: seqs this process wrote; claim: notification ids this process sent. */
  ids: (string | number)[];
}

/**
 * Start one racer.ts child per label on the database at `path`; each opens its own
 * connection, says it is ready, and all start on the same "go". Resolves with their results.
 */
export async function raceProcesses(mode: "append" | "claim", path: string, labels: string[], n = 0): Promise<RacerResult[]> {
  const script = fileURLToPath(new URL("./racer.ts", import.meta.url));
  const procs = labels.map((label) =>
    spawn(process.execPath, ["--import", "tsx", script, mode, path, label, String(n), START], { stdio: ["ignore", "ignore", "pipe", "ipc"], env: { ...process.env, TZ: "UTC" } }),
  );
  const stderr = procs.map(() => "");
  const results = procs.map(
    (p, i) =>
      new Promise<RacerResult>((resolve, reject) => {
        p.stderr!.on("data", (d: Buffer) => (stderr[i] += d.toString()));
        p.on("message", (m: { result?: RacerResult }) => m.result && resolve(m.result));
        p.on("exit", (code) => reject(new Error(`racer ${labels[i]} exited ${code}: ${stderr[i]}`)));
      }),
  );
  const ready = procs.map((p) => new Promise<void>((resolve) => p.on("message", (m: { ready?: boolean }) => m.ready && resolve())));
  try {
    await Promise.all(ready);
    for (const p of procs) p.send("go");
    return await Promise.all(results);
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill();
  }
}
