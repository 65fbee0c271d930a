// Sign-in throttling (NIST SP 800-63B 5.2.2, OWASP ASVS 2.2.1): per account and
// address together, with growing delays instead of a lock; a correct password from
// an address with no failures for that account, or from one it signed in from before,
// always works (failures elsewhere never refuse it); an attempt is counted
// before its password is checked; admins unlock; behind a proxy the client address
// is the right-most hop no trusted proxy added.
import { beforeEach, describe, expect, it } from "vitest";
import { testEnv, Client, type TestEnv } from "../helpers.js";
import { eq } from "drizzle-orm";
import { staff } from "../../src/staff/schema.js";
import { hashPassword } from "../../src/auth/password.js";
import { PASSWORD, signIn } from "./support.js";
import { auditLog } from "../../src/audit/schema.js";
import { loginFailures } from "../../src/auth/schema.js";
import { desc } from "drizzle-orm";
import { clientAddressFrom } from "../../src/auth/middleware.js";
import { throttleKey } from "../../src/auth/addresses.js";
import { throttleFor, PAIR_RULE, ACCOUNT_RULE, ADDRESS_RULE } from "../../src/auth/throttle.js";

let env: TestEnv;
let addr = 0;
const from = () => `203.0.113.${++addr % 250}`;

beforeEach(async () => {
  env = await testEnv({ TRUST_PROXY: "true" });
});

async function fail(email: string, ip: string, n: number) {
  for (let i = 0; i < n; i++) expect((await signIn(env, email, `wrong guess ${i}`, { from: ip })).res.status).toBe(401);
}

