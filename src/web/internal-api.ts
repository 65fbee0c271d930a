import type { Context } from "hono";
import type { AppEnv, Deps } from "../deps.js";

type Fetcher = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };
const apps = new WeakMap<Deps, Fetcher>();

/**
 * Server-rendered pages read their data through the same HTTP API the phone uses,
 * in-process and with the caller's own cookie or token, so a page can never show
 * more than the API would give that person.
 */
export async function apiGet<T = any>(c: Context<AppEnv>, path: string): Promise<{ status: number; body: T | undefined; text: string }> {
  const deps = c.get("deps");
  let app = apps.get(deps);
  if (!app) {
    const { createApp } = await import("../app.js"); // lazy: app.ts imports this module
    app = createApp(deps);
    apps.set(deps, app);
  }
  const headers: Record<string, string> = {};
  const cookie = c.req.header("cookie");
  const auth = c.req.header("authorization");
  if (cookie) headers.cookie = cookie;
  if (auth) headers.authorization = auth;
  const res = await app.request(path, { headers });
  const text = await res.text();
  let body: T | undefined;
  if ((res.headers.get("content-type") ?? "").includes("json")) {
    try {
      body = JSON.parse(text) as T;
    } catch {
      body = undefined;
    }
  }
  return { status: res.status, body, text };
}
