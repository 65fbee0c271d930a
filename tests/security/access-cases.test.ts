// Access cases the authz matrix cannot see from roles alone (issue 9, "Access"):
// HR granting admin, writes made with an API token attributed to the token and
// its maker, expired and read-only tokens.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { testEnv, Client, type TestEnv } from "../helpers.js";
import { staff } from "../../src/staff/schema.js";
import { auditLog } from "../../src/audit/schema.js";
import { verifyChain } from "../../src/audit/store.js";

let env: TestEnv;
beforeEach(async () => {
  env = await testEnv();
});

const rolesOf = (id: string) => env.deps.db.select({ roles: staff.roles }).from(staff).where(eq(staff.id, id)).get()!.roles;
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const emailOf = (id: string) => env.deps.db.select({ email: staff.email }).from(staff).where(eq(staff.id, id)).get()!.email;

describe("only an admin grants or removes admin, or sets a password", () => {
  it("HR creating a person with the admin role is a 403 that names the rule, and writes nothing", async () => {
    const hr = await env.person({ roles: ["hr"] });
    const before = env.auditCount();
    const res = await hr.client.post("/api/staff", { name: "Friend", email: "friend@council.example", roles: ["admin"] });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/only an admin/i);
    expect(env.auditCount()).toBe(before);
    expect(env.deps.db.select().from(staff).where(eq(staff.email, "friend@council.example")).all()).toEqual([]);
  });

  it("HR adding admin to themselves, or to anyone, by PATCH is a 403; their roles are unchanged", async () => {
    const hr = await env.person({ roles: ["hr"] });
    const other = await env.person({ roles: ["amhp"] });
    const self = await hr.client.patch(`/api/staff/${hr.id}`, { roles: ["hr", "admin"] });
    expect(self.status).toBe(403);
    expect(self.body.detail).toMatch(/only an admin/i);
    expect(rolesOf(hr.id)).toEqual(["hr"]);
    expect((await hr.client.patch(`/api/staff/${other.id}`, { roles: ["amhp", "admin"] })).status).toBe(403);
    expect(rolesOf(other.id)).toEqual(["amhp"]);
    // So the audit log and token minting stay out of reach.
    expect((await hr.client.get("/api/audit")).status).toBe(403);
    expect((await hr.client.post("/api/tokens", { staffId: hr.id, name: "mine" })).status).toBe(403);
  });

  it("HR removing admin from an admin is a 403", async () => {
    const hr = await env.person({ roles: ["hr"] });
    const a1 = await env.person({ roles: ["admin"] });
    await env.person({ roles: ["admin"] });
    expect((await hr.client.patch(`/api/staff/${a1.id}`, { roles: ["hr"] })).status).toBe(403);
    expect(rolesOf(a1.id)).toEqual(["admin"]);
  });

  it("HR deactivating or reactivating an admin is a 403 (that takes or gives the role's powers)", async () => {
    const hr = await env.person({ roles: ["hr"] });
    const admin = await env.person({ roles: ["admin"] });
    const a2 = await env.person({ roles: ["admin"] });
    expect((await hr.client.patch(`/api/staff/${a2.id}`, { active: false })).status).toBe(403);
    expect((await admin.client.patch(`/api/staff/${a2.id}`, { active: false })).status).toBe(200);
    expect((await hr.client.patch(`/api/staff/${a2.id}`, { active: true })).status).toBe(403);
    // Anyone else HR may still deactivate.
    const p = await env.person({ roles: ["amhp"] });
    expect((await hr.client.patch(`/api/staff/${p.id}`, { active: false })).status).toBe(200);
  });

  it("HR creating a person with a password is a 403 (they would know it); without one it works", async () => {
    const hr = await env.person({ roles: ["hr"] });
    const res = await hr.client.post("/api/staff", { name: "With Pw", email: "withpw@council.example", roles: ["amhp"], password: "a long enough passphrase" });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/only an admin/i);
    expect((await hr.client.post("/api/staff", { name: "No Pw", email: "nopw@council.example", roles: ["amhp"] })).status).toBe(201);
  });

  it("HR still changes other roles; an admin grants and removes admin", async () => {
    const hr = await env.person({ roles: ["hr"] });
    const admin = await env.person({ roles: ["admin"] });
    const p = await env.person({ roles: ["amhp"] });
    expect((await hr.client.patch(`/api/staff/${p.id}`, { roles: ["amhp", "manager"] })).status).toBe(200);
    expect((await admin.client.patch(`/api/staff/${p.id}`, { roles: ["manager", "admin"] })).status).toBe(200);
    expect(rolesOf(p.id)).toEqual(["manager", "admin"]);
    // HR may edit an admin's other details without touching the role.
    expect((await hr.client.patch(`/api/staff/${p.id}`, { fte: 0.5 })).status).toBe(200);
    expect((await hr.client.patch(`/api/staff/${p.id}`, { roles: ["admin", "manager"] })).status).toBe(200); // admin kept: no grant, no removal
    expect((await admin.client.patch(`/api/staff/${p.id}`, { roles: ["manager"] })).status).toBe(200);
    const made = await admin.client.post("/api/staff", { name: "New Admin", email: "newadmin@council.example", roles: ["admin"] });
    expect(made.status).toBe(201);
  });

  it("an admin's token given to HR does not make HR an admin: the holder's roles decide", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const hr = await env.person({ roles: ["hr"] });
    const { token } = (await admin.client.post("/api/tokens", { staffId: hr.id, name: "hr script" })).body;
    const res = await new Client(env.app).request("PATCH", `/api/staff/${hr.id}`, { roles: ["hr", "admin"] }, bearer(token));
    expect(res.status).toBe(403);
  });
});

