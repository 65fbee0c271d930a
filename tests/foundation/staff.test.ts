// Staff endpoints: who may write, who may read, teams made on the fly, sessions
// ended when what a person may do changes.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { testEnv, expectInvalid, type TestEnv } from "../helpers.js";
import { teams } from "../../src/staff/schema.js";
import { PASSWORD, signIn } from "./support.js";

let env: TestEnv;
let admin: Awaited<ReturnType<TestEnv["person"]>>;
let hr: Awaited<ReturnType<TestEnv["person"]>>;
beforeAll(async () => {
  env = await testEnv();
  admin = await env.person({ roles: ["admin"] });
  hr = await env.person({ roles: ["hr"] });
});

describe("creating staff", () => {
  it("admin and HR create staff; a new team name makes the team once", async () => {
    const a = await hr.client.post("/api/staff", { name: "Priya Shah", email: "Priya.Shah@Council.example", roles: ["amhp", "social_worker"], team: "East Hub", category: "qualified", startDate: "2019-04-01", fte: 0.8 });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ id: expect.any(String), name: "Priya Shah", email: "priya.shah@council.example", roles: ["amhp", "social_worker"], team: "East Hub", category: "qualified", startDate: "2019-04-01", fte: 0.8, active: true, canSignIn: false });
    expect(a.body.passwordHash).toBeUndefined();
    const b = await admin.client.post("/api/staff", { name: "Tom Bell", email: "tom.bell@council.example", roles: ["amhp"], team: "East Hub" });
    expect(b.status).toBe(201);
    expect(b.body.teamId).toBe(a.body.teamId);
    expect(env.deps.db.select().from(teams).where(eq(teams.name, "East Hub")).all()).toHaveLength(1);
  });

  it("a duplicate email, in any case, is a 409 and writes nothing", async () => {
    await admin.client.post("/api/staff", { name: "Dup One", email: "dup@council.example", roles: ["amhp"] });
    const before = env.auditCount();
    const again = await admin.client.post("/api/staff", { name: "Dup Two", email: "DUP@council.example", roles: ["hr"], team: "Should Not Exist" });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    expect(env.auditCount()).toBe(before);
    expect(env.deps.db.select().from(teams).where(eq(teams.name, "Should Not Exist")).all()).toHaveLength(0);
  });

  it("a password given at creation lets the person sign in at once; a short one is a 400", async () => {
    const made = await admin.client.post("/api/staff", { name: "Quick Start", email: "quick@council.example", roles: ["amhp"], password: PASSWORD });
    expect(made.body.canSignIn).toBe(true);
    expect((await signIn(env, "quick@council.example")).res.status).toBe(200);
    expectInvalid(await admin.client.post("/api/staff", { name: "Short", email: "short@council.example", roles: ["amhp"], password: "short" }), "password");
    expectInvalid(await admin.client.post("/api/staff", { name: "No Roles", email: "nr@council.example", roles: [] }), "roles");
    expectInvalid(await admin.client.post("/api/staff", { name: "Bad Day", email: "bd@council.example", roles: ["amhp"], startDate: "2024-02-30" }), "startDate");
  });

  it("managers, AMHPs and social workers cannot create staff", async () => {
    for (const role of ["manager", "senior_manager", "amhp", "social_worker"] as const) {
      const p = await env.person({ roles: [role] });
      expect((await p.client.post("/api/staff", { name: "X", email: `x-${role}@council.example`, roles: ["amhp"] })).status).toBe(403);
    }
  });
});

describe("reading staff", () => {
  it("admin, HR and managers read the directory; AMHPs and social workers do not", async () => {
    for (const role of ["admin", "hr", "manager", "senior_manager"] as const) {
      const p = await env.person({ roles: [role] });
      const res = await p.client.get("/api/staff");
      expect(res.status).toBe(200);
      expect(res.body.staff.some((s: { id: string }) => s.id === p.id)).toBe(true);
      expect(res.text).not.toContain("argon2");
    }
    for (const role of ["amhp", "social_worker"] as const) {
      expect((await (await env.person({ roles: [role] })).client.get("/api/staff")).status).toBe(403);
    }
  });

  it("anyone reads their own record; someone else's is a 404 unless they may read the directory", async () => {
    const me = await env.person({ roles: ["amhp"] });
    const other = await env.person({ roles: ["amhp"] });
    expect((await me.client.get(`/api/staff/${me.id}`)).status).toBe(200);
    expect((await me.client.get(`/api/staff/${other.id}`)).status).toBe(404);
    const mgr = await env.person({ roles: ["manager"] });
    expect((await mgr.client.get(`/api/staff/${other.id}`)).status).toBe(200);
    expect((await mgr.client.get("/api/staff/no-such-id")).status).toBe(404);
  });
});

