// Helpers for the foundation tests: real sign-in through the API, and an app
// whose log lines are captured so tests can read them.
import { Writable } from "node:stream";
import { FakeClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/bootstrap.js";
import { createApp } from "../../src/app.js";
import { createLogger } from "../../src/log.js";
import { Client, ORIGIN, type TestEnv } from "../helpers.js";

export const PASSWORD = "correct horse battery staple";

/** Sign in through POST /api/auth/login; returns the response and a client holding the new cookie. */
export async function signIn(env: Pick<TestEnv, "app">, email: string, password = PASSWORD, opts: { from?: string; cookie?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.from) headers["X-Forwarded-For"] = opts.from;
  const res = await new Client(env.app, opts.cookie).post("/api/auth/login", { email, password }, headers);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  return { res, setCookie, client: new Client(env.app, cookie || undefined), cookie };
}

/** An app over an in-memory database whose log lines land in `lines`. */
export function loggedApp(env: Record<string, string> = {}) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const config = loadConfig({ DATABASE_PATH: ":memory:", PUBLIC_URL: ORIGIN, LOG_LEVEL: "trace", ...env });
  const clock = new FakeClock();
  const deps = openDeps(config, { clock, log: createLogger("trace", sink) });
  const app = createApp(deps);
  return { app, deps, clock, lines, anon: new Client(app) };
}
