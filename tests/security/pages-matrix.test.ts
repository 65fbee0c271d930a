// Every server-rendered page declares who may open it (PAGES in src/web/page-access.ts,
// read by the page gate). This matrix opens each page as each role and as nobody:
// allowed -> 200, nobody -> 303 to /login, a role not listed -> 403 with a plain sentence
// saying why; never a 500. A page registered on the router without a rule fails the first test.
import { beforeAll, describe, expect, it } from "vitest";
import { Client, sessionCookie, testEnv, type TestEnv } from "../helpers.js";
import { ROLES, type Role } from "../../src/staff/schema.js";
import { PAGES, webPages } from "../../src/web/pages.js";
import type { PageAccess, PagePath } from "../../src/web/page-access.js";
import { REPORTS } from "../../src/web/pages/hr.js";
import { buildCast } from "../../src/cli/demo.js";
import { seedHr } from "../../src/hr/demo.js";
import { seedRota } from "../../src/rota/demo.js";
import { seedLoneWorking } from "../../src/lone-working/alerts/demo.js";

let env: TestEnv;
const byRole = new Map<Role, Client>();
const paths = Object.keys(PAGES) as PagePath[];

beforeAll(async () => {
  env = await testEnv();
  for (const role of ROLES) byRole.set(role, (await env.person({ roles: [role] })).client);
});

// Path parameters get a made-up id: the gate answers before any lookup, and the page
// itself must not fall over on an id that does not exist.
const concrete = (path: string) => path.replace(/:[^/]+/g, "no-such-id");
const ruleOf = (path: PagePath): PageAccess => PAGES[path];
const visible = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("page × role matrix", () => {
  it("every page on the router has a rule, and every rule a page", () => {
    const registered = [...new Set(webPages.routes.map((r) => `${r.method} ${r.path}`))].sort();
    expect(registered.filter((r) => r.startsWith("GET "))).toEqual(paths.map((p) => `GET ${p}`).sort());
    // A form posts to its own page, under the page's rule (definePage's `post`); nothing else.
    expect(registered.filter((r) => !r.startsWith("GET ") && !(r.startsWith("POST ") && (paths as string[]).includes(r.slice(5))))).toEqual([]);
    expect(paths.length).toBeGreaterThan(5);
  });

  it("every page's form (POST) sends nobody to sign in and refuses a role not listed (403); never a 500", async () => {
    const forms = [...new Set(webPages.routes.filter((r) => r.method === "POST").map((r) => r.path as PagePath))];
    const wrong: string[] = [];
    for (const path of forms) {
      const rule = ruleOf(path);
      const url = concrete(path);
      const anon = await env.anon.post(url, {});
      if (rule.access !== "public" && anon.status !== 303) wrong.push(`nobody POST ${path} -> ${anon.status}`);
      for (const role of ROLES) {
        const allowed = rule.access === "public" || rule.access === "signed_in" || rule.access.includes(role);
        const res = await byRole.get(role)!.post(url, {});
        if (allowed ? res.status === 403 || res.status >= 500 : res.status !== 403) wrong.push(`${role} POST ${path} -> ${res.status} (allowed: ${allowed})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("nobody signed in is sent to /login (303) from every page but public ones, and comes back", async () => {
    const wrong: string[] = [];
    for (const path of paths) {
      const url = concrete(path);
      const res = await env.anon.get(url);
      const want = ruleOf(path).access === "public" ? "200" : `303 /login?next=${encodeURIComponent(url)}`;
      const got = res.status === 303 ? `303 ${res.headers.get("location")}` : String(res.status);
      if (got !== want) wrong.push(`${path}: ${got} (wanted ${want})`);
    }
    expect(wrong).toEqual([]);
  });

  it("each role opens (200) exactly the pages its role is listed for, and reads why (403) elsewhere", async () => {
    const wrong: string[] = [];
    for (const path of paths) {
      const rule = ruleOf(path);
      for (const role of ROLES) {
        const allowed = rule.access === "public" || rule.access === "signed_in" || rule.access.includes(role);
        const res = await byRole.get(role)!.get(concrete(path));
        if (res.status !== (allowed ? 200 : 403)) wrong.push(`${role} ${path} -> ${res.status} (allowed: ${allowed})`);
        if (!allowed && "forbidden" in rule && !visible(res.text).includes(rule.forbidden)) wrong.push(`${role} ${path}: 403 without its explanation`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a person with several roles is let in by any one of them", async () => {
    const both = await env.person({ roles: ["amhp", "hr"] });
    expect((await both.client.get("/hr")).status).toBe(200);
    expect((await both.client.get("/board")).status).toBe(403);
  });
});

// Each page's other views, beside its plain path: the matrix opens all of them.
const VIEWS: Partial<Record<PagePath, string[]>> = {
  "/rota": ["?view=month", "?view=month&date=2026-03-01", "?date=2026-10-25"],
  "/hr": [
    ...REPORTS.map((r) => `?report=${r.key}`),
    "?report=sickness&asOf=2026-06-30",
    "?report=supervision&q=a&status=overdue",
    "?report=lone-working&from=2025-11-24&to=2026-11-24",
    "?report=integrity&from=2025-11-24&to=2026-11-24",
  ],
};

describe("page × role matrix on demo data", () => {
  // Pages read typed answers: a shape the page cannot read is a 500, so every view of every
  // page, as every role and as the demo's own people (managers of a team, HR), on real data.
  it("every view of every page opens (200) for each role it allows, and is refused (403) or sent to sign in (303) otherwise; never a 500", async () => {
    const demo = await testEnv();
    const cast = await buildCast(demo.deps);
    await seedHr(demo.deps, cast);
    await seedRota(demo.deps, cast);
    await seedLoneWorking(demo.deps, cast);
    const people: [string, Client, readonly Role[]][] = [];
    for (const role of ROLES) people.push([role, (await demo.person({ roles: [role] })).client, [role]]);
    const staff = (await new Client(demo.app, sessionCookie(demo.deps, cast.admin.id)).get("/api/staff")).body.staff as { id: string; name: string; roles: Role[] }[];
    for (const p of [cast.managers[0]!, cast.managers[3]!, cast.seniorManagers[0]!, cast.hr[0]!, cast.amhps[0]!, cast.admin]) {
      people.push([p.name, new Client(demo.app, sessionCookie(demo.deps, p.id)), staff.find((s) => s.id === p.id)!.roles]);
    }
    const wrong: string[] = [];
    let opened = 0;
    for (const path of paths) {
      const rule = ruleOf(path);
      for (const view of ["", ...(VIEWS[path] ?? [])]) {
        const url = concrete(path) + view;
        const anon = await demo.anon.get(url);
        if (anon.status !== (rule.access === "public" ? 200 : 303)) wrong.push(`nobody ${url} -> ${anon.status}`);
        for (const [who, client, roles] of people) {
          const allowed = rule.access === "public" || rule.access === "signed_in" || roles.some((r) => (rule.access as readonly string[]).includes(r));
          const res = await client.get(url);
          if (res.status !== (allowed ? 200 : 403)) wrong.push(`${who} ${url} -> ${res.status} (allowed: ${allowed})`);
          if (res.status === 200) opened++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(opened).toBeGreaterThan(50);
  }, 120_000);
});
