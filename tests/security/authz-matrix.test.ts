// Every route in the OpenAPI document declares who may call it (`x-access`).
// This matrix calls each one as each role and as nobody: a forbidden role must
// get 403 and an allowed one must get past the gate, whatever the body or id.
// New routes join the matrix by being registered; none can be left out.
import { beforeAll, describe, expect, it } from "vitest";
import { testEnv, Client, type TestEnv } from "../helpers.js";
import { ROLES, type Role } from "../../src/staff/schema.js";
import { issueApiToken } from "../../src/auth/service.js";
import { apiTokens } from "../../src/auth/schema.js";
import { eq } from "drizzle-orm";

type Access = "public" | "signed_in" | Role[];
interface Op {
  method: string;
  path: string;
  access: Access;
}

let env: TestEnv;
const byRole = new Map<Role, Client>();
let ops: Op[] = [];
let expiredToken = "";
let readOnlyToken = "";

beforeAll(async () => {
  env = await testEnv();
  for (const role of ROLES) byRole.set(role, (await env.person({ roles: [role] })).client);
  // Tokens held by someone with every role, so only the token itself can be why a request is refused.
  const all = await env.person({ roles: [...ROLES] });
  const system = { type: "system", job: "test" } as const;
  const expired = await issueApiToken(env.deps, system, all.id, "expired");
  env.deps.db.update(apiTokens).set({ expiresAt: new Date(env.clock.now().getTime() - 1) }).where(eq(apiTokens.id, expired.id)).run();
  expiredToken = expired.token;
  readOnlyToken = (await issueApiToken(env.deps, system, all.id, "reader", { readOnly: true })).token;
  const doc = (await env.anon.get("/openapi.json")).body as { paths: Record<string, Record<string, { "x-access"?: Access }>> };
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, access: op["x-access"] as Access })),
  );
});

// Path parameters get a made-up id; the gate must answer before any lookup.
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "no-such-id");

describe("authorisation matrix", () => {
  it("every operation declares its access", () => {
    expect(ops.length).toBeGreaterThan(5);
    const undeclared = ops.filter((o) => o.access === undefined).map((o) => `${o.method} ${o.path}`);
    expect(undeclared).toEqual([]);
  });

  it("signed-in routes refuse an anonymous caller with 401", async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.access !== "public")) {
      const res = await env.anon.request(op.method, concrete(op.path), op.method === "GET" ? undefined : {});
      if (res.status !== 401) wrong.push(`${op.method} ${op.path} -> ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("an expired API token is refused (401) on every route that needs a caller", async () => {
    const wrong: string[] = [];
    const c = new Client(env.app);
    for (const op of ops.filter((o) => o.access !== "public")) {
      const res = await c.request(op.method, concrete(op.path), op.method === "GET" ? undefined : {}, { Authorization: `Bearer ${expiredToken}` });
      if (res.status !== 401) wrong.push(`${op.method} ${op.path} -> ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("a read-only API token is refused (403) on every unsafe route, public ones included", async () => {
    const wrong: string[] = [];
    const c = new Client(env.app);
    for (const op of ops.filter((o) => !["GET", "HEAD", "OPTIONS"].includes(o.method))) {
      const res = await c.request(op.method, concrete(op.path), {}, { Authorization: `Bearer ${readOnlyToken}` });
      if (res.status !== 403) wrong.push(`${op.method} ${op.path} -> ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("each role is refused (403) exactly where its role is not listed", async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => Array.isArray(o.access))) {
      for (const role of ROLES) {
        const allowed = (op.access as Role[]).includes(role);
        const res = await byRole.get(role)!.request(op.method, concrete(op.path), op.method === "GET" ? undefined : {});
        if (allowed ? res.status === 403 || res.status === 401 : res.status !== 403) {
          wrong.push(`${role} ${op.method} ${op.path} -> ${res.status} (allowed: ${allowed})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