describe("growing delays per account and address", () => {
  it("after 5 failures the pair waits 1 minute, then 2, 4, ... capped at 15 minutes; never a permanent lock", async () => {
    const p = await env.person({ password: PASSWORD });
    const ip = from();
    await fail(p.email, ip, 5);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const blocked = await signIn(env, p.email, PASSWORD, { from: ip });
      expect(blocked.res.status).toBe(429);
      expect(blocked.res.headers.get("content-type")).toContain("application/problem+json");
      const wait = Number(blocked.res.headers.get("retry-after"));
      waits.push(wait);
      env.clock.advance(wait * 1000);
      expect((await signIn(env, p.email, "still wrong", { from: ip })).res.status).toBe(401);
    }
    expect(waits).toEqual([60, 120, 240, 480, 900, 900, 900]);
    // After the wait, the right password works (and clears the pair).
    env.clock.advance(900_000);
    expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(200);
    expect((await signIn(env, p.email, "one typo", { from: ip })).res.status).toBe(401);
    expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(200);
  });

  it("lockout after reset: an admin setting a new password clears the throttle, so the person signs in at once", async () => {
    const p = await env.person({ password: PASSWORD });
    const admin = await env.person({ roles: ["admin"] });
    const ip = from();
    // Ten wrong passwords: five from the person's own address, five from elsewhere.
    await fail(p.email, ip, 5);
    for (let i = 0; i < 5; i++) await fail(p.email, from(), 1);
    expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(429);
    expect((await admin.client.put(`/api/staff/${p.id}/password`, { password: "a fresh reset passphrase" })).status).toBe(204);
    expect((await signIn(env, p.email, "a fresh reset passphrase", { from: ip })).res.status).toBe(200);
  });

  it("NAT: one person's failures do not stop a colleague behind the same address", async () => {
    const ip = from();
    const unlucky = await env.person({ password: PASSWORD });
    const colleague = await env.person({ password: PASSWORD });
    await fail(unlucky.email, ip, 5);
    for (let i = 0; i < 10; i++) await signIn(env, `guess-${i}@test.example`, "nope-nope-nope", { from: ip });
    expect((await signIn(env, unlucky.email, PASSWORD, { from: ip })).res.status).toBe(429);
    expect((await signIn(env, colleague.email, PASSWORD, { from: ip })).res.status).toBe(200);
  });

  it("a correct password from an address with no failures for that account works, however many failures elsewhere", async () => {
    const p = await env.person({ password: PASSWORD });
    // Twenty failures spread over four addresses: the pair and the account-wide limits are both reached.
    const attackers = Array.from({ length: 4 }, from);
    for (const ip of attackers) await fail(p.email, ip, 5);
    for (const ip of attackers) expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(429);
    expect((await signIn(env, p.email, PASSWORD, { from: from() })).res.status).toBe(200);
  });

  it("known address: after 20+ failures elsewhere, the owner mistyping once from where they signed in before still gets in", async () => {
    const p = await env.person({ password: PASSWORD });
    const home = from();
    expect((await signIn(env, p.email, PASSWORD, { from: home })).res.status).toBe(200);
    env.clock.advance(3_600_000);
    for (let i = 0; i < 25; i++) await fail(p.email, from(), 1); // 25 failures elsewhere: past the account-wide limit
    expect((await signIn(env, p.email, "one typo", { from: home })).res.status).toBe(401);
    expect((await signIn(env, p.email, PASSWORD, { from: home })).res.status).toBe(200);
  });

  it("not a known address (new, another account's, or last used over 90 days ago): after 20+ failures elsewhere, one failure there still slows it", async () => {
    const p = await env.person({ password: PASSWORD });
    const colleague = await env.person({ password: PASSWORD });
    const shared = from(); // the colleague's usual address, never used by p
    const lapsed = from(); // p signed in here, but more than 90 days ago
    expect((await signIn(env, colleague.email, PASSWORD, { from: shared })).res.status).toBe(200);
    expect((await signIn(env, p.email, PASSWORD, { from: lapsed })).res.status).toBe(200);
    env.clock.advance(91 * 86_400_000);
    for (let i = 0; i < 25; i++) await fail(p.email, from(), 1);
    for (const ip of [from(), shared, lapsed]) {
      expect((await signIn(env, p.email, "one typo", { from: ip })).res.status).toBe(401);
      expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(429);
    }
  });

  it("known address: a client with no address is never remembered as known", async () => {
    const e = await testEnv(); // no proxy and in-process requests: the address is "unknown"
    const p = await e.person({ password: PASSWORD });
    expect((await signIn(e, p.email, PASSWORD)).res.status).toBe(200);
    for (let i = 0; i < ACCOUNT_RULE.free; i++) e.deps.db.insert(loginFailures).values({ email: p.email, address: `198.51.100.${i}`, at: e.clock.now() }).run();
    expect((await signIn(e, p.email, "one typo")).res.status).toBe(401);
    expect((await signIn(e, p.email, PASSWORD)).res.status).toBe(429);
  });

  it("known address: by IPv6 /64, renewed by each sign-in; an attacker there still gets only the pair allowance", async () => {
    const p = await env.person({ password: PASSWORD });
    expect((await signIn(env, p.email, PASSWORD, { from: "2001:db8:9:9::1" })).res.status).toBe(200);
    env.clock.advance(60 * 86_400_000);
    expect((await signIn(env, p.email, PASSWORD, { from: "2001:db8:9:9::2" })).res.status).toBe(200);
    env.clock.advance(60 * 86_400_000); // 120 days after the first sign-in, 60 after the last
    for (let i = 0; i < 25; i++) await fail(p.email, from(), 1);
    const six = "2001:db8:9:9:abcd::7";
    await fail(p.email, six, PAIR_RULE.free);
    expect((await signIn(env, p.email, PASSWORD, { from: six })).res.status).toBe(429);
    env.clock.advance(60_000);
    expect((await signIn(env, p.email, PASSWORD, { from: six })).res.status).toBe(200);
  });

  it("account-wide: many addresses with a few failures each are slowed together, with a delay, not locked", async () => {
    const p = await env.person({ password: PASSWORD });
    const ips = Array.from({ length: 5 }, from);
    for (const ip of ips) await fail(p.email, ip, 4); // 20 failures, under the pair limit everywhere
    const slowed = await signIn(env, p.email, "guess", { from: ips[0] });
    expect(slowed.res.status).toBe(429);
    const wait = Number(slowed.res.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    env.clock.advance(wait * 1000);
    expect((await signIn(env, p.email, PASSWORD, { from: ips[0] })).res.status).toBe(200);
  });

  it("an address that fails for too many accounts is throttled for every account (a password spray), with a delay", async () => {
    const ip = from();
    const p = await env.person({ password: PASSWORD });
    for (let i = 0; i < ADDRESS_RULE.free; i++) await signIn(env, `spray-${i}@test.example`, "Winter2026!!", { from: ip });
    const res = await signIn(env, p.email, PASSWORD, { from: ip });
    expect(res.res.status).toBe(429);
    expect((await signIn(env, p.email, PASSWORD, { from: from() })).res.status).toBe(200);
    env.clock.advance(Number(res.res.headers.get("retry-after")) * 1000);
    expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(200);
  });
});

