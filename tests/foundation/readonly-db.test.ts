// Issue 9 "a database that cannot be written reports ready": start-up on a read-only
// file, a full disk or a path through a file fails naming DATABASE_PATH and the cause
// (no stack, exit 1), and /readyz commits a write and answers 503 when it fails.
// Reproduced for real where the machine allows it: tests run as root, so chmod stops
// nothing; `chattr +i` makes the file immutable, and a small tmpfs fills up for real.
// Where neither is permitted (an unprivileged CI), those cases are skipped; the path
// through a file runs everywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pino from "pino";
import { FakeClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import { createApp } from "../../src/app.js";
import { heartbeat } from "../../src/lone-working/escalation/pass.js";
import { DatabaseUnavailable } from "../../src/db/connection.js";
import { Client } from "../helpers.js";

const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" });
function can(probe: () => boolean): boolean {
  try {
    return probe();
  } catch {
    return false;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dutyline-rodb-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Make a migrated database at `path`, closed cleanly (as after a normal stop). */
function makeDb(path: string): void {
  openDeps(loadConfig({ DATABASE_PATH: path, LOG_LEVEL: "silent" }), { log: pino({ level: "silent" }) }).db.$client.close();
}

/** Start an entry point against `path` and return how it ended. */
function start(script: string, path: string) {
  return spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    env: { ...process.env, TZ: "UTC", DATABASE_PATH: path, PORT: "1", HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

function expectRefused(res: ReturnType<typeof start>, path: string, cause: RegExp) {
  expect(res.status, res.stderr).toBe(1);
  expect(res.stderr).toContain(`Cannot start: DATABASE_PATH=${path}: `);
  expect(res.stderr).toMatch(cause);
  expect(res.stderr).not.toMatch(/^\s+at /m); // a sentence, not a stack
}

/** A tmpfs of `kb` KiB mounted at a new directory, or undefined where mounting is not permitted. */
function tmpfs(kb: number): string | undefined {
  const at = join(dir, `tmpfs-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(at);
  return sh("mount", ["-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", at]).status === 0 ? at : undefined;
}
const fill = (at: string) => sh("sh", ["-c", `dd if=/dev/zero of=${at}/filler bs=4k 2>/dev/null; true`]);

const chattrWorks = can(() => {
  const f = join(mkdtempSync(join(tmpdir(), "dutyline-chattr-")), "f");
  writeFileSync(f, "x");
  const ok = sh("chattr", ["+i", f]).status === 0;
  sh("chattr", ["-i", f]);
  return ok;
});
const mountWorks = can(() => {
  const d = mkdtempSync(join(tmpdir(), "dutyline-mount-"));
  const ok = sh("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", d]).status === 0;
  if (ok) sh("umount", [d]);
  return ok;
});

describe("start-up refuses a database it cannot write", () => {
  it("a DATABASE_PATH through a file (server and worker)", () => {
    const file = join(dir, "not-a-dir");
    writeFileSync(file, "x");
    const path = join(file, "dutyline.db");
    expectRefused(start("src/server.ts", path), path, /a part of the path is a file, not a directory/);
    expectRefused(start("workers/escalation.ts", path), path, /a part of the path is a file, not a directory/);
  }, 60_000);

  it("openDeps throws DatabaseUnavailable naming the path (the CLIs and tests use it too)", () => {
    const path = join(dir, "not-a-dir", "x.db");
    expect(() => openDeps(loadConfig({ DATABASE_PATH: path, LOG_LEVEL: "silent" }), { log: pino({ level: "silent" }) })).toThrow(DatabaseUnavailable);
  });

  it.skipIf(!chattrWorks)("a read-only (immutable) database file: it opens and migrates fine, but the write probe refuses", () => {
    const path = join(dir, "immutable.db");
    makeDb(path);
    expect(sh("chattr", ["+i", path]).status).toBe(0);
    try {
      expectRefused(start("src/server.ts", path), path, /read-only \(SQLITE_READONLY/);
      expectRefused(start("workers/escalation.ts", path), path, /read-only/);
    } finally {
      sh("chattr", ["-i", path]);
    }
  }, 60_000);

  it.skipIf(!mountWorks)("a read-only file system", () => {
    const at = tmpfs(4096)!;
    try {
      const path = join(at, "dutyline.db");
      makeDb(path);
      expect(sh("mount", ["-o", "remount,ro", at]).status).toBe(0);
      expectRefused(start("src/server.ts", path), path, /file system is read-only/);
    } finally {
      sh("umount", [at]);
    }
  }, 60_000);

  it.skipIf(!mountWorks)("a full disk", () => {
    const at = tmpfs(4096)!;
    try {
      const path = join(at, "dutyline.db");
      makeDb(path);
      fill(at);
      expectRefused(start("src/server.ts", path), path, /the disk is full/);
    } finally {
      sh("umount", [at]);
    }
  }, 60_000);
});

describe("readiness commits a write", () => {
  it.skipIf(!mountWorks)("the disk fills while the service runs: /readyz answers 503 naming the cause, and 200 again once there is room", async () => {
    const at = tmpfs(4096)!;
    const clock = new FakeClock();
    const deps = openDeps(loadConfig({ DATABASE_PATH: join(at, "dutyline.db"), LOG_LEVEL: "silent" }), { clock, log: pino({ level: "silent" }) });
    try {
      const anon = new Client(createApp(deps));
      heartbeat(deps);
      expect((await anon.get("/readyz")).status).toBe(200);
      fill(at);
      clock.advance(1000); // the probe runs at most once a second
      const full = await anon.get("/readyz");
      expect(full.status).toBe(503);
      expect(full.body).toMatchObject({ status: "unavailable", checks: { database: "ok", write: expect.stringMatching(/disk is full/) } });
      rmSync(join(at, "filler"));
      clock.advance(1000);
      heartbeat(deps);
      expect((await anon.get("/readyz")).status).toBe(200);
    } finally {
      deps.db.$client.close();
      sh("umount", [at]);
    }
  });
});
