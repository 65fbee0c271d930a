// Every server-rendered page declares who may open it (PAGES in src/web/page-access.ts,
// read by the page gate). This matrix opens each page as each role and as nobody:
// allowed -> 200, nobody -> 303 to /login, a role not listed -> 403 with a plain sentence
// saying why; never a 500. A page registered on the router without a rule fails the first test.
import { beforeAll, describe, expect, it } from "vitest";
import { testEnv, type Client, type TestEnv } from "../helpers.js";
import { ROLES, type Role } from "../../src/staff/schema.js";
import { PAGES, webPages } from "../../src/web/pages.js";
import type { PageAccess, PagePath } from "../../src/web/page-access.js";

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
    expect(registered).toEqual(paths.map((p) => `GET ${p}`).sort());
    expect(paths.length).toBeGreaterThan(5);
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