describe("an attempt is counted before its password is checked", () => {
  it("200 guesses sent at once: at most 5 are checked, the rest get 429", async () => {
    const p = await env.person({ password: PASSWORD });
    const ip = from();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => signIn(env, p.email, `parallel guess ${i}`, { from: ip })));
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 401).length).toBe(PAIR_RULE.free);
    expect(statuses.filter((s) => s === 429).length).toBe(200 - PAIR_RULE.free);
  });

  it("wrong current passwords on a password change count too", async () => {
    const p = await env.person({ password: PASSWORD });
    const ip = from();
    const { client } = await signIn(env, p.email, PASSWORD, { from: ip });
    const h = { "X-Forwarded-For": ip };
    for (let i = 0; i < 5; i++) expect((await client.put("/api/me/password", { currentPassword: `guess ${i}`, newPassword: "whatever long enough" }, h)).status).toBe(422);
    expect((await client.put("/api/me/password", { currentPassword: PASSWORD, newPassword: "whatever long enough" }, h)).status).toBe(429);
  });
});

describe("admin unlock", () => {
  it("POST /api/staff/:id/unlock (admin) clears the person's throttle at every address, audited; others 403, unknown 404", async () => {
    const p = await env.person({ password: PASSWORD });
    const admin = await env.person({ roles: ["admin"] });
    const hr = await env.person({ roles: ["hr"] });
    const ip = from();
    await fail(p.email, ip, 5);
    expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(429);
    expect((await hr.client.post(`/api/staff/${p.id}/unlock`)).status).toBe(403);
    expect((await admin.client.post("/api/staff/no-such-id/unlock")).status).toBe(404);
    expect((await admin.client.post(`/api/staff/${p.id}/unlock`)).status).toBe(204);
    const last = env.deps.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1).get()!;
    expect(last).toMatchObject({ action: "unlock", entity: "staff", entityId: p.id, actorId: admin.id });
    expect((await signIn(env, p.email, PASSWORD, { from: ip })).res.status).toBe(200);
  });
});

