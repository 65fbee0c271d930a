// The HTTP edge: CSRF origin check, security headers, problem JSON for every
// error, nothing written on bad input, and no secret in any log line.
import { beforeAll, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import { testEnv, Client, ORIGIN, expectInvalid, type TestEnv } from "../helpers.js";
import { loggedApp, PASSWORD, signIn } from "./support.js";
import { staff, teams } from "../../src/staff/schema.js";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { loggableError } from "../../src/http/problem.js";

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});

describe("CSRF origin check", () => {
  it("a cookie-authenticated unsafe request from another origin, or with no Origin, is refused with 403", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const before = env.auditCount();
    const body = { name: "Eve", email: "eve@test.example", roles: ["amhp"] };
    const foreign = await admin.client.post("/api/staff", body, { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("content-type")).toContain("application/problem+json");
    const raw = await env.app.request("/api/staff", { method: "POST", headers: { Cookie: admin.client.cookie!, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect(raw.status).toBe(403);
    const byReferer = await env.app.request("/api/staff", { method: "POST", headers: { Cookie: admin.client.cookie!, Referer: "https://evil.example/page", "Content-Type": "application/json" }, body: JSON.stringify(body) });
    expect(byReferer.status).toBe(403);
    expect(env.auditCount()).toBe(before);
    // The same request from our own origin goes through.
    expect((await admin.client.post("/api/staff", body)).status).toBe(201);
  });

  it("a safe request needs no Origin", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const res = await env.app.request("/api/me", { headers: { Cookie: admin.client.cookie! } });
    expect(res.status).toBe(200);
  });

  it("sign-in from a foreign page is refused", async () => {
    const res = await env.anon.post("/api/auth/login", { email: "a@b.example", password: "whatever-whatever" }, { Origin: "https://evil.example" });
    expect(res.status).toBe(403);
  });
});

describe("security headers", () => {
  it("every answer carries a CSP and the usual hardening headers", async () => {
    for (const path of ["/healthz", "/api/me", "/no/such/path"]) {
      const res = await env.anon.get(path);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });
});

describe("caching of what the service answers", () => {
  // What may be kept by a browser or proxy, and how; everything else is no-store.
  const CACHEABLE: Record<string, RegExp> = {
    "/api/push/vapid-public-key": /^public, max-age=\d+$/,
    "/api/calendar/{token}.ics": /^private\b/,
  };

  it("every GET in the OpenAPI document answers Cache-Control: no-store (health data must not be kept), save the few meant to be cached", async () => {
    const boss = await env.person({ roles: ["admin", "hr", "manager", "senior_manager", "amhp"], name: "Cache Boss" });
    const other = await env.person({ roles: ["amhp"] });
    const c = boss.client;
    const rota = (await c.post("/api/rotas", { name: "Cache rota", kind: "amhp_duty" })).body;
    const visit = (await c.post("/api/visits", { purpose: "home_visit", location: { address: "1 Cache St" }, expectedEnd: new Date(env.clock.now().getTime() + 3600_000).toISOString() })).body;
    const sick = (await c.post(`/api/staff/${other.id}/sickness`, { firstDay: "2026-11-20", cause: "infection" })).body;
    const feed = new URL((await c.post("/api/me/calendar-token")).body.url).pathname;
    const fill = (path: string) => {
      if (path === "/api/calendar/{token}.ics") return feed;
      if (path === "/api/reports/lone-working") return `${path}?from=2026-11-01&to=2026-11-24`;
      if (path.startsWith("/api/rotas/{id}")) return path.replace("{id}", rota.id) + (path.endsWith("shifts") || path.endsWith("coverage") ? "?from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z" : "");
      if (path.startsWith("/api/visits/{id}")) return path.replace("{id}", visit.id);
      if (path.startsWith("/api/records/")) return path.replace("{kind}", "sickness").replace("{id}", sick.id);
      return path.replace("{id}", other.id);
    };
    const doc = (await env.anon.get("/openapi.json")).body;
    const gets = Object.entries<Record<string, unknown>>(doc.paths).filter(([, ops]) => ops.get).map(([p]) => p);
    expect(gets.length).toBeGreaterThan(30);
    const seen: string[] = [];
    for (const path of gets) {
      const res = await env.app.request(fill(path), { headers: { Cookie: c.cookie!, Origin: ORIGIN } });
      await res.body?.cancel(); // the event stream never ends
      if (path !== "/readyz") expect(res.status, path).toBeLessThan(400); // readiness may say not ready here
      const cc = res.headers.get("cache-control") ?? "(none)";
      if (CACHEABLE[path]) expect(cc, path).toMatch(CACHEABLE[path]!);
      else if (cc !== "no-store") seen.push(`${path}: ${cc}`);
    }
    expect(seen).toEqual([]);
  });

  it("writes, errors and the CSV of a report are no-store too; the static files and the docs may be cached", async () => {
    const hr = await env.person({ roles: ["hr"] });
    const other = await env.person({ roles: ["amhp"] });
    const write = await hr.client.post(`/api/staff/${other.id}/sickness`, { firstDay: "2026-11-21", cause: "musculoskeletal" });
    expect(write.status).toBe(201);
    expect(write.headers.get("cache-control")).toBe("no-store");
    for (const res of [await hr.client.post(`/api/staff/${other.id}/sickness`, { firstDay: "nope" }), await hr.client.get("/api/staff/no-such-person"), await env.anon.get("/api/me"), await env.anon.get("/no/such/path")]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get("cache-control"), res.text).toBe("no-store");
    }
    expect((await hr.client.get("/api/reports/sickness?format=csv")).headers.get("cache-control")).toBe("no-store");
    expect((await env.anon.get("/static/app.css")).headers.get("cache-control")).toBe("no-cache");
    expect((await env.anon.get("/openapi.json")).headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
  });
});

describe("errors are RFC 9457 problems", () => {
  it("a bad body gets 400 naming the field, and nothing is written", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const audit = env.auditCount();
    const people = env.deps.db.select({ n: count() }).from(staff).get()!.n;
    const teamCount = env.deps.db.select({ n: count() }).from(teams).get()!.n;
    const res = await admin.client.post("/api/staff", { name: "Nobody", email: "not-an-email", roles: ["amhp"], team: "Brand New Team" });
    expectInvalid(res, "email");
    expect(res.body).toMatchObject({ type: expect.any(String), title: "Invalid input", status: 400, detail: expect.any(String) });
    const wrongRole = await admin.client.post("/api/staff", { name: "Nobody", email: "ok@test.example", roles: ["wizard"], team: "Brand New Team" });
    expectInvalid(wrongRole, "roles.0");
    expect(env.auditCount()).toBe(audit);
    expect(env.deps.db.select({ n: count() }).from(staff).get()!.n).toBe(people);
    expect(env.deps.db.select({ n: count() }).from(teams).get()!.n).toBe(teamCount);
  });

  it("malformed JSON is a 400 problem; a body that is not JSON a 415 problem", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const audit = env.auditCount();
    const h = { Cookie: admin.client.cookie!, Origin: ORIGIN };
    const broken = await env.app.request("/api/staff", { method: "POST", headers: { ...h, "Content-Type": "application/json" }, body: '{"name": "x",' });
    expect(broken.status).toBe(400);
    expect(broken.headers.get("content-type")).toContain("application/problem+json");
    const plain = await env.app.request("/api/staff", { method: "POST", headers: { ...h, "Content-Type": "text/plain" }, body: "name=x" });
    // Not JSON at all: 415 Unsupported Media Type, still a problem.
    expect(plain.status).toBe(415);
    expect(plain.headers.get("content-type")).toContain("application/problem+json");
    expect((await plain.json()).title).toBe("Unsupported media type");
    const none = await env.app.request("/api/staff", { method: "POST", headers: h });
    expect(none.status).toBe(400);
    expect(env.auditCount()).toBe(audit);
  });

  it("an oversized body is refused with a 413 problem before it is read", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const audit = env.auditCount();
    const res = await admin.client.post("/api/staff", { name: "x".repeat(300 * 1024), email: "big@test.example", roles: ["amhp"] });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, title: "Payload too large" });
    expect(env.auditCount()).toBe(audit);
  });

  it("an unknown path is a 404 problem", async () => {
    const res = await env.anon.get("/api/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ status: 404, title: "Not found" });
  });
});

