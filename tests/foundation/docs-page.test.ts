// The API docs page (/docs): everything it loads comes from the service itself, so the
// service's one strict CSP (script-src 'self', no inline script) holds there too.
import { beforeAll, describe, expect, it } from "vitest";
import { testEnv, type TestEnv } from "../helpers.js";

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});

/** Every URL the page asks the browser to fetch (scripts, styles, icons, images). */
function assetUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img)\b[^>]*\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}

describe("API docs page", () => {
  it("references only same-origin assets, with no inline script, under the same strict CSP as every page", async () => {
    const res = await env.anon.get("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const urls = assetUrls(res.text);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const u of urls) expect(u, u).toMatch(/^\/(?!\/)/); // a path on this origin, not //host or https://
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle="|\son[a-z]+="/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toBe((await env.anon.get("/healthz")).headers.get("content-security-policy"));
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("https:");
  });

  it("serves each asset the page names, with the right content type", async () => {
    const urls = assetUrls((await env.anon.get("/docs")).text);
    const types: string[] = [];
    for (const u of urls) {
      const a = await env.app.request(u);
      expect(a.status, u).toBe(200);
      const type = a.headers.get("content-type") ?? "";
      types.push(type);
      if (u.split("?")[0]!.endsWith(".js")) {
        expect(type, u).toContain("text/javascript");
        expect((await a.text()).length, u).toBeGreaterThan(100);
      }
      if (u.split("?")[0]!.endsWith(".css")) expect(type, u).toContain("text/css");
      expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(types.some((t) => t.includes("javascript"))).toBe(true);
    expect(types.some((t) => t.includes("text/css"))).toBe(true);
    // The bundle really is Swagger UI, and the init script points it at our OpenAPI document.
    const init = await Promise.all(urls.filter((u) => u.includes(".js")).map(async (u) => (await env.app.request(u)).text()));
    expect(init.some((t) => t.includes("SwaggerUIBundle") && t.includes("/openapi.json"))).toBe(true);
  });

  it("serves no other file from the package, and no path from the URL reaches the disk", async () => {
    for (const p of ["/docs/assets/package.json", "/docs/assets/..%2F..%2Fpackage.json", "/docs/assets/index.html", "/docs/assets/swagger-ui-bundle.js.map"]) {
      expect((await env.anon.get(p)).status, p).toBe(404);
    }
  });
});