describe("the client address behind a proxy", () => {
  it("is the right-most X-Forwarded-For hop that no trusted proxy added", () => {
    const trusted = ["10.0.0.5", "192.168.0.0/16"];
    expect(clientAddressFrom("1.2.3.4, 198.51.100.7", "10.0.0.5", trusted)).toBe("198.51.100.7");
    expect(clientAddressFrom("1.2.3.4, 198.51.100.7, 192.168.4.4", "::ffff:10.0.0.5", trusted)).toBe("198.51.100.7");
    expect(clientAddressFrom("198.51.100.7", "10.0.0.5", trusted)).toBe("198.51.100.7");
    // A peer that is not a trusted proxy is the client, whatever it claims.
    expect(clientAddressFrom("1.2.3.4", "198.51.100.9", trusted)).toBe("198.51.100.9");
    // All hops trusted: the left-most.
    expect(clientAddressFrom("192.168.1.1, 192.168.1.2", "10.0.0.5", trusted)).toBe("192.168.1.1");
    expect(clientAddressFrom(undefined, "10.0.0.5", trusted)).toBe("10.0.0.5");
    expect(clientAddressFrom("[2001:db8::1]:4711, 198.51.100.7:80", "10.0.0.5", trusted)).toBe("198.51.100.7");
    // TRUSTED_PROXIES unset: one proxy (the peer), so the right-most hop.
    expect(clientAddressFrom("1.2.3.4, 198.51.100.7", "10.0.0.5", undefined)).toBe("198.51.100.7");
    expect(clientAddressFrom(undefined, "::ffff:198.51.100.9", undefined)).toBe("198.51.100.9");
  });

  it("XFF spoofing: rotating a made-up left-most hop does not escape the throttle", async () => {
    const e = await testEnv({ TRUST_PROXY: "true", TRUSTED_PROXIES: "10.0.0.5" });
    const p = await e.person({ password: PASSWORD });
    const real = "198.51.100.7";
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await signIn(e, p.email, `guess ${i}`, { from: `1.2.3.${i}, ${real}` })).res.status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // The same person from their own network still signs in.
    expect((await signIn(e, p.email, PASSWORD, { from: `1.2.3.4, 198.51.100.8` })).res.status).toBe(200);
  });

  it("IPv6: the addresses of one /64 count as one client (rotating within it gives no fresh address)", async () => {
    const p = await env.person({ password: PASSWORD });
    for (let i = 1; i <= 5; i++) expect((await signIn(env, p.email, `guess ${i}`, { from: `2001:db8:1:2::${i.toString(16)}` })).res.status).toBe(401);
    expect((await signIn(env, p.email, "guess 6", { from: "2001:db8:1:2:ffff:1:2:3" })).res.status).toBe(429);
    expect((await signIn(env, p.email, PASSWORD, { from: "2001:db8:1:3::1" })).res.status).toBe(200);
    expect(throttleKey("2001:0db8:0001:0002:0000:0000:0000:0001")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("::1")).toBe("0:0:0:0::/64");
    expect(throttleKey("198.51.100.7")).toBe("198.51.100.7");
  });

  it("the throttle rules are pure functions of the counts and now", () => {
    const now = 1_000_000_000;
    const n = (count: number, ago = 0) => ({ count, lastAt: count ? now - ago : undefined });
    const none = n(0);
    expect(throttleFor({ pair: n(4), account: n(4), address: n(1), now })).toBeUndefined();
    expect(throttleFor({ pair: n(5), account: n(5), address: n(1), now })).toEqual({ retryAfterMs: 60_000, scope: "pair" });
    expect(throttleFor({ pair: n(5, 60_000), account: n(5, 60_000), address: n(1, 60_000), now })).toBeUndefined();
    expect(throttleFor({ pair: n(6, 60_000), account: n(6, 60_000), address: n(1), now })).toEqual({ retryAfterMs: 60_000, scope: "pair" });
    expect(throttleFor({ pair: n(40), account: n(40), address: n(1), now })).toMatchObject({ retryAfterMs: PAIR_RULE.capMs });
    // Account-wide failures only slow an address that has failed for the account itself.
    expect(throttleFor({ pair: none, account: n(ACCOUNT_RULE.free + 5), address: none, now })).toBeUndefined();
    expect(throttleFor({ pair: n(1), account: n(ACCOUNT_RULE.free), address: n(1), now })).toMatchObject({ scope: "account" });
    // From an address the account signed in from before, the account-wide count never applies; the pair and address rules do.
    expect(throttleFor({ pair: n(1), account: n(ACCOUNT_RULE.free + 5), address: n(1), now, knownAddress: true })).toBeUndefined();
    expect(throttleFor({ pair: n(PAIR_RULE.free), account: n(ACCOUNT_RULE.free + 5), address: n(1), now, knownAddress: true })).toEqual({ retryAfterMs: 60_000, scope: "pair" });
    expect(throttleFor({ pair: none, account: none, address: n(ADDRESS_RULE.free), now, knownAddress: true })).toMatchObject({ scope: "address" });
    expect(throttleFor({ pair: n(1), account: n(ACCOUNT_RULE.free + 5), address: n(1), now, knownAddress: false })).toMatchObject({ scope: "account" });
    expect(throttleFor({ pair: none, account: none, address: n(ADDRESS_RULE.free), now })).toMatchObject({ scope: "address" });
    expect(throttleFor({ pair: none, account: none, address: n(ADDRESS_RULE.free - 1), now })).toBeUndefined();
  });
});

// From the outside review of issue 9's access fixes: throttle bypasses (email spellings,
// X-Forwarded-For, IPv4-mapped IPv6). These run without TRUST_PROXY unless they say so.
describe("sign-in throttle cannot be beaten by spelling or by the forwarded address", () => {
  // A fresh database for each case, as where these were first written.
  let env: TestEnv;
  beforeEach(async () => {
    env = await testEnv();
  });

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