describe("writes made with an API token say so", () => {
  it("every audit row the token writes names the token and its maker, through any module; the chain still verifies", async () => {
    const admin = await env.person({ roles: ["admin"], name: "Token Maker" });
    const mgr = await env.person({ roles: ["manager"], name: "Token Holder" });
    const made = await admin.client.post("/api/tokens", { staffId: mgr.id, name: "rota script" });
    expect(made.status).toBe(201);
    const asToken = new Client(env.app);
    const seqBefore = env.auditCount();

    // Through actorOf (rota routes) and through a service that builds its own actor (visits).
    expect((await asToken.request("POST", "/api/rotas", { name: "Night cover", kind: "manager_cover" }, bearer(made.body.token))).status).toBe(201);
    const visit = await asToken.request(
      "POST",
      "/api/visits",
      { purpose: "home_visit", location: { address: "1 High St" }, expectedEnd: new Date(env.clock.now().getTime() + 3_600_000).toISOString() },
      bearer(made.body.token),
    );
    expect(visit.status).toBe(201);

    const rows = env.deps.db.select().from(auditLog).all().filter((r) => r.seq > seqBefore);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const byHolder = rows.filter((r) => r.actorType === "staff" && r.actorId === mgr.id);
    expect(byHolder.length).toBe(rows.filter((r) => r.actorType === "staff").length);
    for (const r of byHolder) expect({ seq: r.seq, token: r.viaTokenId, maker: r.viaMadeBy }).toEqual({ seq: r.seq, token: made.body.id, maker: admin.id });
    expect(byHolder.map((r) => r.entity)).toEqual(expect.arrayContaining(["rota", "visit"]));

    // The admin reads it back: "Token Maker via token T acting as Token Holder".
    const audit = await admin.client.get(`/api/audit?actor=${mgr.id}`);
    expect(audit.body.entries[0]).toMatchObject({ actorId: mgr.id, viaTokenId: made.body.id, viaMadeBy: admin.id });
    // What the maker's tokens did shows under the maker too.
    const asMaker = await admin.client.get(`/api/audit?actor=${admin.id}`);
    expect(asMaker.body.entries.some((e: { viaTokenId?: string }) => e.viaTokenId === made.body.id)).toBe(true);

    // A session write by the same person carries no token.
    expect((await mgr.client.post("/api/rotas", { name: "Day cover", kind: "manager_cover" })).status).toBe(201);
    const last = env.deps.db.select().from(auditLog).all().at(-1)!;
    expect({ actor: last.actorId, token: last.viaTokenId, maker: last.viaMadeBy }).toEqual({ actor: mgr.id, token: null, maker: null });

    expect(verifyChain(env.deps.db).ok).toBe(true);
  });

  it("check-ins committed together (group commit) keep each request's own attribution", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const w = await env.person({ roles: ["amhp"] });
    const { id: tokenId, token } = (await admin.client.post("/api/tokens", { staffId: w.id, name: "phone script" })).body;
    const start = (c: Client, h?: Record<string, string>) =>
      c.request("POST", "/api/visits", { purpose: "home_visit", location: { address: "2 Low St" }, expectedEnd: new Date(env.clock.now().getTime() + 3_600_000).toISOString() }, h);
    const a = (await start(w.client)).body.id;
    const b = (await start(w.client)).body.id;
    const seq = env.auditCount();
    // Sent at once, so both land in one group-commit transaction; each order of the two.
    for (const [first, second] of [["cookie", "token"], ["token", "cookie"]] as const) {
      const send = (how: "cookie" | "token", visit: string) =>
        how === "cookie" ? w.client.post(`/api/visits/${visit}/check-in`, {}) : new Client(env.app).request("POST", `/api/visits/${visit}/check-in`, {}, bearer(token));
      const res = await Promise.all([send(first, first === "cookie" ? a : b), send(second, second === "cookie" ? a : b)]);
      expect(res.map((r) => r.status)).toEqual([200, 200]);
    }
    const rows = env.deps.db.select().from(auditLog).all().filter((r) => r.seq > seq && r.action === "check_in");
    expect(rows.map((r) => `${r.entityId === a ? "cookie" : "token"}:${r.viaTokenId ?? "-"}`).sort()).toEqual(["cookie:-", "cookie:-", `token:${tokenId}`, `token:${tokenId}`]);
  });

  it("the token columns are covered by the hash: blanking them breaks the chain", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const mgr = await env.person({ roles: ["manager"] });
    const { token } = (await admin.client.post("/api/tokens", { staffId: mgr.id, name: "s" })).body;
    expect((await new Client(env.app).request("POST", "/api/rotas", { name: "R", kind: "manager_cover" }, bearer(token))).status).toBe(201);
    const row = env.deps.db.select().from(auditLog).all().at(-1)!;
    expect(row.viaTokenId).not.toBeNull();
    env.deps.db.$client.exec("DROP TRIGGER audit_log_no_update");
    env.deps.db.$client.prepare("UPDATE audit_log SET via_token_id = NULL, via_made_by = NULL WHERE seq = ?").run(row.seq);
    expect(verifyChain(env.deps.db)).toMatchObject({ ok: false, firstBadSeq: row.seq });
  });
});