describe("changing staff", () => {
  it("PATCH changes fields and audits the change; unknown id is 404; a bad value 400", async () => {
    const p = await env.person({ roles: ["amhp"] });
    const res = await hr.client.patch(`/api/staff/${p.id}`, { team: "West Hub", fte: 0.6, category: "qualified" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ team: "West Hub", fte: 0.6 });
    expect((await admin.client.patch("/api/staff/no-such-id", { fte: 1 })).status).toBe(404);
    const before = env.auditCount();
    expectInvalid(await admin.client.patch(`/api/staff/${p.id}`, { fte: 3 }), "fte");
    expect(env.auditCount()).toBe(before);
  });

  it("PATCH with nothing to change is a 400 naming the body, not a 500, and writes nothing", async () => {
    const p = await env.person({ roles: ["amhp"] });
    const before = env.auditCount();
    const res = await hr.client.patch(`/api/staff/${p.id}`, {});
    expectInvalid(res, "");
    expect(res.body.errors[0].message).toMatch(/nothing to change/i);
    expect(env.auditCount()).toBe(before);
  });

  it("an email can be corrected (normalised, unique), and the person signs in with the new one", async () => {
    const p = await env.person({ roles: ["amhp"], password: PASSWORD });
    const other = await env.person({ roles: ["amhp"] });
    const fixed = await hr.client.patch(`/api/staff/${p.id}`, { email: "Fixed.Typo@Council.example" });
    expect(fixed.status).toBe(200);
    expect(fixed.body.email).toBe("fixed.typo@council.example");
    expect((await signIn(env, "fixed.typo@council.example")).res.status).toBe(200);
    expect((await hr.client.patch(`/api/staff/${p.id}`, { email: other.email.toUpperCase() })).status).toBe(409);
  });

  it("a change of roles, or deactivation, ends the person's sessions", async () => {
    const p = await env.person({ roles: ["amhp"] });
    expect((await p.client.get("/api/me")).status).toBe(200);
    await admin.client.patch(`/api/staff/${p.id}`, { roles: ["amhp", "manager"] });
    expect((await p.client.get("/api/me")).status).toBe(401);

    const q = await env.person({ roles: ["amhp"] });
    await admin.client.patch(`/api/staff/${q.id}`, { active: false });
    expect((await q.client.get("/api/me")).status).toBe(401);
  });

  it("setting a password (admin only) ends the person's sessions; the new one works", async () => {
    const p = await env.person({ roles: ["amhp"], password: PASSWORD });
    const { client } = await signIn(env, p.email);
    expect((await hr.client.put(`/api/staff/${p.id}/password`, { password: "a brand new passphrase" })).status).toBe(403);
    expect((await admin.client.put(`/api/staff/${p.id}/password`, { password: "a brand new passphrase" })).status).toBe(204);
    expect((await client.get("/api/me")).status).toBe(401);
    expect((await p.client.get("/api/me")).status).toBe(401);
    expect((await signIn(env, p.email)).res.status).toBe(401);
    expect((await signIn(env, p.email, "a brand new passphrase")).res.status).toBe(200);
    expect((await admin.client.put("/api/staff/no-such-id/password", { password: "a brand new passphrase" })).status).toBe(404);
  });

  it("the last active admin cannot be demoted or deactivated (422)", async () => {
    const solo = await testEnv();
    const only = await solo.person({ roles: ["admin"] });
    const res = await only.client.patch(`/api/staff/${only.id}`, { roles: ["hr"] });
    expect(res.status).toBe(422);
    expect((await only.client.patch(`/api/staff/${only.id}`, { active: false })).status).toBe(422);
    const second = await solo.person({ roles: ["admin"] });
    expect((await second.client.patch(`/api/staff/${only.id}`, { active: false })).status).toBe(200);
  });

  it("managers cannot change staff", async () => {
    const m = await env.person({ roles: ["manager"] });
    expect((await m.client.patch(`/api/staff/${m.id}`, { roles: ["admin"] })).status).toBe(403);
  });
});

describe("mobile numbers", () => {
  it("are taken as people write them and stored and returned as E.164", async () => {
    const a = await hr.client.post("/api/staff", { name: "Mo Bile", email: "mo.bile@council.example", roles: ["amhp"], mobile: "07700 900123" });
    expect(a.status).toBe(201);
    expect(a.body.mobile).toBe("+447700900123");
    expect((await hr.client.get(`/api/staff/${a.body.id}`)).body.mobile).toBe("+447700900123");
    expect((await hr.client.get("/api/staff")).body.staff.find((s: { id: string }) => s.id === a.body.id).mobile).toBe("+447700900123");
    for (const written of ["+44 7700 900456", "+44 (0)7700 900456", "0044 7700 900456", "07700-900-456"]) {
      const res = await hr.client.patch(`/api/staff/${a.body.id}`, { mobile: written });
      expect(res.status, written).toBe(200);
      expect(res.body.mobile).toBe("+447700900456");
    }
    expect((await hr.client.patch(`/api/staff/${a.body.id}`, { mobile: null })).body.mobile).toBeNull();
    const none = await hr.client.post("/api/staff", { name: "No Mobile", email: "no.mobile@council.example", roles: ["amhp"] });
    expect(none.body.mobile).toBeNull();
  });

  it("a bad number is a 400 naming mobile and writes nothing", async () => {
    const p = await env.person({ roles: ["amhp"] });
    const before = env.auditCount();
    for (const bad of ["020 7946 0958", "07700 90012", "+1 415 555 0100", "phone me", "077009001234"]) {
      expectInvalid(await hr.client.post("/api/staff", { name: "Bad Mobile", email: `bad.mobile@council.example`, roles: ["amhp"], mobile: bad }), "mobile");
      expectInvalid(await hr.client.patch(`/api/staff/${p.id}`, { mobile: bad }), "mobile");
      expectInvalid(await p.client.patch("/api/me", { mobile: bad }), "mobile");
    }
    expect(env.auditCount()).toBe(before);
  });

  it("anyone sets or clears their own with PATCH /api/me, audited; it changes nobody else's", async () => {
    const me = await env.person({ roles: ["social_worker"] });
    const before = env.auditCount();
    const res = await me.client.patch("/api/me", { mobile: "+44 7700 900789" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: me.id, mobile: "+447700900789" });
    expect(env.auditCount()).toBe(before + 1);
    expect((await me.client.get(`/api/staff/${me.id}`)).body.mobile).toBe("+447700900789");
    expect((await me.client.patch("/api/me", { mobile: null })).body.mobile).toBeNull();
    expect((await env.anon.patch("/api/me", { mobile: "07700 900789" })).status).toBe(401);
  });
});
