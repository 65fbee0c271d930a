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
