// An outsider's review of the access fixes for issue 9: paths to admin that the
// first fixes left, sign-in throttle bypasses (email spellings, X-Forwarded-For,
// IPv4-mapped IPv6), the sickness-cause side channel seen by a line manager
// across every report, page and record, and reasons outside the HR records.
import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { testEnv, expectInvalid, Client, type TestEnv } from "../helpers.js";
import { staff } from "../../src/staff/schema.js";
import { hashPassword } from "../../src/auth/password.js";

let env: TestEnv;
beforeEach(async () => {
  env = await testEnv();
});

const emailOf = (id: string) => env.deps.db.select({ email: staff.email }).from(staff).where(eq(staff.id, id)).get()!.email;

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

describe("sign-in throttle cannot be beaten by spelling or by the forwarded address", () => {
  const PASSWORD = "kettle orbit lantern 42";
  async function account(e: TestEnv) {
    const email = "target@test.example";
    const p = await e.person({ roles: ["amhp"], email });
    e.deps.db.update(staff).set({ passwordHash: await hashPassword(PASSWORD) }).where(eq(staff.id, p.id)).run();
    return email;
  }
  const login = (e: TestEnv, email: string, password: string, xff?: string) =>
    new Client(e.app).post("/api/auth/login", { email, password }, xff ? { "X-Forwarded-For": xff } : {});

  it("case and white-space spellings of the email count as the same account", async () => {
    const email = await account(env);
    const spellings = [email, email.toUpperCase(), ` ${email}`, `${email}\t`, "Target@Test.Example", ` TARGET@test.example `];
    const statuses = [];
    for (const s of spellings) statuses.push((await login(env, s, "wrong wrong wrong")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Spellings that are not the account's email are not the account, so they guess nothing.
    for (const s of [`\u200b${email}`, email.replace("t", "ｔ"), `${email}.`]) expect((await login(env, s, PASSWORD)).status).not.toBe(200);
  });

  it("with TRUST_PROXY=true, hops the client wrote to the left of the proxy's do not give fresh addresses", async () => {
    const e = await testEnv({ TRUST_PROXY: "true" });
    const email = await account(e);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(e, email, "wrong wrong wrong", `198.51.100.${i}, 203.0.113.9`)).status);
    expect(statuses.at(-1)).toBe(429);
    // The same client written as an IPv4-mapped IPv6 address, bracketed, or with a port, is the same address.
    for (const form of ["::ffff:203.0.113.9", "[::FFFF:203.0.113.9]:443", "203.0.113.9:5555"]) expect((await login(e, email, "wrong wrong wrong", form)).status).toBe(429);
    // A correct password from a clean address is checked.
    expect((await login(e, email, PASSWORD, "192.0.2.50")).status).toBe(200);
  });

  it("with TRUST_PROXY=false, X-Forwarded-For is ignored (rotating it gives no fresh address)", async () => {
    const email = await account(env);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(env, email, "wrong wrong wrong", `198.51.100.${i}`)).status);
    expect(statuses.at(-1)).toBe(429);
  });

  it("with TRUSTED_PROXIES set, a client cannot pose as a trusted proxy's client", async () => {
    const e = await testEnv({ TRUST_PROXY: "true", TRUSTED_PROXIES: "10.0.0.0/8" });
    const email = await account(e);
    const statuses = [];
    // The client writes a fresh address and a trusted-looking hop; the proxy appends the client's real one.
    for (let i = 0; i < 6; i++) statuses.push((await login(e, email, "wrong wrong wrong", `198.51.100.${i}, 10.0.0.1, 203.0.113.9, 10.1.1.1`)).status);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("a line manager cannot tell two absences apart by their cause", () => {
  it("sickness and OH reports (JSON and CSV), the /hr pages, and the records read the same for stress and infection", async () => {
    const manager = await env.person({ roles: ["manager"], team: "East" });
    const hr = await env.person({ roles: ["hr"] });
    const a = await env.person({ roles: ["social_worker"], team: "East", name: "Person Alpha", startDate: "2020-01-06" });
    const b = await env.person({ roles: ["social_worker"], team: "East", name: "Person Bravo", startDate: "2020-01-06" });
    const made: Record<string, { sickness: string; oh: string }> = {};
    for (const [p, cause] of [
      [a, "stress_anxiety_depression"],
      [b, "infection"],
    ] as const) {
      const s = await hr.client.post(`/api/staff/${p.id}/sickness`, { firstDay: "2026-11-18", cause });
      expect(s.status).toBe(201);
      made[p.id] = { sickness: s.body.id, oh: "<none yet>" };
    }
    // Replace everything that names or identifies one of the two, so only what depends on the cause could differ.
    const blind = (text: string, p: typeof a) =>
      text
        .split(a.id).join("<P>").split(b.id).join("<P>")
        .split(made[p.id]!.sickness).join("<S>").split(made[p.id]!.oh).join("<O>")
        .replace(/Person (Alpha|Bravo)/g, "<NAME>")
        .replace(/(amhp|social_worker)-\d+-[a-z0-9]+@test\.example/g, "<EMAIL>")
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<UUID>")
        .replace(/nonce="[^"]*"|nonce-[A-Za-z0-9+/=]+/g, "<NONCE>");
    const rowsFor = (report: { rows?: unknown[] }, p: typeof a) => JSON.stringify((report.rows ?? []).filter((r) => JSON.stringify(r).includes(p.id)));

    const compare = async () => {
      for (const path of ["/api/reports/sickness", "/api/reports/oh-referrals"]) {
        const res = await manager.client.get(`${path}?asOf=2026-11-24`);
        expect(res.status).toBe(200);
        const [ra, rb] = [blind(rowsFor(res.body, a), a), blind(rowsFor(res.body, b), b)];
        if (path.endsWith("sickness")) expect(ra).not.toBe("[]");
        expect(ra, path).toBe(rb);
        const csv = (await manager.client.get(`${path}?asOf=2026-11-24&format=csv`)).text.split("\n");
        const line = (p: typeof a, name: string) => blind(csv.filter((l) => l.includes(p.id) || l.includes(name)).join("\n"), p);
        expect(line(a, "Person Alpha"), `${path} csv`).toBe(line(b, "Person Bravo"));
      }
      for (const p of [a, b]) expect(JSON.stringify((await manager.client.get(`/api/staff/${p.id}/sickness`)).body)).not.toMatch(/stress|infection/);
      const perPerson = async (p: typeof a) =>
        Promise.all(
          [`/api/staff/${p.id}/sickness`, `/api/staff/${p.id}/oh-referrals`, `/api/staff/${p.id}/hr-records`, `/api/staff/${p.id}`, `/api/records/sickness/${made[p.id]!.sickness}/history`].map(async (u) => {
            const r = await manager.client.get(u);
            return `${r.status} ${blind(r.text, p)}`;
          }),
        );
      expect(await perPerson(a)).toEqual(await perPerson(b));
      // The /hr pages: one person's name filter each, everything else alike.
      for (const report of ["sickness", "oh-referrals"]) {
        const page = async (p: typeof a, q: string) => blind((await manager.client.get(`/hr?report=${report}&asOf=2026-11-24&q=${q}`)).text, p).replace(/Alpha|Bravo/g, "<Q>");
        expect(await page(a, "Alpha"), `/hr ${report}`).toBe(await page(b, "Bravo"));
      }
    };
    // Before any referral (HR's rule: OH due on day 1 for stress), and after both are referred.
    await compare();
    for (const p of [a, b]) {
      const oh = await hr.client.post(`/api/staff/${p.id}/oh-referrals`, { referredOn: "2026-11-19", reason: "Referred after absence", sicknessId: made[p.id]!.sickness });
      expect(oh.status).toBe(201);
      made[p.id]!.oh = oh.body.id;
    }
    await compare();
  });
});

describe("reasons outside the HR records say something too", () => {
  it("cancelling a rota assignment with a reason of invisible characters or one letter is a 400 naming reason, and nothing is written", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const m = await env.person({ roles: ["manager"], team: "East" });
    const rota = (await admin.client.post("/api/rotas", { name: "Cover", kind: "manager_cover" })).body.id;
    const asg = await admin.client.post(`/api/rotas/${rota}/assignments`, { staffId: m.id, start: "2026-11-26T09:00:00Z", end: "2026-11-26T17:00:00Z" });
    expect(asg.status).toBe(201);
    const before = env.auditCount();
    for (const reason of ["\u200b\u200d\u2060", "\u202e\u202c", "x", " . "]) expectInvalid(await admin.client.post(`/api/assignments/${asg.body.id}/cancel`, { reason }), "reason");
    expect(env.auditCount()).toBe(before);
    expect((await admin.client.post(`/api/assignments/${asg.body.id}/cancel`, { reason: "Off sick" })).status).toBe(200);
  });
});
