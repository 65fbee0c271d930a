// API tokens: expiry (default 90 days, bounded), read-only scope, and the list shows both.
import { beforeEach, describe, expect, it } from "vitest";
import { testEnv, Client, expectInvalid, type TestEnv } from "../helpers.js";

let env: TestEnv;
beforeEach(async () => {
  env = await testEnv();
});
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

describe("token expiry", () => {
  it("expiresInDays sets the end; out-of-range values are a 400 naming the field", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const made = await admin.client.post("/api/tokens", { staffId: admin.id, name: "day pass", expiresInDays: 1 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.any(String), token: expect.any(String), expiresAt: new Date(env.clock.now().getTime() + 86_400_000).toISOString() });
    for (const expiresInDays of [0, -1, 366, 1.5]) expectInvalid(await admin.client.post("/api/tokens", { staffId: admin.id, name: "x", expiresInDays }), "expiresInDays");
    const c = new Client(env.app);
    env.clock.advanceMinutes(24 * 60 - 1);
    expect((await c.request("GET", "/api/me", undefined, bearer(made.body.token))).status).toBe(200);
    env.clock.advanceMinutes(1);
    expect((await c.request("GET", "/api/me", undefined, bearer(made.body.token))).status).toBe(401);
  });

  it("the list shows each token's expiry and scope, never the secret", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const made = await admin.client.post("/api/tokens", { staffId: admin.id, name: "reader", readOnly: true });
    const list = await admin.client.get("/api/tokens");
    expect(list.body.tokens[0]).toMatchObject({ id: made.body.id, readOnly: true, expiresAt: made.body.expiresAt, createdBy: admin.id });
    expect(list.text).not.toContain(made.body.token);
  });

  it("an expired or read-only token writes nothing even on a public route", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const ro = await admin.client.post("/api/tokens", { staffId: admin.id, name: "reader", readOnly: true });
    const res = await new Client(env.app).request("POST", "/api/auth/logout", {}, bearer(ro.body.token));
    expect(res.status).toBe(403);
    const short = await admin.client.post("/api/tokens", { staffId: admin.id, name: "short", expiresInDays: 1 });
    env.clock.advanceMinutes(24 * 60);
    const before = env.auditCount();
    expect((await new Client(env.app).request("POST", "/api/auth/logout", {}, bearer(short.body.token))).status).toBe(401);
    expect((await new Client(env.app).request("POST", "/api/auth/login", { email: "a@b.example", password: "whatever" }, bearer(short.body.token))).status).toBe(401);
    expect(env.auditCount()).toBe(before);
  });
});
