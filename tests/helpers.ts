// Shared test scaffolding: a fresh in-memory database per app, a fake clock,
// factories that make uniquely named rows, and a client that signs requests.
import pino from "pino";
import { FakeClock } from "../src/clock.js";
import { loadConfig, type Config } from "../src/config.js";
import { openDeps } from "../src/bootstrap.js";
import { createApp, type App } from "../src/app.js";
import type { Deps } from "../src/deps.js";
import { createStaff, type NewStaff } from "../src/staff/service.js";
import { sessions } from "../src/auth/schema.js";
import { digest, newSecret } from "../src/auth/tokens.js";
import type { Role } from "../src/staff/schema.js";
import { sessionCookieName } from "../src/auth/middleware.js";
import { auditLog } from "../src/audit/schema.js";
import { count } from "drizzle-orm";

export const ORIGIN = "http://localhost:3000";

export interface TestEnv {
  app: App;
  deps: Deps;
  clock: FakeClock;
  config: Config;
  /** Make a person (with a live session) and a client acting as them. */
  person(over?: Partial<NewStaff>): Promise<{ id: string; email: string; client: Client }>;
  /** A client with no session. */
  anon: Client;
  auditCount(): number;
}

export async function testEnv(env: Record<string, string> = {}, start = "2026-11-24T12:00:00Z"): Promise<TestEnv> {
  const config = loadConfig({ DATABASE_PATH: ":memory:", LOG_LEVEL: "silent", PUBLIC_URL: ORIGIN, ...env });
  const clock = new FakeClock(start);
  const deps = openDeps(config, { clock, log: pino({ level: "silent" }) });
  const app = createApp(deps);
  let n = 0;
  return {
    app,
    deps,
    clock,
    config,
    anon: new Client(app),
    async person(over = {}) {
      n++;
      const roles: Role[] = over.roles ?? ["amhp"];
      const email = over.email ?? `${roles.join("-")}-${n}-${Math.random().toString(36).slice(2, 8)}@test.example`;
      const view = await createStaff(deps, { type: "system", job: "test" }, { name: over.name ?? `Test ${roles[0]} ${n}`, email, roles, ...over });
      return { id: view.id, email, client: new Client(app, sessionCookie(deps, view.id)) };
    },
    auditCount: () => deps.db.select({ n: count() }).from(auditLog).get()!.n,
  };
}

/** A session made directly in the database: skips the (deliberately slow) password hash. */
export function sessionCookie(deps: Deps, staffId: string): string {
  const token = newSecret();
  const now = deps.clock.now();
  deps.db
    .insert(sessions)
    .values({ id: digest(token), staffId, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 7 * 86_400_000) })
    .run();
  return `${sessionCookieName(deps.config.PUBLIC_URL)}=${token}`;
}

export interface Result<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export class Client {
  constructor(
    private app: App,
    public cookie?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Result<T>> {
    const h: Record<string, string> = { Origin: ORIGIN, ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (body !== undefined) h["Content-Type"] = "application/json";
    const res = await this.app.request(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }
  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>("GET", path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body ?? {}, headers);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("PUT", path, body ?? {}, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("PATCH", path, body ?? {}, headers);
  }
  delete<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("DELETE", path, body, headers);
  }
}

/** Assert a 400 problem that names `field` in errors[].path. */
export function expectInvalid(res: Result, field: string) {
  if (res.status !== 400) throw new Error(`expected 400, got ${res.status}: ${res.text}`);
  if (!res.headers.get("content-type")?.includes("application/problem+json")) throw new Error("not problem+json");
  const paths = (res.body.errors ?? []).map((e: { path: string }) => e.path);
  if (!paths.includes(field)) throw new Error(`expected an error at "${field}", got ${JSON.stringify(paths)}`);
}