describe("tokens expire and can be read-only", () => {
  it("a token is refused (401) once past its expiry, 90 days by default", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const mgr = await env.person({ roles: ["manager"] });
    const made = await admin.client.post("/api/tokens", { staffId: mgr.id, name: "export" });
    expect(made.status).toBe(201);
    expect(made.body.expiresAt).toBe(new Date(env.clock.now().getTime() + 90 * 86_400_000).toISOString());
    const c = new Client(env.app);
    env.clock.advanceMinutes(89 * 24 * 60);
    expect((await c.request("GET", "/api/me", undefined, bearer(made.body.token))).status).toBe(200);
    env.clock.advanceMinutes(24 * 60);
    const gone = await c.request("GET", "/api/me", undefined, bearer(made.body.token));
    expect(gone.status).toBe(401);
    expect(gone.body.detail).toMatch(/expired/i);
  });

  it("a read-only token reads but gets 403 on every unsafe method", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const made = await admin.client.post("/api/tokens", { staffId: admin.id, name: "reader", readOnly: true });
    expect(made.status).toBe(201);
    const c = new Client(env.app);
    expect((await c.request("GET", "/api/staff", undefined, bearer(made.body.token))).status).toBe(200);
    const before = env.auditCount();
    for (const [method, path] of [["POST", "/api/staff"], ["PATCH", `/api/staff/${admin.id}`], ["PUT", "/api/escalation-policy"], ["DELETE", `/api/tokens/${made.body.id}`]] as const) {
      const res = await c.request(method, path, { name: "x" }, bearer(made.body.token));
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 403`);
    }
    expect(env.auditCount()).toBe(before);
  });
});

// From the outside review of issue 9's access fixes: a path to admin the first fixes left.
describe("HR cannot take an admin's sign-in away", () => {
  it("HR changing an admin's email (their sign-in name) is a 403 and writes nothing; an admin may, and HR may for anyone else", async () => {
    // Else HR could end every admin's sessions (a roles edit that keeps admin) and move
    // their emails: no admin could sign in, so nobody could undo it from the service.
    const hr = await env.person({ roles: ["hr"] });
    const admin = await env.person({ roles: ["admin"] });
    const other = await env.person({ roles: ["hr", "admin"] });
    const before = env.auditCount();
    const res = await hr.client.patch(`/api/staff/${admin.id}`, { email: "hr-chosen@test.example" });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/only an admin/i);
    expect(emailOf(admin.id)).toBe(admin.email);
    expect(env.auditCount()).toBe(before);
    // The same email, spelt differently, is no change.
    expect((await hr.client.patch(`/api/staff/${admin.id}`, { email: admin.email.toUpperCase() })).status).toBe(200);
    expect((await other.client.patch(`/api/staff/${admin.id}`, { email: "moved@test.example" })).status).toBe(200);
    const p = await env.person({ roles: ["amhp"] });
    expect((await hr.client.patch(`/api/staff/${p.id}`, { email: "new-amhp@test.example" })).status).toBe(200);
  });
});
