import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "../deps.js";

/**
 * The API docs (Swagger UI) served from the installed swagger-ui-dist package, not a CDN:
 * the service's CSP allows scripts and styles from itself only, and a docs page must not
 * need that widened. The init script is a served file too (no inline script).
 */
const require = createRequire(import.meta.url);
const PKG_DIR = dirname(require.resolve("swagger-ui-dist/package.json"));
const VERSION: string = (require("swagger-ui-dist/package.json") as { version: string }).version;

// A fixed list: no path from a URL reaches the disk.
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};
const cache = new Map<string, Uint8Array>();

function asset(name: string): Uint8Array | undefined {
  if (!Object.hasOwn(ASSETS, name)) return undefined;
  let body = cache.get(name);
  if (!body) {
    body = new Uint8Array(readFileSync(join(PKG_DIR, name)));
    cache.set(name, body);
  }
  return body;
}

const v = `?v=${encodeURIComponent(VERSION)}`;
const PAGE = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API docs · Dutyline</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png${v}" type="image/png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css${v}">
<script src="/docs/assets/swagger-ui-bundle.js${v}" defer></script>
<script src="/static/docs.js${v}" defer></script>
</head>
<body>
<main id="swagger-ui"><noscript><p>The API docs need JavaScript. The OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript></main>
</body>
</html>
`;

export const docsRoutes = new Hono<AppEnv>();

docsRoutes.get("/docs", (c) => {
  c.header("Cache-Control", "no-cache");
  return c.html(PAGE);
});

docsRoutes.get("/docs/assets/:name", (c) => {
  const name = c.req.param("name");
  const body = asset(name);
  if (!body) return c.notFound();
  // Versioned URLs from the page: a new package version is a new URL, so a day's caching is safe.
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": ASSETS[name]!, "Cache-Control": "public, max-age=86400" });
});
