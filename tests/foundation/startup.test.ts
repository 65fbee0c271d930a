// Configuration, health, the OpenAPI document and the first admin.
import { describe, expect, it } from "vitest";
import pino from "pino";
import { loadConfig, ConfigError } from "../../src/config.js";
import { openDeps, ensureFirstAdmin } from "../../src/bootstrap.js";
import { staff } from "../../src/staff/schema.js";
import { testEnv } from "../helpers.js";
import { signIn } from "./support.js";
import { heartbeat } from "../../src/lone-working/escalation/pass.js";

describe("configuration", () => {
  it("has working defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATABASE_PATH: "./data/dutyline.db", TZ_LOCAL: "Europe/London", PUBLIC_URL: "http://localhost:3000" });
    expect(c.pushAllowedHosts.length).toBeGreaterThan(0);
  });

  it.each([
    ["PORT", { PORT: "eighty" }],
    ["PORT", { PORT: "70000" }],
    ["TZ_LOCAL", { TZ_LOCAL: "Europe/Londres" }],
    ["PUBLIC_URL", { PUBLIC_URL: "localhost" }],
    ["ADMIN_EMAIL", { ADMIN_EMAIL: "admin", ADMIN_PASSWORD: "long enough passphrase" }],
    ["ADMIN_PASSWORD", { ADMIN_EMAIL: "a@b.example", ADMIN_PASSWORD: "short" }],
    ["ADMIN_PASSWORD", { ADMIN_EMAIL: "a@b.example" }],
    ["VAPID_PRIVATE_KEY", { VAPID_PUBLIC_KEY: "abc" }],
    ["SESSION_IDLE_MINUTES", { SESSION_IDLE_MINUTES: "-5" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["TRUST_PROXY", { TRUST_PROXY: "yes" }],
    ["NOTIFY_API_KEY", { NOTIFY_API_KEY: "not-a-key" }],
    ["NOTIFY_SMS_TEMPLATE_ID", { NOTIFY_API_KEY: `t-${"1".repeat(8)}-1111-4111-8111-${"1".repeat(12)}-${"2".repeat(8)}-2222-4222-8222-${"2".repeat(12)}` }],
    ["NOTIFY_EMAIL_TEMPLATE_ID", { NOTIFY_EMAIL_TEMPLATE_ID: "not-a-uuid" }],
    ["NOTIFY_BASE_URL", { NOTIFY_BASE_URL: "api.notify" }],
    ["NOTIFY_CALLBACK_TOKEN", { NOTIFY_CALLBACK_TOKEN: "short" }],
  ])("a bad %s stops start-up naming the variable", (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it("PUSH_ALLOWED_HOSTS replaces the default list", () => {
    expect(loadConfig({ PUSH_ALLOWED_HOSTS: "push.example:8443, other.example" }).pushAllowedHosts).toEqual(["push.example:8443", "other.example"]);
  });
});

describe("first admin", () => {
  it("ADMIN_EMAIL/ADMIN_PASSWORD make an admin on an empty database only, who can sign in", async () => {
    const config = loadConfig({ DATABASE_PATH: ":memory:", ADMIN_EMAIL: "Boss@Council.example", ADMIN_PASSWORD: "a long first passphrase", LOG_LEVEL: "silent" });
    const deps = openDeps(config, { log: pino({ level: "silent" }) });
    await ensureFirstAdmin(deps);
    await ensureFirstAdmin(deps); // a restart: nothing more
    const rows = deps.db.select().from(staff).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: "boss@council.example", roles: ["admin"] });
    expect(rows[0]!.passwordHash).toMatch(/^\$argon2id\$/);
    const { createApp } = await import("../../src/app.js");
    const { res } = await signIn({ app: createApp(deps) }, "boss@council.example", "a long first passphrase");
    expect(res.status).toBe(200);
    deps.db.$client.close();
  });
});

describe("health and docs", () => {
  it("/healthz and /readyz answer; /openapi.json and /docs are served", async () => {
    const env = await testEnv();
    expect((await env.anon.get("/healthz")).body).toEqual({ status: "ok" });
    // Ready needs a live escalation scheduler too (issue 9): none has beaten yet here.
    const noScheduler = await env.anon.get("/readyz");
    expect(noScheduler.status).toBe(503);
    expect(noScheduler.body).toEqual({ status: "unavailable", checks: { database: "ok", write: "ok", scheduler: expect.stringMatching(/^no live scheduler/) } });
    heartbeat(env.deps);
    expect((await env.anon.get("/readyz")).body).toEqual({ status: "ready", checks: { database: "ok", write: "ok", scheduler: "ok" } });
    env.clock.advance(env.config.SCHEDULER_STALE_SECONDS * 1000 + 1000); // the scheduler stopped beating
    const stale = await env.anon.get("/readyz");
    expect(stale.status).toBe(503);
    expect(stale.body.checks.scheduler).toBe(`no live scheduler for ${env.config.SCHEDULER_STALE_SECONDS + 1} s`);
    heartbeat(env.deps);
    expect((await env.anon.get("/readyz")).status).toBe(200);
    const doc = await env.anon.get("/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    for (const p of ["/api/auth/login", "/api/auth/logout", "/api/me", "/api/tokens", "/api/staff", "/api/staff/{id}", "/api/audit", "/api/audit/verify"]) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
    // The login body in the document is the schema that validates it.
    expect(doc.body.paths["/api/auth/login"].post.requestBody.content["application/json"].schema.required).toEqual(["email", "password"]);
    const docs = await env.anon.get("/docs");
    expect(docs.status).toBe(200);
    expect(docs.text).toContain("/openapi.json");
    env.deps.db.$client.close();
    const down = await env.anon.get("/readyz");
    expect(down.status).toBe(503);
    expect(down.body.checks.database).toMatch(/^not answering/);
  });
});
