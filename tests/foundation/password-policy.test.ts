// One password policy (NIST SP 800-63B 5.1.1.2) for every path that sets a password:
// staff creation, an admin setting one, changing your own, ADMIN_PASSWORD at start-up
// and npm run admin:create.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEnv, expectInvalid, type TestEnv } from "../helpers.js";
import { PASSWORD, signIn } from "./support.js";
import { passwordProblem } from "../../src/auth/password-policy.js";
import { loadConfig } from "../../src/config.js";

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ TRUST_PROXY: "true" });
});

describe("the policy", () => {
  it("refuses short, one repeated character, very common, sequences and the person's own email; accepts a passphrase", () => {
    expect(passwordProblem("short")).toMatch(/12/);
    expect(passwordProblem("aaaaaaaaaaaaaaaa")).toMatch(/repeat/i);
    expect(passwordProblem("abababababababab")).toMatch(/repeat/i);
    expect(passwordProblem("password1234")).toMatch(/common/i);
    expect(passwordProblem("Password1234")).toMatch(/common/i);
    expect(passwordProblem("123456789012")).toMatch(/common|sequence/i);
    expect(passwordProblem("qwertyuiopasdf")).toMatch(/common|sequence/i);
    expect(passwordProblem("jo.bloggs@council.example", { email: "jo.bloggs@council.example" })).toMatch(/email/i);
    expect(passwordProblem("x".repeat(1025))).toMatch(/1024/);
    expect(passwordProblem(PASSWORD)).toBeUndefined();
    expect(passwordProblem("dutyline-demo-2026")).toBeUndefined();
  });
});

describe("every path that sets a password uses it", () => {
  it("changing your own: the same as the current one, one repeated character or a common one is a 400 naming newPassword", async () => {
    const p = await env.person({ password: PASSWORD });
    const { client } = await signIn(env, p.email, PASSWORD, { from: "198.51.100.20" });
    const h = { "X-Forwarded-For": "198.51.100.20" };
    expectInvalid(await client.put("/api/me/password", { currentPassword: PASSWORD, newPassword: PASSWORD }, h), "newPassword");
    expectInvalid(await client.put("/api/me/password", { currentPassword: PASSWORD, newPassword: "zzzzzzzzzzzzzz" }, h), "newPassword");
    expectInvalid(await client.put("/api/me/password", { currentPassword: PASSWORD, newPassword: "password12345" }, h), "newPassword");
    expect((await signIn(env, p.email, PASSWORD, { from: "198.51.100.21" })).res.status).toBe(200);
  });

  it("an admin setting one: equal to the current one, or weak, is a 400 naming password", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const p = await env.person({ password: PASSWORD });
    expectInvalid(await admin.client.put(`/api/staff/${p.id}/password`, { password: PASSWORD }), "password");
    expectInvalid(await admin.client.put(`/api/staff/${p.id}/password`, { password: "111111111111" }), "password");
    expect((await admin.client.put(`/api/staff/${p.id}/password`, { password: "a different long passphrase" })).status).toBe(204);
  });

  it("creating staff with a weak password is a 400 naming password and writes nothing", async () => {
    const admin = await env.person({ roles: ["admin"] });
    const before = env.auditCount();
    expectInvalid(await admin.client.post("/api/staff", { name: "Weak", email: "weak@council.example", roles: ["amhp"], password: "qwerty123456" }), "password");
    expect(env.auditCount()).toBe(before);
  });

  it("ADMIN_PASSWORD at start-up is checked by the same policy, naming the variable", () => {
    expect(() => loadConfig({ ADMIN_EMAIL: "a@council.example", ADMIN_PASSWORD: "aaaaaaaaaaaaaaa" })).toThrow(/ADMIN_PASSWORD: .*repeat/i);
    expect(() => loadConfig({ ADMIN_EMAIL: "a@council.example", ADMIN_PASSWORD: "password123456" })).toThrow(/ADMIN_PASSWORD: .*common/i);
    expect(() => loadConfig({ ADMIN_EMAIL: "first.admin@council.example", ADMIN_PASSWORD: "first.admin@council.example" })).toThrow(/ADMIN_PASSWORD: .*email/i);
    expect(loadConfig({ ADMIN_EMAIL: "a@council.example", ADMIN_PASSWORD: PASSWORD }).ADMIN_PASSWORD).toBe(PASSWORD);
  });

  it("npm run admin:create refuses a weak password with the policy's reason", () => {
    const dir = mkdtempSync(join(tmpdir(), "dutyline-pw-"));
    try {
      const run = spawnSync(join(process.cwd(), "node_modules/.bin/tsx"), ["src/cli/admin-create.ts", "--email", "x@council.example", "--name", "X"], {
        cwd: process.cwd(),
        env: { ...process.env, TZ: "UTC", DATABASE_PATH: join(dir, "db.sqlite"), LOG_LEVEL: "silent" },
        input: "password1234567\n",
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/common/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
