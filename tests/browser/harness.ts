// Browser test scaffolding: the real server as a child process on a free port with a
// temporary database, Debian's Chromium driven by playwright-core, screenshots and axe.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { afterAll, beforeAll } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { freePort } from "../support/ports.js";

const require = createRequire(import.meta.url);
export const ROOT = new URL("../../", import.meta.url).pathname;
export const SHOTS = join(ROOT, "docs/screenshots");
export const ADMIN = { email: "admin@browser.test", password: "browser-admin-password-1" };
export const PHONE = { width: 360, height: 740 };
export const DESK = { width: 1280, height: 900 };


export interface Server {
  url: string;
  port: number;
  proc: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** Start `tsx src/server.ts` and wait until /healthz answers. */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "dutyline-browser-"));
  const url = `http://localhost:${port}`;
  let out = "";
  const proc = spawn(join(ROOT, "node_modules/.bin/tsx"), ["src/server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      TZ: "UTC",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_PATH: join(dir, "dutyline.db"),
      PUBLIC_URL: url,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    proc,
    log: () => out,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A signed-in API client (cookie + Origin), for seeding and checking. */
export class Api {
  constructor(
    private base: string,
    private cookie = "",
  ) {}

  static async login(base: string, email: string, password: string): Promise<Api> {
    const res = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: base },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    return new Api(base, cookie);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { Origin: this.base, Cookie: this.cookie, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  }

  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call<T>(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

let n = 0;
/** Make a person who can sign in at once. */
export async function makePerson(admin: Api, roles: string[], extra: Record<string, unknown> = {}) {
  n++;
  const email = `${roles[0]}-${n}-${Math.random().toString(36).slice(2, 7)}@browser.test`;
  const password = `password-for-${roles[0]}-${n}`;
  const name = (extra.name as string) ?? `${roles[0] === "amhp" ? "Sam" : roles[0] === "manager" ? "Morgan" : "Harper"} ${["Okafor", "Patel", "Jones", "Nowak", "Byrne"][n % 5]}`;
  const body = await admin.ok("POST", "/api/staff", { name, email, roles, password, team: "North", category: roles.includes("manager") ? "manager" : "qualified", ...extra });
  return { id: body.id as string, email, password, name };
}

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

export async function signIn(page: Page, base: string, who: { email: string; password: string }, next = "/") {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.getByRole("button", { name: "Sign in" }).click()]);
}

/** The page at phone and desk width, into docs/screenshots/<name>-360.png and -1280.png. */
export async function screenshots(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize() ?? PHONE;
  for (const vp of [PHONE, DESK]) {
    await page.setViewportSize(vp);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(SHOTS, `${name}-${vp.width}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core run in the page (evaluated through the debugger, which the CSP does not block). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(" ")).slice(0, 3) }));
  });
  return result.filter((v: any) => v.impact === "serious" || v.impact === "critical").map((v: any) => `${v.id} (${v.impact}): ${v.help} @ ${v.nodes.join(", ")}`);
}

export async function phoneContext(browser: Browser, extra: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, ...extra });
}

export interface Suite {
  server: Server;
  browser: Browser;
  /** The first admin, signed in over the API, for seeding. */
  admin: Api;
}

/**
 * One real server and one Chromium for a test file, started before its tests and
 * closed after them. The fields are filled in by beforeAll: read them inside tests.
 */
export function browserSuite(env: () => Record<string, string> | Promise<Record<string, string>> = () => ({})): Suite {
  const suite = {} as Suite;
  beforeAll(async () => {
    // Each kept as soon as it is up, so afterAll stops the server even when the browser cannot
    // start (a machine without Chromium left one server running per suite).
    const started = await Promise.allSettled([
      Promise.resolve(env()).then((e) => startServer(e)).then((s) => (suite.server = s)),
      launch().then((b) => (suite.browser = b)),
    ]);
    for (const r of started) if (r.status === "rejected") throw r.reason;
    suite.admin = await Api.login(suite.server.url, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}

/**
 * A browser with JavaScript off, signed in as `who` (through the sign-in page in a JavaScript
 * context, whose session is then carried over), open at `path`.
 */
export async function noScriptPage(suite: Suite, who: { email: string; password: string }, path: string, viewport = DESK) {
  const signing = await suite.browser.newContext({ viewport });
  await signIn(await signing.newPage(), suite.server.url, who, "/");
  const storageState = await signing.storageState();
  await signing.close();
  const context = await suite.browser.newContext({ viewport, javaScriptEnabled: false, storageState });
  const page = await context.newPage();
  await page.goto(`${suite.server.url}${path}`);
  return { context, page };
}

/** axe needs JavaScript in the page: the same page, as the same person, in a JavaScript context. */
export async function axeOfNoScript(suite: Suite, page: Page): Promise<string[]> {
  const context = await suite.browser.newContext({ viewport: DESK, storageState: await page.context().storageState() });
  const again = await context.newPage();
  await again.goto(page.url());
  const found = await seriousViolations(again);
  await context.close();
  return found;
}
