// The real thing, briefly: start the server as `npm start` does, on a temp file,
// write, stop, start again on the same file. Data stays; migrations are not
// re-applied; the audit chain verifies, and audit:verify exits 1 on tampering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { freePort } from "../support/ports.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const ADMIN = { email: "first.admin@council.example", password: "first admin passphrase" };
let dir: string;
let dbPath: string;
let port: number;
let base: string;


function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, TZ: "UTC", DATABASE_PATH: dbPath, PORT: String(port), PUBLIC_URL: base, LOG_LEVEL: "warn", ...extra };
}

async function start(): Promise<ChildProcess> {
  const child = spawn(TSX, ["src/server.ts"], { cwd: ROOT, env: env({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) return child;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`no /healthz within 60 s: ${output}`);
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok(child.exitCode);
    child.once("exit", (code) => ok(code));
    child.kill("SIGTERM");
  });
}

const migrationsApplied = () => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

async function call(method: string, path: string, cookie?: string, body?: unknown) {
  const headers: Record<string, string> = { Origin: base };
  if (cookie) headers.Cookie = cookie;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

/** Through npm, exactly as the README says. */
const runNpm = (script: string, args: string[] = []) =>
  spawnSync("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, env: env(), encoding: "utf8", timeout: 60_000 });
/** The same script without npm's start-up, for the variations. */
const runCli = (file: string, args: string[] = []) => spawnSync(TSX, [`src/cli/${file}.ts`, ...args], { cwd: ROOT, env: env(), encoding: "utf8", timeout: 60_000 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dutyline-process-"));
  dbPath = join(dir, "nested", "dutyline.db");
  port = await freePort();
  base = `http://localhost:${port}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the service as a process", () => {
  it("starts, keeps everything across a restart without re-applying migrations, and its audit chain verifies", async () => {
    let server = await start();
    let cookie: string;
    let createdId: string;
    try {
      expect((await call("GET", "/readyz")).status).toBe(200);
      const login = await call("POST", "/api/auth/login", undefined, ADMIN);
      expect(login.status).toBe(200);
      cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const made = await call("POST", "/api/staff", cookie, { name: "Kept Person", email: "kept@council.example", roles: ["amhp"], team: "Restart Team" });
      expect(made.status).toBe(201);
      createdId = made.body.id;
    } finally {
      expect(await stop(server)).toBe(0);
    }
    const applied = migrationsApplied();
    expect(applied).toBeGreaterThan(0);

    server = await start();
    try {
      // The session survives too: it lives in the database.
      const again = await call("GET", `/api/staff/${createdId}`, cookie);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ name: "Kept Person", team: "Restart Team" });
      const everyone = await call("GET", "/api/staff", cookie);
      expect(everyone.body.staff).toHaveLength(2); // ADMIN_* made no second admin
      const verify = await call("GET", "/api/audit/verify", cookie);
      expect(verify.body).toMatchObject({ ok: true });
    } finally {
      expect(await stop(server)).toBe(0);
    }
    expect(migrationsApplied()).toBe(applied);
  }, 120_000);

  it("npm run audit:verify exits 0 on a good file, 1 naming the seq on a tampered one; checkpoints work", () => {
    const good = runNpm("audit:verify");
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/intact/);

    const cp = runNpm("audit:checkpoint");
    expect(cp.status, cp.stderr).toBe(0);
    const checkpoint = JSON.parse(cp.stdout) as { seq: number; hash: string };
    expect(checkpoint.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(runCli("audit-verify", ["--checkpoint", `${checkpoint.seq}:${checkpoint.hash}`]).status).toBe(0);
    expect(runCli("audit-verify", ["--checkpoint", `${checkpoint.seq}:${"f".repeat(64)}`]).status).toBe(1);

    const db = new Database(dbPath);
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare(`UPDATE audit_log SET data = '{"forged":true}' WHERE seq = 2`).run();
    db.close();
    const bad = runNpm("audit:verify");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/seq 2\b/);
    const json = runCli("audit-verify", ["--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBadSeq: 2 });

    // A mistyped path is a usage error, and no empty database is left behind.
    const missing = join(dir, "typo.db");
    const none = spawnSync(TSX, ["src/cli/audit-verify.ts"], { cwd: ROOT, env: env({ DATABASE_PATH: missing }), encoding: "utf8", timeout: 60_000 });
    expect(none.status).toBe(2);
    expect(existsSync(missing)).toBe(false);
  }, 120_000);

  it("a bad configuration value stops start-up naming the variable", () => {
    const res = spawnSync(TSX, ["src/server.ts"], { cwd: ROOT, env: env({ PORT: "not-a-port" }), encoding: "utf8", timeout: 30_000 });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/PORT/);
  }, 60_000);
});

describe("the other commands", () => {
  it("npm run demo fills an empty database once and prints sign-ins that work; admin:create reads the password from stdin", async () => {
    const demoDb = join(dir, "demo.db");
    const demo = spawnSync("npm", ["run", "--silent", "demo"], { cwd: ROOT, env: env({ DATABASE_PATH: demoDb }), encoding: "utf8", timeout: 120_000 });
    expect(demo.status, demo.stderr).toBe(0);
    const password = /password: (\S+)/.exec(demo.stdout)![1]!;
    const emails = [...demo.stdout.matchAll(/^\s+(\S+@\S+)\s/gm)].map((m) => m[1]);
    expect(emails.length).toBeGreaterThanOrEqual(20);
    const again = spawnSync(TSX, ["src/cli/demo.ts"], { cwd: ROOT, env: env({ DATABASE_PATH: demoDb }), encoding: "utf8", timeout: 60_000 });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/Refusing/);

    const made = spawnSync("npm", ["run", "--silent", "admin:create", "--", "--email", "Second.Admin@Council.example", "--name", "Second Admin"], {
      cwd: ROOT,
      env: env({ DATABASE_PATH: demoDb }),
      input: "second admin passphrase\n",
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout + made.stderr).not.toContain("second admin passphrase");
    const dup = spawnSync(TSX, ["src/cli/admin-create.ts", "--email", "second.admin@council.example", "--name", "X"], { cwd: ROOT, env: env({ DATABASE_PATH: demoDb }), input: "second admin passphrase\n", encoding: "utf8", timeout: 60_000 });
    expect(dup.status).toBe(1);
    // A locked-out admin gets a new password; a demo AMHP is made an admin the same way.
    const reset = spawnSync(TSX, ["src/cli/admin-create.ts", "--email", emails[0]!, "--reset-password"], { cwd: ROOT, env: env({ DATABASE_PATH: demoDb }), input: "a fresh reset passphrase\n", encoding: "utf8", timeout: 60_000 });
    expect(reset.status, reset.stderr).toBe(0);
    const argv = spawnSync(TSX, ["src/cli/admin-create.ts", "--email", "x@council.example", "--name", "X", "--password", "on-the-command-line"], { cwd: ROOT, env: env({ DATABASE_PATH: demoDb }), encoding: "utf8", timeout: 60_000 });
    expect(argv.status).toBe(2);

    // Sign in as a demo person and as the new admin, in-process over the same file.
    const { loadConfig } = await import("../../src/config.js");
    const { openDeps } = await import("../../src/bootstrap.js");
    const { createApp } = await import("../../src/app.js");
    const pino = (await import("pino")).default;
    const deps = openDeps(loadConfig({ DATABASE_PATH: demoDb, PUBLIC_URL: "http://localhost:3000" }), { log: pino({ level: "silent" }) });
    const app = createApp(deps);
    const login = (email: string, pw: string) =>
      app.request("/api/auth/login", { method: "POST", headers: { "Content-Type": "application/json", Origin: "http://localhost:3000" }, body: JSON.stringify({ email, password: pw }) });
    expect((await login(emails[1]!, password)).status).toBe(200);
    expect((await login(emails[0]!, password)).status).toBe(401);
    expect((await login(emails[0]!, "a fresh reset passphrase")).status).toBe(200);
    const adminLogin = await login("second.admin@council.example", "second admin passphrase");
    expect(adminLogin.status).toBe(200);
    expect((await adminLogin.json()).user.roles).toEqual(["admin"]);
    deps.db.$client.close();
  }, 180_000);
});
