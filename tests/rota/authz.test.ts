// The rota routes' slice of the authorisation matrix (tests/security runs the
// whole app's): each role is refused exactly where `access` does not list it.
import { beforeAll, describe, expect, it } from "vitest";
import { testEnv, type Client, type TestEnv } from "../helpers.js";
import { ROLES, type Role } from "../../src/staff/schema.js";
import { rotaRoutes } from "../../src/rota/routes.js";

type Access = "public" | "signed_in" | Role[];
let env: TestEnv;
const byRole = new Map<Role, Client>();
let ops: { method: string; path: string; access: Access }[] = [];

beforeAll(async () => {
  env = await testEnv();
  for (const role of ROLES) byRole.set(role, (await env.person({ roles: [role] })).client);
  const doc = rotaRoutes.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "rota", version: "0" } }) as unknown as {
    paths: Record<string, Record<string, { "x-access"?: Access }>>;
  };
  ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, access: op["x-access"]! })));
});

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "no-such-id");

describe("rota authorisation", () => {
  it("declares the expected access", () => {
    const table = Object.fromEntries(ops.map((o) => [`${o.method} ${o.path}`, o.access]));
    const writers = ["admin", "manager", "senior_manager"];
    expect(table).toEqual({
      "POST /api/rotas": writers,
      "GET /api/rotas": "signed_in",
      "GET /api/rotas/{id}": "signed_in",
      "POST /api/rotas/{id}/patterns": writers,
      "POST /api/patterns/{id}/end": writers,
      "GET /api/rotas/{id}/shifts": "signed_in",
      "POST /api/rotas/{id}/assignments": writers,
      "POST /api/rotas/{id}/assignments/check": writers,
      "POST /api/assignments/{id}/cancel": writers,
      "POST /api/rotas/{id}/rotation": writers,
      "GET /api/rotas/{id}/coverage": "signed_in",
      "POST /api/swaps": "signed_in",
      "GET /api/swaps": "signed_in",
      "POST /api/swaps/{id}/accept": "signed_in",
      "POST /api/swaps/{id}/approve": writers,
      "GET /api/on-duty": "signed_in",
      "GET /api/me/shifts": "signed_in",
      "POST /api/me/calendar-token": "signed_in",
      "GET /api/calendar/{token}.ics": "public",
    });
  });

  it("401 for nobody on every signed-in route", async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.access !== "public")) {
      const res = await env.anon.request(op.method, concrete(op.path), op.method === "GET" ? undefined : {});
      if (res.status !== 401) wrong.push(`${op.method} ${op.path} -> ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it("403 exactly for the roles not listed; listed roles get past the gate", async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.access !== "public")) {
      for (const role of ROLES) {
        const allowed = op.access === "signed_in" || (op.access as Role[]).includes(role);
        const res = await byRole.get(role)!.request(op.method, concrete(op.path), op.method === "GET" ? undefined : {});
        if (allowed ? res.status === 403 || res.status === 401 : res.status !== 403) wrong.push(`${role} ${op.method} ${op.path} -> ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