describe("unexpected errors and logs", () => {
  it("an unexpected exception answers 500 without internals, with the request id that the log line carries", async () => {
    const t = loggedApp();
    const admin = await (async () => {
      const { createStaff } = await import("../../src/staff/service.js");
      return createStaff(t.deps, { type: "system", job: "test" }, { name: "Ada", email: "ada@test.example", roles: ["admin"], password: PASSWORD });
    })();
    const { client } = await signIn(t, admin.email);
    // Break the database under the app: the next query throws something no route expects.
    t.deps.db.$client.exec("CREATE TRIGGER boom BEFORE INSERT ON staff BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    const res = await client.post("/api/staff", { name: "Canary Health Text", email: "b@test.example", roles: ["amhp"] }, { "X-Request-Id": "req-boom-1" });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.requestId).toBe("req-boom-1");
    expect(res.text).not.toMatch(/disk on fire|insert|sqlite|stack|at .*\.ts/i);
    const logged = t.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "unhandled error");
    expect(logged).toBeDefined();
    expect(logged!.requestId).toBe("req-boom-1");
    expect(JSON.stringify(logged)).toContain("disk on fire");
    // The failed query's values (here the new person's name) stay out of the log.
    expect(t.lines.filter((l) => l.includes("Canary Health Text"))).toEqual([]);
  });

  it("a failed query's bound values are not logged", () => {
    const err = new DrizzleQueryError("insert into visits (risk_notes) values (?)", ["Canary: known to carry a knife"], new Error("SQLITE_FULL"));
    const out = JSON.stringify(loggableError(err));
    expect(out).toContain("insert into visits");
    expect(out).toContain("SQLITE_FULL");
    expect(out).not.toContain("Canary");
  });

  it("no password, session cookie or API token ever reaches a log line", async () => {
    const t = loggedApp();
    const { createStaff } = await import("../../src/staff/service.js");
    const admin = await createStaff(t.deps, { type: "system", job: "test" }, { name: "Ada", email: "ada@test.example", roles: ["admin"], password: PASSWORD });
    const secrets: string[] = [PASSWORD];
    const wrong = "Wrong-Password-Canary-123";
    secrets.push(wrong);
    await signIn(t, admin.email, wrong);
    const { client, cookie } = await signIn(t, admin.email);
    secrets.push(cookie.split("=")[1]!);
    const newPw = "Another-Canary-Passphrase-9";
    secrets.push(newPw);
    const made = await client.post("/api/staff", { name: "Bo", email: "bo@test.example", roles: ["amhp"], password: newPw });
    expect(made.status).toBe(201);
    expect((await client.put(`/api/staff/${made.body.id}/password`, { password: newPw + "x" })).status).toBe(204);
    secrets.push(newPw + "x");
    const tok = await client.post("/api/tokens", { staffId: admin.id, name: "script" });
    secrets.push(tok.body.token);
    await new Client(t.app).request("GET", "/api/me", undefined, { Authorization: `Bearer ${tok.body.token}` });
    // A bad body carrying a password is logged nowhere either.
    await client.post("/api/staff", { name: "", email: "x", roles: [], password: "Canary-In-Bad-Body-77" });
    secrets.push("Canary-In-Bad-Body-77");
    // Secrets in URLs (calendar feed tokens) log as the route pattern, not the path.
    await t.anon.get("/api/calendar/Canary-Calendar-Token-42.ics");
    await t.anon.get("/no/such/Canary-Path-Secret-43");
    secrets.push("Canary-Calendar-Token-42", "Canary-Path-Secret-43");
    await client.post("/api/auth/logout");

    expect(t.lines.length).toBeGreaterThan(5);
    const leaks = t.lines.filter((l) => secrets.some((s) => l.includes(s)));
    expect(leaks).toEqual([]);
  });
});
