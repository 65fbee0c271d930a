// How pages get their data (src/web/api.ts): through the one app that serves the request,
// as the person who opened the page, read with the route's own schema. A refusal comes
// back as the API gave it; an answer the page cannot read is a 500 that names the call
// and the field in the log, never a blank page.
import { Writable } from "node:stream";
import pino from "pino";
import { Hono, type Context } from "hono";
import { z } from "@hono/zod-openapi";
import { describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { ORIGIN, testEnv, type TestEnv } from "../helpers.js";
import type { AppEnv } from "../../src/deps.js";
import { fieldErrors, load, send, PageDataError } from "../../src/web/api.js";
import { RotaList, RotaSchema } from "../../src/rota/routes.js";
import { StaffList } from "../../src/staff/routes.js";

const visible = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

/** A page-like route on its own Hono, handed the test's app as its API (as createApp hands itself). */
function harness(env: TestEnv, handler: (c: Context<AppEnv>) => Promise<unknown>) {
  const h = new Hono<AppEnv>();
  h.use(async (c, next) => {
    c.set("deps", env.deps);
    c.set("api", env.app);
    c.set("requestId", "page-request-1");
    await next();
  });
  h.all("/page", async (c) => {
    try {
      return c.json({ result: await handler(c) });
    } catch (e) {
      return c.json({ thrown: e instanceof PageDataError ? { call: e.call, fields: e.fields, message: e.message } : String(e) }, 500);
    }
  });
  return async (cookie?: string, init: RequestInit = {}) => {
    const res = await h.request(`${ORIGIN}/page`, { ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string> | undefined) } });
    return (await res.json()) as { result?: any; thrown?: any };
  };
}

describe("page loaders", () => {
  it("read through the app serving the request (no second app), once per call", async () => {
    const env = await testEnv();
    const amhp = await env.person({ roles: ["amhp"] });
    const spy = vi.spyOn(env.app, "request");
    const res = await amhp.client.get("/");
    expect(res.status).toBe(200);
    // The page itself, then each of its reads once (shifts, on duty, visits, supervisions to
    // confirm, swaps) on the same instance.
    expect(spy.mock.calls.map((c) => new URL(String(c[0]), ORIGIN).pathname).sort()).toEqual(
      ["/", "/api/me/shifts", "/api/on-duty", "/api/visits", "/api/me/supervisions/awaiting", "/api/swaps"].sort(),
    );
  });

  it("give typed data read with the route's schema, as the caller: a refusal is the API's own", async () => {
    const env = await testEnv();
    const hr = await env.person({ roles: ["hr"], name: "Hattie Records" });
    const amhp = await env.person({ roles: ["amhp"] });
    const page = harness(env, async (c) => {
      const a = await load(c, "/api/staff", StaffList);
      return a.ok ? { status: a.status, names: a.data.staff.map((p) => p.name) } : { status: a.status, title: a.problem?.title };
    });
    expect((await page(hr.client.cookie)).result).toMatchObject({ status: 200, names: expect.arrayContaining(["Hattie Records"]) });
    expect((await page(amhp.client.cookie)).result).toEqual({ status: 403, title: "Forbidden" });
    expect((await page()).result).toEqual({ status: 401, title: "Not signed in" });
  });

  it("carry a bearer token as the token's holder", async () => {
    const env = await testEnv();
    const admin = await env.person({ roles: ["admin"] });
    const reader = await env.person({ roles: ["hr"] });
    const made = await admin.client.post("/api/tokens", { staffId: reader.id, name: "script", readOnly: true });
    expect(made.status).toBe(201);
    const page = harness(env, async (c) => {
      const a = await load(c, "/api/staff", StaffList);
      return a.status;
    });
    expect((await page(undefined, { headers: { authorization: `Bearer ${made.body.token}` } })).result).toBe(200);
  });

  it("name the call and the field when an answer does not match the page's schema", async () => {
    const env = await testEnv();
    const manager = await env.person({ roles: ["manager"] });
    expect((await manager.client.post("/api/rotas", { name: "Day AMHP", kind: "amhp_duty" })).status).toBe(201);
    const page = harness(env, async (c) => load(c, "/api/rotas?x=secret-filter", z.object({ rotas: z.array(z.object({ id: z.number() })) })));
    const out = await page(manager.client.cookie);
    expect(out.thrown.call).toBe("GET /api/rotas"); // the path, never the query
    expect(out.thrown.fields).toEqual([{ path: "rotas.0.id", message: expect.any(String) }]);
    expect(out.thrown.message).not.toContain("secret-filter");
  });

  it("a page whose API answer it cannot read is a 500 page, logged with the call and the field", async () => {
    const env = await testEnv();
    let logged = "";
    env.deps.log = pino({ level: "error" }, new Writable({ write: (chunk, _e, done) => ((logged += String(chunk)), done()) }));
    const manager = await env.person({ roles: ["manager"] });
    expect((await manager.client.post("/api/rotas", { name: "Day AMHP", kind: "amhp_duty" })).status).toBe(201);
    // A rota kind the API's schema does not know (a row written round the API).
    env.deps.db.run(sql`UPDATE rotas SET kind = 'night_owls'`);
    const res = await manager.client.get("/rota");
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(visible(res.text)).toContain("This page could not be shown.");
    expect(res.text).not.toContain("night_owls");
    expect(logged).toContain("GET /api/rotas answered what the page cannot read: rotas.0.kind");
  });

  it("send a form's write as the caller, with the API's field errors by path", async () => {
    const env = await testEnv();
    const manager = await env.person({ roles: ["manager"] });
    const amhp = await env.person({ roles: ["amhp"] });
    const before = env.auditCount();
    const page = harness(env, async (c) => {
      const body = (await c.req.json()) as unknown;
      const a = await send(c, "POST", "/api/rotas", body, RotaSchema);
      return a.ok ? { status: a.status, name: a.data.name } : { status: a.status, errors: fieldErrors(a.problem) };
    });
    const post = (cookie: string, body: unknown) => page(cookie, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", origin: ORIGIN } });
    expect((await post(manager.client.cookie!, { name: "Weekend cover", kind: "manager_cover" })).result).toEqual({ status: 201, name: "Weekend cover" });
    expect((await post(manager.client.cookie!, { name: "\u200b", kind: "amhp_duty" })).result).toEqual({ status: 400, errors: { name: expect.any(String) } });
    expect((await post(amhp.client.cookie!, { name: "Mine", kind: "amhp_duty" })).result).toMatchObject({ status: 403 });
    expect(env.auditCount()).toBe(before + 1);
  });
});
